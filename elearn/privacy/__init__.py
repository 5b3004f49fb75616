"""Data rights: a person's data export and deletion request, anonymising and deleting people,
retention of memos and journals, and the audit log of who saw what."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, template_folder="templates")

"""Administration: inviting people, managing people and their roles, and cohorts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

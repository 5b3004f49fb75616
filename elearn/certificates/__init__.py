"""Course certificates with a verification code, and the public verification page."""

from flask import Blueprint

bp = Blueprint("certificates", __name__, template_folder="templates")

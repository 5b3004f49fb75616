"""Administration: inviting people, managing people and their roles, and cohorts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from elearn.admin import views  # noqa: E402, F401

"""The study modules as pages: course overview, module, section, print view and media."""

from flask import Blueprint

bp = Blueprint("courses", __name__, template_folder="templates")

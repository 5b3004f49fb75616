"""Feedback: short surveys after modules, discussions and the course; results; loop notes."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, template_folder="templates")

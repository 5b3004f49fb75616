"""Signing in and out, accepting an invitation, password reset and the profile page."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

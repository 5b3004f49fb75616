"""Reflective discussions: supervisors' times, booking, journals, memos, calendars, reminders."""

from flask import Blueprint

bp = Blueprint("discussions", __name__, template_folder="templates")

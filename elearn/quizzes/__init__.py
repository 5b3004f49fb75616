"""Quizzes: attempts with shuffled order, server-side grading, feedback on every answer."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__, template_folder="templates")

"""Trainer reports: cohort overview, question analysis, learners, CSV exports; reads only."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates")

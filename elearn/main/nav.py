"""The main navigation: the signed-in person's links, shared by everyone with the same roles."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_login import current_user
from markupsafe import Markup

from elearn.core.fragments import shared_fragment

# The pages the main navigation links to (templates/_main_nav_links.html); every report
# page marks "Reports" (or "Learners") as the current one, every editor page "Course editor".
SECTIONS = frozenset({"reports", "authoring"})
NAV_PAGES = frozenset(
    {
        "main.home",
        "courses.overview",
        "courses.page",
        "discussions.index",
        "feedback.index",
        "admin.invite",
        "admin.cohorts",
        "admin.users",
        "auth.profile",
    }
)


def main_nav_links() -> Markup:
    """The signed-in person's navigation links, shared by everyone with the same roles."""
    endpoint = request.endpoint or ""
    section = endpoint.split(".", 1)[0]
    current = section if section in SECTIONS else endpoint
    current = current if current in NAV_PAGES or current in SECTIONS else ""
    roles = frozenset(current_user.roles)
    return shared_fragment("_main_nav_links.html", current, roles, current=current, roles=roles)


def init_app(app: Flask) -> None:
    """Offer the navigation to every template."""

    @app.context_processor
    def _nav_globals() -> dict[str, Any]:
        return {"main_nav_links": main_nav_links}

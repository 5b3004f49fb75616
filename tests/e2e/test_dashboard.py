"""In a real browser: a trainer lands on the dashboard from the menu, follows a group's
"stuck" figure to those learners, and the page works at desk and phone widths (screenshots in
test-results/screenshots/dashboard/ for people to review)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.extensions import db
from tests.e2e.test_course_pages import fits, log_in
from tests.reports.util import read

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots" / "dashboard"
LONG_NAME = "Keski-Uudenmaan työnantajamallin avustajien syksyn 2026 perehdytysryhmä"


@pytest.fixture
def group(e2e_app):
    """A group of three: one stuck for three weeks, one active yesterday, one not started."""
    with e2e_app.test_request_context():
        found = db.session.scalar(db.select(Cohort.id).where(Cohort.name == LONG_NAME))
        if found is not None:  # made by an earlier test of this module (one browser database)
            return found
        module = get_course().modules[0]
        cohort = Cohort(name=LONG_NAME, employment_model="employer_model")
        people = {}
        for key in ("jumissa", "aktiivinen", "aloittamaton"):
            person = User(
                email=f"kojelauta-{key}@example.fi",
                name=f"Kojelauta {key.capitalize()}",
                session_nonce=key,
                cohort=cohort,
            )
            person.role_rows = [UserRole(role=Role.ASSISTANT.value)]
            people[key] = person
        db.session.add_all([cohort, *people.values()])
        db.session.commit()
        read(people["jumissa"], module, utcnow() - timedelta(days=21), sections=1)
        read(people["aktiivinen"], module, utcnow() - timedelta(days=1), sections=1)
        return cohort.id


def test_trainer_lands_on_the_dashboard_and_finds_who_is_stuck(page: Page, live_server, group):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, email="kouluttaja@example.fi")
    page.get_by_role("link", name="Raportit").click()
    page.wait_for_url(re.compile(r".*/reports/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Koontinäkymä")
    row = page.locator("table.dashboard-groups tr", has_text=LONG_NAME)
    # learners, started, stuck, completed (each link also names its figure for screen readers)
    expect(row.locator("td")).to_have_text([re.compile(rf"^{n}( –|$)") for n in (3, 2, 1, 0)])
    for heading in (
        "Keskustelut seuraavien 14 päivän aikana",
        "Liian vaikeiksi merkityt kysymykset",
        "Kyselyt, joissa on uusia vastauksia",
        "Tarkistettava sisältö",
        "Ryhmät",
    ):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    assert fits(page), "the dashboard scrolls sideways at 375 px"
    # On a phone each group's figures are labelled beside the numbers, not in a far header.
    stuck_cell = row.locator("td").nth(2)
    expect(stuck_cell).to_be_visible()
    for cell in row.locator("td").all():  # every figure on the screen, none scrolled away
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    label = stuck_cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert "Jumissa" in label
    page.screenshot(path=str(SHOTS / "dashboard-375.png"), full_page=True)

    stuck_cell.get_by_role("link").click()
    page.wait_for_url(re.compile(rf".*cohort={group}.*status=stuck"))
    names = page.locator("table.learners-table tbody th")
    expect(names).to_have_text(["Kojelauta Jumissa"])
    expect(page.get_by_label("Tila")).to_have_value("stuck")


def test_the_group_filter_shows_whole_names(page: Page, live_server, group):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, email="kouluttaja@example.fi")
    for url in ("/reports/", "/feedback/results"):
        page.goto(url)
        select = page.get_by_label("Ryhmä", exact=True)
        select.select_option(label=LONG_NAME)
        # The closed list is wide enough for the chosen name (measured in its own font).
        room, needed = select.evaluate(
            """s => {
                const style = getComputedStyle(s);
                const ctx = document.createElement('canvas').getContext('2d');
                ctx.font = style.font;
                const text = ctx.measureText(s.options[s.selectedIndex].text).width;
                const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
                return [s.clientWidth - padding, text];
            }"""
        )
        assert room >= needed + 20, (url, room, needed)  # and the arrow beside it
        start = page.get_by_label("Alkaen")
        assert start.get_attribute("type") == "date"

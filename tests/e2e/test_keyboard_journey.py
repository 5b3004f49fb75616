"""A learner's whole journey with the keyboard only: log in, open a module, read a section,
answer the quiz, book a discussion and answer a survey, using Tab, Shift+Tab, Enter, Space
and the arrow keys. At every stop the focus is visible and never lost to the page body."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from elearn.extensions import db
from tests.discussions.util import plan

pytestmark = pytest.mark.e2e
PASSWORD = "nappaimisto salasana 2026"
FOCUS = """() => { const el = document.activeElement; const s = getComputedStyle(el);
  return {tag: el.tagName, type: el.type || '', name: el.name || '', href: el.getAttribute('href') || '',
          text: (el.textContent || el.value || '').trim(), outline: s.outlineStyle}; }"""


def tab_until(page: Page, wanted, *, limit: int = 120, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until ``wanted(focus)``; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focus = page.evaluate(FOCUS)
        assert focus["tag"] != "BODY", "focus was lost"
        assert focus["outline"] != "none", f"focus not visible on {focus}"
        if wanted(focus):
            return focus
    raise AssertionError("never reached the wanted element by keyboard")


def test_learner_journey_by_keyboard(page: Page, live_server, e2e_app):
    with e2e_app.test_request_context():
        course = get_course()
        cohort = Cohort(name="Näppäimistöryhmä", employment_model="employer_model")
        learner = User(
            email="nappaimisto@example.fi",
            name="Näppäimistö Käyttäjä",
            session_nonce="k",
            cohort=cohort,
            password_hash=hash_password(PASSWORD),
        )
        learner.role_rows = [UserRole(role=Role.ASSISTANT.value)]
        supervisor = User(email="nappaimisto-ohjaaja@example.fi", name="N O", session_nonce="ko")
        supervisor.role_rows = [UserRole(role=Role.SUPERVISOR.value)]
        supervisor.supervised_cohorts = [cohort]
        db.session.add_all([cohort, learner, supervisor])
        db.session.commit()
        discussions.create_slots(supervisor, [plan(utcnow() + timedelta(days=15))])
        db.session.commit()
    module = course.modules[4]

    page.goto("/login")
    tab_until(page, lambda f: f["name"] == "email")
    page.keyboard.type("nappaimisto@example.fi")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")

    # The front page's "Continue here" leads to the first section; the study modules are in
    # the main menu.
    tab_until(page, lambda f: f["href"] == "/modules/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/modules/")
    tab_until(page, lambda f: f["href"] == f"/modules/{module.key}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/modules/{module.key}")
    tab_until(page, lambda f: f["href"] == f"/modules/{module.key}/{module.sections[0].key}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/modules/{module.key}/{module.sections[0].key}")
    tab_until(page, lambda f: f["tag"] == "BUTTON" and "luetuksi" in f["text"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/modules/{module.key}/{module.sections[1].key}")
    # Back to the module through the breadcrumb, found with Shift+Tab from the page's end.
    page.keyboard.press("End")
    tab_until(page, lambda f: f["href"] == f"/modules/{module.key}", back=True, limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/modules/{module.key}")
    tab_until(page, lambda f: f["href"] == f"/modules/{module.key}/quiz")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/modules/{module.key}/quiz")

    answered: set[str] = set()
    for _ in range(200):
        focus = tab_until(page, lambda f: f["tag"] in ("INPUT", "BUTTON"))
        if (
            focus["tag"] == "BUTTON"
            and focus["type"] == "submit"
            and focus["name"] == ""
            and "Lähetä" in focus["text"]
        ):
            break
        if (
            focus["tag"] == "INPUT"
            and focus["name"].startswith("q-")
            and focus["name"] not in answered
        ):
            if focus["type"] == "radio":
                page.keyboard.press("ArrowDown")  # arrow keys choose within a question
                page.keyboard.press("ArrowUp")
            page.keyboard.press("Space")
            answered.add(focus["name"])
    assert len(answered) == len(module.quiz.questions)
    page.keyboard.press("Enter")
    page.wait_for_url("**/quiz/attempts/*")
    expect(page.locator(".result-summary")).to_be_visible()

    tab_until(page, lambda f: f["href"] == "/discussions/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/discussions/")
    tab_until(page, lambda f: "/book" in f["href"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/book")
    tab_until(page, lambda f: f["tag"] == "INPUT" and f["type"] == "submit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/discussions/bookings/*")

    tab_until(page, lambda f: f["href"] == "/feedback/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/feedback/")
    tab_until(page, lambda f: f["href"] == f"/feedback/answer/module-check/{module.key}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/feedback/answer/**")
    tab_until(page, lambda f: f["name"] == "a-useful")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # 2 on the scale
    tab_until(
        page,
        lambda f: f["tag"] == "BUTTON" and f["type"] == "submit" and "palaute" in f["text"].lower(),
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/feedback/")
    expect(page.locator(".flash-success")).to_be_visible()

"""In a real browser: a learner answers the module check and the discussion survey; a
trainer sees the results once five have answered, exports CSV and publishes a note that the
learner then sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.core.time import to_local, utcnow
from elearn.courses.services import get_course, learner_progress
from elearn.extensions import db
from elearn.feedback import services as feedback
from elearn.feedback.registry import surveys
from tests.discussions.util import attend_discussion
from tests.e2e.test_course_pages import log_in
from tests.feedback.test_services import quiz_done

pytestmark = pytest.mark.e2e
PASSWORD = "palaute salasana 2026"


def test_feedback_round_trip(page: Page, live_server, e2e_app):
    with e2e_app.test_request_context():
        course, all_surveys = get_course(), surveys()
        module = course.modules[0]
        cohort = Cohort(name="Palauteryhmä", employment_model="employer_model")
        people = []
        for i in range(5):
            person = User(
                email=f"palaute{i}@example.fi",
                name=f"Palaute {i}",
                session_nonce=f"p{i}",
                cohort=cohort,
                password_hash=hash_password(PASSWORD),
            )
            person.role_rows = [UserRole(role=Role.ASSISTANT.value)]
            people.append(person)
        db.session.add_all([cohort, *people])
        db.session.commit()
        for person in people:
            quiz_done(person, module)
        db.session.commit()

        def make_user(role, **_kw):
            supervisor = User(email="palaute-ohjaaja@example.fi", name="P O", session_nonce="po")
            supervisor.role_rows = [UserRole(role=Role.SUPERVISOR.value)]
            db.session.add(supervisor)
            db.session.commit()
            return supervisor

        booking = attend_discussion(db, make_user, people[0])
        for person in people[1:]:  # four others have answered already
            feedback.answer(
                person,
                all_surveys["module-check"],
                module.key,
                {"useful": "4", "comment": "Hyödyllinen."},
                surveys=all_surveys,
                progress=learner_progress(person.id),
                # The week of the answer given in the browser below: the CSV lists a
                # group's answers by month only from five answers in that month.
                today=to_local(utcnow()).date(),
            )
        # Four answers wait in the pool; the fifth, given in the browser below, makes a batch
        # and releases all five together.
        db.session.commit()
        cohort_id, booking_id = cohort.id, booking.id

    live_server["logins"]["palaute0@example.fi"] = PASSWORD
    log_in(page, live_server, email="palaute0@example.fi")
    page.locator(f"a[href='/feedback/answer/module-check/{module.key}']").click()
    page.check("#a-useful-5")
    page.fill("#a-comment", "Selkeä ja käytännöllinen jakso – kiitos!")
    page.locator("form.quiz button[type=submit]").click()
    page.wait_for_url("**/feedback/")
    page.locator(f"a[href='/feedback/answer/discussion/{booking_id}']").click()
    page.check("#a-heard-5")
    page.check("#a-arrangements-yes")
    page.fill("#a-next_theme", "Jaksaminen")
    page.locator("form.quiz button[type=submit]").click()
    page.wait_for_url("**/feedback/")
    expect(page.locator(f"a[href='/feedback/answer/discussion/{booking_id}']")).to_have_count(0)
    page.get_by_role("button", name=re.compile("Kirjaudu ulos")).click()

    log_in(page, live_server, email="kouluttaja@example.fi")
    page.goto(f"/feedback/results?survey=module-check&cohort={cohort_id}")
    expect(page.locator("main")).to_contain_text("Selkeä ja käytännöllinen jakso – kiitos!")
    expect(page.locator("svg.chart").first).to_be_visible()
    with page.expect_download() as download_info:
        page.locator("a[href*='results.csv']").click()
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "käytännöllinen" in data.decode("utf-8-sig")
    page.goto("/feedback/results?survey=discussion")
    expect(page.locator("main .note")).to_be_visible()  # one response: held back
    page.goto("/feedback/notes")
    page.fill("#title", "Lyhyemmät osiot")
    page.fill("#body", "Jaoimme pitkät osiot lyhyemmiksi palautteenne perusteella.")
    page.select_option("#cohort", str(cohort_id))
    page.locator("form.stack input[type=submit]").click()
    page.get_by_role("button", name=re.compile("Kirjaudu ulos")).click()

    log_in(page, live_server, email="palaute0@example.fi")
    expect(page.locator("main")).to_contain_text(
        "Jaoimme pitkät osiot lyhyemmiksi palautteenne perusteella."
    )

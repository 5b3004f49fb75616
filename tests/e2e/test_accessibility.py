"""Accessibility in a real browser: axe-core (WCAG 2.0/2.1 A and AA) on every page type, in
Finnish, Swedish and English and for every role; 320 px without sideways scrolling; no raw
message ids; screenshots for people to review. A page added to the app without a check here
fails ``test_every_page_type_is_checked``."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.messages.pofile import read_po
from playwright.sync_api import Browser

from elearn.accounts import services as accounts
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from elearn.extensions import db
from elearn.progress.services import mark_section_read
from tests.discussions.util import attend_discussion, plan
from tests.feedback.test_services import quiz_done

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-results" / "screenshots"
PASSWORD = "saavutettava salasana 2026"
FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# GET endpoints that are not pages: files, data and the health check.
NOT_PAGES = {
    "static": "CSS and JavaScript files",
    "main.healthz": "plain-text health check",
    "main.favicon": "the site's icon",
    "courses.media": "video and caption files",
    "authoring.media_file": "a draft's video and caption files, for the editor's previews",
    "discussions.booking_ics": "iCalendar file",
    "feedback.results_csv": "CSV file",
    "reports.export": "CSV files",
    "privacy.export": "JSON file of the person's data",
    # The shared database here stays unpublished (a published version would replace the
    # course other browser tests serve from their own folders): a version's page is checked
    # in fi, sv and en at 320 px by tests/e2e/test_authoring.py, with every other editor page.
    "authoring.version": "a published version's changes (axe in tests/e2e/test_authoring.py)",
}


@pytest.fixture(scope="module")
def site(e2e_app_object):
    """Accounts of every role with data behind every page; returns the pages to check."""
    app = e2e_app_object
    with app.test_request_context():
        course = get_course()
        module = course.modules[0]
        video_section = next(s for s in module.sections if s.videos)
        cohort = Cohort(name="Saavutettavuusryhmä", employment_model="own_service")
        people = {}
        for key, roles in {
            "learner": [Role.ASSISTANT],
            "certified": [Role.ASSISTANT],
            "supervisor": [Role.SUPERVISOR],
            "trainer": [Role.TRAINER],
            "admin": [Role.ADMIN],
        }.items():
            person = User(
                email=f"a11y-{key}@example.fi",
                name=f"Saavutettava {key}",
                session_nonce=key,
                password_hash=hash_password(PASSWORD),
                cohort=cohort if Role.ASSISTANT in roles else None,
            )
            person.role_rows = [UserRole(role=r.value) for r in roles]
            people[key] = person
        people["supervisor"].supervised_cohorts = [cohort]
        db.session.add_all([cohort, *people.values()])
        db.session.commit()
        learner, certified, supervisor = (
            people["learner"],
            people["certified"],
            people["supervisor"],
        )
        quiz_done(learner, module)
        from elearn.quizzes.models import QuizAttempt

        attempt_id = db.session.scalar(
            db.select(QuizAttempt.id).where(QuizAttempt.user_id == learner.id)
        )
        free_slot, booked_slot = discussions.create_slots(
            supervisor, [plan(utcnow() + timedelta(days=20)), plan(utcnow() + timedelta(days=21))]
        )
        booking = discussions.book(booked_slot.id, learner, now=utcnow(), one_upcoming=False)
        for m in course.modules:
            for s in m.sections:
                mark_section_read(certified.id, m, s, now=utcnow())
            quiz_done(certified, m)

        def make_user(role, **_kw):
            return supervisor

        attend_discussion(db, make_user, certified)
        invited = accounts.invite_user(
            "a11y-kutsu@example.fi",
            Role.ASSISTANT,
            cohort=cohort,
            invited_by=None,
            now=utcnow(),
            lifetime=timedelta(days=7),
        )
        reset = accounts.request_password_reset(
            people["admin"].email, now=utcnow(), lifetime=timedelta(hours=2)
        )
        from elearn.outbox import services as outbox

        outbox.enqueue(  # an undelivered message on the admins' mail page
            key="a11y:mail", to="a11y-kutsu@example.fi", subject="Kutsu", body="x", now=utcnow()
        )
        db.session.commit()
        m, s = module.key, video_section.key
        q = module.quiz.questions[0].key
        pages = {
            "anonymous": [
                ("auth.login", "/login"),
                ("auth.reset_request", "/password-reset"),
                ("auth.reset_password", f"/password-reset/{reset.secret}"),
                ("auth.accept", f"/invitation/{invited.secret}"),
                ("certificates.verify", "/verify?code=ABCD-EFGH-JKLM"),
                ("main.accessibility", "/accessibility"),
                ("error", "/ei-tallaista-sivua"),
            ],
            "learner": [
                ("main.home", "/"),
                ("courses.overview", "/modules/"),
                ("courses.module", f"/modules/{m}"),
                ("courses.section", f"/modules/{m}/{s}"),
                ("courses.print_module", f"/modules/{m}/print"),
                ("journal.module", f"/journal/{m}"),
                ("courses.glossary", "/modules/glossary"),
                ("courses.page", "/modules/pages/kun-tarvitset-apua"),
                ("quizzes.quiz", f"/modules/{course.modules[1].key}/quiz"),
                ("quizzes.result", f"/modules/{m}/quiz/attempts/{attempt_id}"),
                ("discussions.index", "/discussions/"),
                ("discussions.book", f"/discussions/slots/{free_slot.id}/book"),
                ("discussions.learner_booking", f"/discussions/bookings/{booking.id}"),
                ("feedback.index", "/feedback/"),
                ("feedback.answer", f"/feedback/answer/module-check/{m}"),
                ("auth.profile", "/profile"),
                ("privacy.mine", "/privacy/"),
                ("privacy.deletion", "/privacy/deletion"),
                ("certificates.certificate", "/certificate"),
                ("error-403", "/admin/users"),
            ],
            "certified": [("main.home", "/"), ("certificates.certificate", "/certificate")],
            "supervisor": [
                ("discussions.supervise", "/discussions/supervise"),
                ("discussions.edit_slot", "/discussions/slots/new"),
                ("discussions.edit_slot", f"/discussions/slots/{free_slot.id}/edit"),
                ("discussions.series", "/discussions/slots/series"),
                ("discussions.prepare", f"/discussions/bookings/{booking.id}/prepare"),
                ("reports.learners", "/reports/learners"),
                ("reports.learner", f"/reports/learners/{learner.id}"),
                ("reports.supervision", "/reports/supervision"),
            ],
            "trainer": [
                ("reports.dashboard", "/reports/dashboard"),
                ("reports.discussions", "/reports/discussions"),
                ("reports.content", "/reports/content"),
                ("reports.learners", "/reports/learners?status=stuck"),
                ("feedback.results", f"/feedback/results?survey=course&cohort={cohort.id}"),
                ("admin.invite", "/admin/invite"),
                ("admin.cohorts", "/admin/cohorts"),
                ("admin.cohort_edit", f"/admin/cohorts/{cohort.id}"),
                ("admin.cohort_edit", "/admin/cohorts/new"),
                ("admin.cohort_progress", f"/admin/cohorts/{cohort.id}/progress"),
                ("feedback.results", "/feedback/results?survey=module-check"),
                ("feedback.notes", "/feedback/notes"),
                ("reports.overview", f"/reports/?cohort={cohort.id}"),
                ("reports.questions", f"/reports/modules/{m}/questions"),
                ("reports.question", f"/reports/modules/{m}/questions/{q}"),
                ("reports.learners", "/reports/learners"),
                ("reports.learner", f"/reports/learners/{certified.id}"),
                ("reports.overview", "/reports/?start=2026-13-01"),
                # The course editor, before anything is published in the browser.
                ("authoring.index", "/authoring/"),
                ("authoring.module", f"/authoring/modules/{m}"),
                ("authoring.module_texts", f"/authoring/modules/{m}/texts"),
                ("authoring.section", f"/authoring/modules/{m}/sections/{s}"),
                ("authoring.quiz", f"/authoring/modules/{m}/quiz"),
                ("authoring.question", f"/authoring/modules/{m}/quiz/questions/{q}"),
                ("authoring.glossary", f"/authoring/modules/{m}/glossary"),
                ("authoring.media", f"/authoring/modules/{m}/media"),
                ("authoring.preview_module", f"/authoring/modules/{m}/preview"),
                ("authoring.preview_section", f"/authoring/modules/{m}/preview/{s}?width=phone"),
                ("authoring.preview_quiz", f"/authoring/modules/{m}/preview/quiz"),
                ("authoring.page", "/authoring/pages/kun-tarvitset-apua"),
                ("authoring.preview_page", "/authoring/pages/kun-tarvitset-apua/preview"),
                ("authoring.survey", "/authoring/surveys/discussion"),
                ("authoring.preview_survey", "/authoring/surveys/discussion/preview?width=phone"),
                ("authoring.changes", f"/authoring/modules/{m}/changes"),
                ("authoring.publish", f"/authoring/modules/{m}/publish"),
                ("authoring.history", f"/authoring/modules/{m}/history"),
            ],
            "admin": [
                ("admin.users", "/admin/users"),
                ("admin.user_detail", f"/admin/users/{learner.id}"),
                ("privacy.requests", "/privacy/admin"),
                ("privacy.person", f"/privacy/admin/people/{learner.id}"),
                ("privacy.audit", "/privacy/admin/audit"),
                ("admin.mail", "/admin/mail"),
            ],
        }
        emails = {k: p.email for k, p in people.items()}
    return {"pages": pages, "emails": emails}


def test_every_page_type_is_checked(app, site):
    checked = {endpoint for pages in site["pages"].values() for endpoint, _ in pages}
    get_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    missing = get_endpoints - checked - set(NOT_PAGES)
    assert not missing, f"pages without an accessibility check: {sorted(missing)}"


def english_phrases() -> list[str]:
    """Interface texts in English that must never show on a Finnish or Swedish page."""
    catalog = read_po((ROOT / "elearn/translations/fi/LC_MESSAGES/messages.po").open("rb"))
    return [
        m.id
        for m in catalog
        if isinstance(m.id, str) and len(m.id) >= 24 and "%" not in m.id and m.string != m.id
    ]


def log_in(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form.stack input[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_no_axe_violations_on_any_page(browser: Browser, live_server, site, lang):
    axe = Axe()
    english = english_phrases() if lang != "en" else []
    failures = []
    for role, pages in site["pages"].items():
        context = browser.new_context(
            base_url=live_server["base"], viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        if role != "anonymous":
            log_in(page, site["emails"][role])
        page.goto("/login" if role == "anonymous" else "/")
        page.get_by_role(
            "button", name={"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}[lang]
        ).click()
        for endpoint, path in pages:
            response = page.goto(path)
            expected = 404 if endpoint == "error" else 403 if endpoint == "error-403" else 200
            assert response.status == expected, (role, path, response.status)
            assert page.get_attribute("html", "lang") == lang, (role, path)
            result = axe.run(page, options=WCAG).response
            assert result["passes"], "axe did not run"
            for violation in result["violations"]:
                targets = [n["target"] for n in violation["nodes"]][:3]
                failures.append(
                    f"{lang} {role} {path}: {violation['id']} {violation['help']} {targets}"
                )
            text = page.inner_text("body")
            failures += [
                f"{lang} {role} {path}: untranslated text {p!r}" for p in english if p in text
            ]
            if lang == "fi":
                name = re.sub(r"[^a-z0-9]+", "-", path.split("?")[0].strip("/").lower()) or "home"
                folder = SHOTS / role
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
                page.set_viewport_size({"width": 320, "height": 700})
                if not page.evaluate(FITS):
                    failures.append(f"{role} {path}: sideways scrolling at 320 px")
                page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
                # 200 % zoom of a 1280 px window lays the page out 640 CSS pixels wide.
                page.set_viewport_size({"width": 640, "height": 450})
                if not page.evaluate(FITS):
                    failures.append(f"{role} {path}: sideways scrolling at 200 % zoom")
                page.set_viewport_size({"width": 1280, "height": 900})
        context.close()
    assert not failures, "\n".join(failures)

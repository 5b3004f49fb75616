"""Every route of the app against every role, with the answer each must get.

Adding a route means adding one entry to MATRIX; a route without an entry fails
``test_every_route_has_an_entry`` with its name. Each row gives the outcome per role, in the
order of ROLES:

    anonymous  learner  other_learner  supervisor  other_supervisor  trainer  admin

"login" is a redirect to the login page; a number is the status code. The URL of a route is
built from VALUES by the names of its variable parts, so every id points at a row the learner
owns (or the supervisor offers): "other_learner" and "other_supervisor" are the wrong people.
POSTs carry a valid CSRF token and no other data (unless DATA says otherwise), and each
request is rolled back, so every request meets the same world.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, url_for
from werkzeug.routing import Rule

from elearn.courses.services import get_course
from tests.security.access import IGNORED_METHODS, login_client_factory, outcome
from tests.security.conftest import ROLES, World
from tests.security.urls import make_links, media_file, section_key

ADMIN_ONLY = "login 403 403 403 403 403 200"
ADMIN_ONLY_OBJECT = "login 404 404 404 404 404 200"
STAFF = "login 403 403 403 403 200 200"  # trainers and admins
STAFF_OBJECT = "login 404 404 404 404 200 200"
SIGNED_IN = "login 200 200 200 200 200 200"
EVERYONE = "200 200 200 200 200 200 200"
LEARNER_OWN = "login 200 404 404 404 404 404"  # the learner's own object; anyone else: 404
SUPERVISOR_OWN = "login 404 404 200 404 404 404"  # the supervisor's own object
SUPERVISORS = "login 403 403 200 200 403 403"
# The course editor: for trainers and admins; anyone else gets 404 on every address.
EDITORS = "login 404 404 404 404 200 200"
EDITORS_REDIRECT = "login 404 404 404 404 302 302"
EDITORS_INVALID = "login 404 404 404 404 422 422"  # a form sent empty is shown again
# A form sent without the fingerprint of what it showed is a conflicting save: refused (409)
# and shown again with what is there now.
EDITORS_CONFLICT = "login 404 404 404 404 409 409"

# fmt: off
MATRIX: dict[str, dict[str, Any]] = {
    # endpoint: {method: row}, or {rule: {method: row}} when an endpoint has several rules
    #                          anon  lrn  oth  sup  osup trn  adm
    "admin.cohort_edit": {
        "/admin/cohorts/new": {"GET": STAFF, "POST": STAFF},
        "/admin/cohorts/<int:cohort_id>": {"GET": STAFF_OBJECT, "POST": STAFF_OBJECT},
    },
    "admin.cohort_progress": {"GET": STAFF_OBJECT},
    "admin.cohorts": {"GET": STAFF},
    "admin.invite": {"GET": STAFF, "POST": STAFF},
    "admin.mail": {"GET": ADMIN_ONLY},
    "admin.mail_retry": {"POST": "login 404 404 404 404 404 302"},
    "admin.user_active": {"POST": "login 404 404 404 404 404 302"},
    "admin.user_detail": {"GET": ADMIN_ONLY_OBJECT, "POST": ADMIN_ONLY_OBJECT},
    "admin.user_resend": {"POST": "login 404 404 404 404 404 302"},
    "admin.users": {"GET": ADMIN_ONLY},
    # The course editor (issue 16). Every POST without its form's data is refused: an empty
    # form (422), a save without the fingerprint of what it showed (409, or a redirect with
    # the message for the one-button forms), a restore of a version the store lacks (302).
    "authoring.index": {"GET": EDITORS},
    "authoring.module": {"GET": EDITORS},
    "authoring.module_texts": {"GET": EDITORS, "POST": EDITORS_INVALID},
    "authoring.add_section": {"POST": EDITORS_INVALID},
    "authoring.section": {"GET": EDITORS, "POST": EDITORS_CONFLICT},
    "authoring.move_section": {"POST": EDITORS_REDIRECT},
    "authoring.remove_section": {"POST": EDITORS_REDIRECT},
    "authoring.quiz": {"GET": EDITORS, "POST": EDITORS_CONFLICT},
    "authoring.add_question": {"POST": EDITORS_INVALID},
    "authoring.question": {"GET": EDITORS, "POST": EDITORS_INVALID},
    "authoring.move_question": {"POST": EDITORS_REDIRECT},
    "authoring.remove_question": {"POST": EDITORS_REDIRECT},
    "authoring.glossary": {"GET": EDITORS, "POST": EDITORS_CONFLICT},
    "authoring.media": {"GET": EDITORS},
    # Media uploads without a file are shown again (422); removing a file without the
    # fingerprint of what the page showed (or one a section uses) is refused with a message.
    "authoring.media_upload_video": {"POST": EDITORS_INVALID},
    "authoring.media_upload_captions": {"POST": EDITORS_INVALID},
    "authoring.media_upload_transcript": {"POST": EDITORS_INVALID},
    "authoring.media_replace": {"POST": EDITORS_INVALID},
    "authoring.media_remove": {"POST": EDITORS_REDIRECT},
    "authoring.media_insert": {"POST": EDITORS_INVALID},
    "authoring.media_file": {"GET": EDITORS},  # a draft's video or captions file
    "authoring.page": {"GET": EDITORS, "POST": EDITORS_CONFLICT},
    "authoring.survey": {"GET": EDITORS, "POST": EDITORS_CONFLICT},
    "authoring.preview_module": {"GET": EDITORS},
    "authoring.preview_section": {"GET": EDITORS},
    "authoring.preview_quiz": {"GET": EDITORS},
    "authoring.preview_page": {"GET": EDITORS},
    "authoring.preview_survey": {"GET": EDITORS},
    "authoring.changes": {
        "/authoring/modules/<module_key>/changes": {"GET": EDITORS},
        "/authoring/pages/<page_key>/changes": {"GET": EDITORS},
        "/authoring/surveys/<survey_key>/changes": {"GET": EDITORS},
    },
    "authoring.publish": {
        "/authoring/modules/<module_key>/publish": {"GET": EDITORS, "POST": EDITORS_INVALID},
        "/authoring/pages/<page_key>/publish": {"GET": EDITORS, "POST": EDITORS_INVALID},
        "/authoring/surveys/<survey_key>/publish": {"GET": EDITORS, "POST": EDITORS_INVALID},
    },
    "authoring.discard": {
        "/authoring/modules/<module_key>/discard": {"POST": EDITORS_REDIRECT},
        "/authoring/pages/<page_key>/discard": {"POST": EDITORS_REDIRECT},
        "/authoring/surveys/<survey_key>/discard": {"POST": EDITORS_REDIRECT},
    },
    "authoring.history": {
        "/authoring/modules/<module_key>/history": {"GET": EDITORS},
        "/authoring/pages/<page_key>/history": {"GET": EDITORS},
        "/authoring/surveys/<survey_key>/history": {"GET": EDITORS},
    },
    # Nothing is published in the world's store: version 1 does not exist (404 for all).
    "authoring.version": {
        "/authoring/modules/<module_key>/history/<int:number>": {"GET": "login 404 404 404 404 404 404"},
        "/authoring/pages/<page_key>/history/<int:number>": {"GET": "login 404 404 404 404 404 404"},
        "/authoring/surveys/<survey_key>/history/<int:number>": {"GET": "login 404 404 404 404 404 404"},
    },
    "authoring.restore": {
        "/authoring/modules/<module_key>/history/<int:number>/restore": {"POST": EDITORS_REDIRECT},
        "/authoring/pages/<page_key>/history/<int:number>/restore": {"POST": EDITORS_REDIRECT},
        "/authoring/surveys/<survey_key>/history/<int:number>/restore": {"POST": EDITORS_REDIRECT},
    },
    # One-time links work for whoever holds them; a signed-in person is sent home from login.
    "auth.accept": {"GET": EVERYONE, "POST": EVERYONE},
    "auth.login": {"GET": "200 302 302 302 302 302 302", "POST": "200 302 302 302 302 302 302"},
    "auth.logout": {"POST": "login login login login login login login"},
    "auth.profile": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "auth.reset_password": {"GET": EVERYONE, "POST": EVERYONE},
    "auth.reset_request": {"GET": EVERYONE, "POST": EVERYONE},
    # Everyone signed in sees their own certificate or what is missing; there is no id.
    "certificates.certificate": {"GET": SIGNED_IN},
    "certificates.verify": {"GET": EVERYONE},
    # Course content is for everyone signed in; progress is always the reader's own.
    "courses.mark_read": {"POST": "login 302 302 302 302 302 302"},
    "courses.media": {"GET": SIGNED_IN},
    "courses.glossary": {"GET": SIGNED_IN},
    "courses.page": {"GET": SIGNED_IN},
    "courses.module": {"GET": SIGNED_IN},
    "courses.overview": {"GET": SIGNED_IN},
    "courses.print_module": {"GET": SIGNED_IN},
    "courses.section": {"GET": SIGNED_IN},
    # A learner of the supervisor's groups may book the supervisor's free time (the learner
    # already has an upcoming booking, so their POST is turned back with a message).
    "discussions.book": {
        "GET": "login 200 200 404 404 404 404",
        "POST": "login 302 302 404 404 404 404",
    },
    "discussions.booking_ics": {"GET": "login 200 404 200 404 404 404"},
    "discussions.cancel_booking": {"POST": "login 302 404 404 404 404 404"},
    "discussions.cancel_slot": {"POST": "login 404 404 302 404 404 404"},
    "discussions.edit_slot": {
        "/discussions/slots/new": {"GET": SUPERVISORS, "POST": SUPERVISORS},
        "/discussions/slots/<int:slot_id>/edit": {"GET": SUPERVISOR_OWN, "POST": SUPERVISOR_OWN},
    },
    "discussions.index": {"GET": SIGNED_IN},
    "discussions.learner_booking": {"GET": LEARNER_OWN, "POST": LEARNER_OWN},
    "discussions.prepare": {"GET": SUPERVISOR_OWN, "POST": SUPERVISOR_OWN},
    # Everyone signed in has a journal of their own; the module key names no one's data.
    "journal.module": {"GET": SIGNED_IN},
    "journal.save": {"POST": "login 302 302 302 302 302 302"},
    "discussions.series": {"GET": SUPERVISORS, "POST": SUPERVISORS},
    "discussions.supervise": {"GET": SUPERVISORS},
    # The discussion survey's context is the learner's attended booking.
    "feedback.answer": {"GET": LEARNER_OWN, "POST": "login 302 404 404 404 404 404"},
    "feedback.index": {"GET": SIGNED_IN},
    "feedback.notes": {"GET": STAFF, "POST": STAFF},
    "feedback.results": {"GET": STAFF},
    # Below the minimum number of responses there is nothing to export: 404 even for staff.
    "feedback.results_csv": {"GET": "login 403 403 403 403 404 404"},
    "feedback.skip": {"POST": "login 302 404 404 404 404 404"},
    "main.accessibility": {"GET": EVERYONE},
    "main.favicon": {"GET": EVERYONE},
    "main.healthz": {"GET": EVERYONE},
    "main.home": {"GET": SIGNED_IN},
    "main.set_language": {"POST": "302 302 302 302 302 302 302"},
    "quizzes.quiz": {"GET": SIGNED_IN},
    "quizzes.result": {"GET": LEARNER_OWN},
    # The learner's attempt is already submitted: they are shown its result.
    "quizzes.submit": {"POST": "login 302 404 404 404 404 404"},
    # Data rights: everyone signed in has their own data; only admins act on other people.
    "privacy.mine": {"GET": SIGNED_IN},
    "privacy.export": {"GET": SIGNED_IN},
    "privacy.deletion": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "privacy.requests": {"GET": ADMIN_ONLY},
    "privacy.person": {"GET": ADMIN_ONLY_OBJECT},
    # Without the confirmation tick the admin is sent back to the person's page.
    "privacy.anonymise": {"POST": "login 404 404 404 404 404 302"},
    "privacy.delete": {"POST": "login 404 404 404 404 404 302"},
    "privacy.audit": {"GET": ADMIN_ONLY},
    # Reports are for trainers and admins; a supervisor sees the progress of the learners who
    # booked with them (the learner booked the supervisor's time; the other supervisor: 404).
    "reports.overview": {"GET": STAFF},
    # The trainers' dashboard and its detail pages; supervisors have a short one of their own.
    "reports.dashboard": {"GET": STAFF},
    "reports.discussions": {"GET": STAFF},
    "reports.content": {"GET": STAFF},
    "reports.supervision": {"GET": SUPERVISORS},
    "reports.questions": {"GET": STAFF},
    "reports.question": {"GET": STAFF},
    "reports.learners": {"GET": "login 403 403 200 200 200 200"},
    "reports.learner": {"GET": "login 404 404 200 404 200 200"},
    "reports.export": {"GET": STAFF},
    "static": {"GET": EVERYONE},
}
# fmt: on

# Variable parts of URLs, by name: what the learner owns or the supervisor offers.
VALUES: dict[str, Callable[[Any], Any]] = {
    "module_key": lambda r: r.world.module_key,
    "section_key": lambda r: r.section_key,
    "booking_id": lambda r: r.world.booking.id,
    "slot_id": lambda r: r.world.slot.id,
    "attempt_id": lambda r: r.world.attempt.id,
    "user_id": lambda r: r.world.learner.id,
    "cohort_id": lambda r: r.world.cohort.id,
    "page_key": lambda r: "kun-tarvitset-apua",
    "message_id": lambda r: 1,  # the admin is told whether it was sent; others get 404
    "secret": lambda r: r.links.invitation,
    "survey_key": lambda r: "discussion",
    "context": lambda r: str(r.world.past_booking.id),
    "filename": lambda r: "css/elearn.css",
    "name": lambda r: r.media[1].removeprefix("media/"),  # a media file a section uses
    "number": lambda r: 1,  # a content version
    "question_key": lambda r: r.question_key,
    "table": lambda r: "cohorts",
}
# Where one endpoint needs other values than VALUES gives.
OVERRIDES: dict[str, Callable[[Any], dict]] = {
    "auth.reset_password": lambda r: {"secret": r.links.reset},
    "courses.media": lambda r: dict(zip(("module_key", "filename"), r.media, strict=True)),
    "authoring.media_file": lambda r: dict(zip(("module_key", "filename"), r.media, strict=True)),
    "authoring.media_remove": lambda r: {"module_key": r.media[0]},
    "discussions.book": lambda r: {"slot_id": r.world.free_slot.id},
    "feedback.results_csv": lambda r: {"survey": "module-check"},
}
# Form data besides the CSRF token.
DATA: dict[str, Callable[[Any], dict]] = {
    "quizzes.submit": lambda r: {"attempt": r.world.attempt.id},
}


class Refs:
    """The world plus the one-time links and content keys the URLs need."""

    def __init__(self, app: Flask, world: World) -> None:
        self.world = world
        self.links = make_links(world)
        with app.test_request_context():
            self.section_key = section_key(world.module_key)
            self.question_key = get_course().module(world.module_key).quiz.questions[0].key
            self.media = media_file()


def expected_rows(rule: Rule) -> dict[str, str] | None:
    """The expected {method: row} for this rule, or None when MATRIX has no entry."""
    entry = MATRIX.get(rule.endpoint)
    if entry is None:
        return None
    if any(key.startswith("/") for key in entry):
        return entry.get(rule.rule)
    return entry


def url_of(app: Flask, rule: Rule, refs: Refs) -> str:
    """A URL of this rule pointing at the world's rows."""
    names = [a for a in rule.arguments if (rule.defaults or {}).get(a, "") is not None]
    missing = [n for n in names if n not in VALUES]
    assert not missing, f"add a value for {missing} to VALUES (route {rule.rule})"
    values = {n: VALUES[n](refs) for n in names}
    values.update(OVERRIDES.get(rule.endpoint, lambda r: {})(refs))
    with app.test_request_context():
        url = url_for(rule.endpoint, **values)
    # url_for picks the rule from the values: make sure it is this one.
    method = sorted(rule.methods - IGNORED_METHODS)[0]
    adapter = app.url_map.bind("localhost")
    matched, _args = adapter.match(url.split("?")[0], method=method, return_rule=True)
    assert matched.rule == rule.rule, (url, rule.rule)
    return url


def test_every_route_has_an_entry(app):
    missing = [
        f"{rule.endpoint} {method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - IGNORED_METHODS)
        if method not in (expected_rows(rule) or {})
    ]
    assert not missing, "routes without an entry in MATRIX:\n" + "\n".join(missing)
    for endpoint, entry in MATRIX.items():
        for key in entry:
            rows = entry[key] if key.startswith("/") else {key: entry[key]}
            for method, row in rows.items():
                assert len(row.split()) == len(ROLES), f"{endpoint} {key} {method}: {row!r}"


def test_entries_name_only_existing_routes(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not set(MATRIX) - endpoints, f"stale entries: {set(MATRIX) - endpoints}"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(app, client, db, world, role):
    refs = Refs(app, world)
    db.session.commit()
    as_role = login_client_factory(app, db, world)(role)
    column = ROLES.index(role)
    wrong = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        rows = expected_rows(rule) or {}
        url = url_of(app, rule, refs)
        for method in sorted(rule.methods - IGNORED_METHODS):
            if method not in rows:
                continue  # reported by test_every_route_has_an_entry
            data = DATA.get(rule.endpoint, lambda r: {})(refs)
            got = outcome(as_role.request(method, url, data))
            expected = rows[method].split()[column]
            if got != expected:
                wrong.append(f"{rule.endpoint} {method} {url}: expected {expected}, got {got}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)

"""XSS payloads from the OWASP cheat sheets, posted through the real forms into every
free-text field, then every page that shows them opened in Chromium by the people who see
them: no script runs, no dialog opens and the payload is shown as text. And the
Content-Security-Policy blocks inline script even when something slips into the page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions.models import Booking, DiscussionSlot
from elearn.extensions import db
from elearn.journal.models import JournalEntry
from tests.conftest import CSRF_RE, PASSWORD, free_port
from tests.e2e.conftest import start_gunicorn
from tests.feedback.test_services import quiz_done

PAYLOADS = [
    line
    for line in (Path(__file__).parents[1] / "security" / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
CORPUS = "\n".join(PAYLOADS)


def corpus(field: str) -> str:
    """Every payload, headed by the field's name so a page can be checked field by field."""
    return f"kenttä {field}\n{CORPUS}"


ROLES = {
    "learner": Role.ASSISTANT,
    "supervisor": Role.SUPERVISOR,
    "trainer": Role.TRAINER,
    "admin": Role.ADMIN,
}


@pytest.fixture(scope="module")
def server(live_server):
    """An app server on the browser suite's database that shows feedback from one response,
    so the trainer's results page shows the learner's free-text answers."""
    env = dict(live_server["env"], ELEARN_FEEDBACK_MIN_RESPONSES="1")
    port = free_port()
    process, log = start_gunicorn(env, port, live_server["tmp"] / "hostile.log")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _form(context: BrowserContext, path: str, data: dict):
    """Post a form as the browser would, with the session's CSRF token."""
    if not hasattr(context, "csrf_token"):
        page = context.request.get("/password-reset").text()
        context.csrf_token = CSRF_RE.search(page).group(1)
    token = context.csrf_token
    response = context.request.post(
        path,
        data=urlencode({"csrf_token": token, **data}, doseq=True),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.ok, (path, response.status, response.text()[:300])
    assert "error-summary" not in response.text(), (
        path,
        re.findall(r'class="error[^"]*"[^>]*>([^<]*)', response.text()),
    )
    return response


def _session(browser: Browser, base: str, email: str) -> BrowserContext:
    # The pages are checked with the Content-Security-Policy switched off, so that escaping
    # is tested on its own: the policy is the second line of defence, tested below.
    context = browser.new_context(base_url=base, locale="fi-FI", bypass_csp=True)
    _form(context, "/login", {"email": email, "password": PASSWORD})
    del context.csrf_token  # logging in starts a new session with a new token
    return context


@pytest.fixture(scope="module")
def hostile(e2e_app_object, server, browser):
    """People of every role who post the payloads into every free-text field they have."""
    app = e2e_app_object
    with app.test_request_context():
        course = get_course()
        cohort = Cohort(name="XSS-ryhmä", employment_model="own_service")
        people = {}
        for key, role in ROLES.items():
            person = User(
                email=f"xss-{key}@example.fi",
                name=f"Hyökkäys {key}",
                session_nonce=f"xss-{key}",
                password_hash=hash_password(PASSWORD),
                cohort=cohort if role is Role.ASSISTANT else None,
            )
            person.role_rows = [UserRole(role=role.value)]
            people[key] = person
        people["supervisor"].supervised_cohorts = [cohort]
        db.session.add_all([cohort, *people.values()])
        db.session.commit()
        for module in course.modules:
            quiz_done(people["learner"], module)
        db.session.commit()
        ids = {key: person.id for key, person in people.items()}
        modules = [m.key for m in course.modules]
        cohort_id = cohort.id
        db.session.remove()

    contexts = {key: _session(browser, server, f"xss-{key}@example.fi") for key in ROLES}
    learner, supervisor, trainer, admin = (contexts[k] for k in ROLES)

    # Names: the learner's own (profile), invited people's (admin), groups' (admin).
    _form(
        learner,
        "/profile",
        {"name": PAYLOADS[3], "email": "xss-learner@example.fi", "language": "fi"},
    )
    for i, payload in enumerate(PAYLOADS):
        _form(
            admin,
            "/admin/invite",
            {
                "email": f"xss-invited-{i}@example.fi",
                "name": payload,
                "role": "assistant",
                "cohort": str(cohort_id),
                "language": "fi",
            },
        )
        _form(
            admin,
            "/admin/cohorts/new",
            {"name": f"{payload} {i}", "employment_model": "own_service"},
        )
    # Times: place, theme and note.
    first_day = (utcnow() + timedelta(days=40)).date()
    for i, payload in enumerate(PAYLOADS):
        _form(
            supervisor,
            "/discussions/slots/new",
            {
                "day": (first_day + timedelta(days=i)).isoformat(),
                "start": "10:00",
                "minutes": "45",
                "place_kind": "video",
                "place_detail": payload,
                "capacity": "1",
                "theme": payload,
                "note": corpus("note"),
            },
        )
    # The learner's journal, a booking with a message sharing it, feedback answers.
    _form(
        learner,
        f"/journal/{modules[0]}",
        {"q-1": corpus("journal 1"), "q-2": corpus("journal 2")},
    )
    with app.app_context():
        slot_ids = list(
            db.session.scalars(
                sa.select(DiscussionSlot.id)
                .where(DiscussionSlot.supervisor_id == ids["supervisor"])
                .order_by(DiscussionSlot.starts_at)
            )
        )
        entry_ids = list(
            db.session.scalars(
                sa.select(JournalEntry.id).where(JournalEntry.user_id == ids["learner"])
            )
        )
        db.session.remove()
    _form(
        learner,
        f"/discussions/slots/{slot_ids[0]}/book",
        {"theme": PAYLOADS[0], "message": corpus("message"), "share": [str(e) for e in entry_ids]},
    )
    halves = [CORPUS[: len(CORPUS) // 2], CORPUS[len(CORPUS) // 2 :]]
    for module_key, text in zip(modules, halves * 3, strict=False):
        _form(
            learner,
            f"/feedback/answer/module-check/{module_key}",
            {"a-useful": "4", "a-clear": "4", "a-comment": text},
        )
    # The discussion took place: the memo, and the learner's reply to it.
    with app.app_context():
        booking = db.session.scalar(sa.select(Booking).where(Booking.learner_id == ids["learner"]))
        booking.slot.starts_at = utcnow() - timedelta(hours=2)
        booking.slot.ends_at = utcnow() - timedelta(hours=1)
        booking_id = booking.id
        db.session.commit()
        db.session.remove()
    _form(
        supervisor,
        f"/discussions/bookings/{booking_id}/prepare",
        {
            "attendance": "attended",
            "summary": corpus("summary"),
            "followups": corpus("followups"),
            "private": corpus("private"),
        },
    )
    _form(
        learner,
        f"/discussions/bookings/{booking_id}",
        {"comment": corpus("comment"), "confirm": "y"},
    )
    # The discussion survey's free texts, after the discussion.
    _form(
        learner,
        f"/feedback/answer/discussion/{booking_id}",
        {
            "a-atmosphere": "4",
            "a-heard": "4",
            "a-useful": "4",
            "a-arrangements": "yes",
            "a-worked": halves[0],
            "a-change": halves[1],
            "a-next_theme": PAYLOADS[0],
        },
    )
    # "What we changed after your feedback" notes.
    for payload in PAYLOADS:
        _form(
            trainer,
            "/feedback/notes",
            {"title": payload, "body": corpus("note body"), "cohort": "0"},
        )

    pages = {
        "learner": [
            "/",
            "/discussions/",
            f"/discussions/slots/{slot_ids[1]}/book",
            f"/discussions/bookings/{booking_id}",
            f"/journal/{modules[0]}",
            "/feedback/",
            "/profile",
        ],
        "supervisor": [
            "/discussions/supervise",
            f"/discussions/bookings/{booking_id}/prepare",
            f"/discussions/slots/{slot_ids[1]}/edit",
        ],
        "trainer": [
            "/feedback/results?survey=module-check",
            "/feedback/notes",
            "/admin/cohorts",
            f"/admin/cohorts/{cohort_id}",
            f"/admin/cohorts/{cohort_id}/progress",
            "/admin/invite",
            "/feedback/results?survey=module-check&cohort=" + str(cohort_id),
            "/feedback/results?survey=discussion",
        ],
        "admin": [
            "/admin/users",
            f"/admin/users/{ids['learner']}",
            "/admin/cohorts",
            "/admin/users?q=xss-invited",
        ],
    }
    yield {"contexts": contexts, "pages": pages}
    for context in contexts.values():
        context.close()


SHOWN_TEXT = """() => [document.body.innerText,
    ...[...document.querySelectorAll('input, textarea')].map(e => e.value)].join('\\n')"""


def test_no_payload_runs_on_any_page_and_each_shows_as_text(hostile):
    problems = []
    for role, paths in hostile["pages"].items():
        page = hostile["contexts"][role].new_page()
        dialogs = []
        page.on("dialog", lambda dialog, d=dialogs: (d.append(dialog.message), dialog.dismiss()))
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (role, path, response.status)
            page.wait_for_load_state("load")
            page.mouse.move(5, 5)
            page.keyboard.press("Tab")  # focus and hover handlers get their chance
            if page.evaluate("() => window.__xss") is not None:
                problems.append(f"{role} {path}: window.__xss was set")
            shown = page.evaluate(SHOWN_TEXT)
            visible = [p for p in PAYLOADS if p in shown]
            if not visible:
                problems.append(f"{role} {path}: no payload is shown as text")
            if "49<" in shown or "\n49" in shown:
                problems.append(f"{role} {path}: {{{{7*7}}}} was evaluated")
        if dialogs:
            problems.append(f"{role}: dialogs opened: {dialogs}")
        page.close()
    assert not problems, "\n".join(problems)


FIELDS_ON_PAGES = [
    # (who, index into their pages, fields whose whole corpus the page shows)
    ("learner", 3, ["message", "journal 1", "journal 2", "summary", "followups", "comment"]),
    ("learner", 2, ["note"]),
    ("learner", 4, ["journal 1", "journal 2"]),
    ("learner", 5, ["note body"]),
    (
        "supervisor",
        1,
        ["message", "journal 1", "journal 2", "summary", "followups", "private", "comment"],
    ),
    ("supervisor", 2, ["note"]),
    ("trainer", 1, ["note body"]),
]


@pytest.mark.parametrize(("who", "index", "fields"), FIELDS_ON_PAGES)
def test_each_field_shows_every_payload_verbatim(hostile, who, index, fields):
    """Where a field holds the whole corpus, the page shows it character for character."""
    page = hostile["contexts"][who].new_page()
    page.goto(hostile["pages"][who][index])
    # Line breaks show as spaces outside preformatted text: compare with whitespace collapsed.
    shown = " ".join(page.evaluate(SHOWN_TEXT).split())
    page.close()
    missing = [field for field in fields if " ".join(corpus(field).split()) not in shown]
    assert not missing, f"{who} {hostile['pages'][who][index]}: not verbatim: {missing}"


@pytest.mark.parametrize("survey", ["module-check", "discussion"])
def test_free_text_feedback_answers_show_verbatim_to_the_trainer(hostile, survey):
    page = hostile["contexts"]["trainer"].new_page()
    page.goto(f"/feedback/results?survey={survey}")
    shown = page.evaluate(SHOWN_TEXT)
    page.close()
    assert [p for p in PAYLOADS if p not in shown] == []


def test_admin_lists_show_every_hostile_name_as_text(hostile):
    page = hostile["contexts"]["admin"].new_page()
    page.goto("/admin/users?q=xss-invited")
    names = page.locator("main").inner_text()
    assert all(p in names for p in PAYLOADS if "\n" not in p)
    page.goto("/admin/cohorts")
    groups = page.locator("main").inner_text()
    assert all(f"{p} {i}" in groups for i, p in enumerate(PAYLOADS))
    page.close()


def test_content_security_policy_blocks_inline_script(page, live_server):
    page.goto("/login")
    page.evaluate(
        """() => {
            window.__violations = [];
            document.addEventListener('securitypolicyviolation',
                e => window.__violations.push(e.violatedDirective));
            const s = document.createElement('script');
            s.textContent = 'window.__inline = 1';
            document.body.appendChild(s);
            const d = document.createElement('div');
            d.setAttribute('onclick', 'window.__handler = 1');
            d.id = 'hostile';
            d.textContent = 'x';
            document.body.appendChild(d);
        }"""
    )
    page.click("#hostile")
    page.wait_for_function("() => window.__violations.length >= 2")
    assert page.evaluate("() => window.__inline") is None
    assert page.evaluate("() => window.__handler") is None
    violations = page.evaluate("() => window.__violations")
    assert all(v.startswith("script-src") for v in violations), violations
    # The app's own script, from 'self', does run: the policy is not simply blocking all.
    same_origin = page.evaluate(
        """() => new Promise(done => {
            const s = document.createElement('script');
            s.src = '/static/js/elearn.js';
            s.onload = () => done(true);
            s.onerror = () => done(false);
            document.body.appendChild(s);
        })"""
    )
    assert same_origin is True
    assert not re.search(
        r"unsafe-inline", page.context.request.get("/login").headers["content-security-policy"]
    )

"""Ordinary concurrency on the embedded SQLite default: 50 learners at once over two gunicorn
servers (two workers each) log in, read sections, open and submit quizzes, save journal
answers and race for discussion places. No request may fail (no 5xx) and nothing a learner
was told is saved may be missing."""

from __future__ import annotations

import http.cookiejar
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from elearn import create_app
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from elearn.discussions.models import Booking
from elearn.extensions import db as _db
from elearn.journal.models import JournalEntry
from elearn.progress.models import SectionRead
from elearn.quizzes.models import QuizAttempt
from tests.conftest import free_port
from tests.dbutil import base_url, drop_database, fresh_database
from tests.discussions.util import plan
from tests.e2e.conftest import start_gunicorn

pytestmark = pytest.mark.e2e

LEARNERS = 50
SEATS = (10, 10, 10)  # 30 places for 50 learners: the last ones are a race
PASSWORD = "rinnakkain kirjautuva oppija"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Browser:
    """One learner's cookie jar against one server; every status is recorded."""

    def __init__(self, base: str, statuses: list[tuple[str, int]]) -> None:
        self.base = base
        self.statuses = statuses
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, text, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
            location = error.headers.get("Location", "")
        self.statuses.append((f"{'POST' if data is not None else 'GET'} {path}", status))
        return status, text, location

    def form(self, path: str, data: dict, page: str) -> tuple[int, str, str]:
        return self.request(path, {**data, "csrf_token": TOKEN.search(page).group(1)})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


@pytest.fixture
def world(tmp_path):
    if base_url() is not None:
        pytest.skip("this scenario is about the embedded SQLite default")
    url = fresh_database("concurrency", tmp_path)
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    test_session = _db.session
    _db.session = _db._make_scoped_session({})
    try:
        with app.app_context():
            upgrade()
            cohort = Cohort(name="Rinnakkain", employment_model="employer_model")
            supervisor = User(email="rinn-ohjaaja@example.fi", name="S", session_nonce="s")
            supervisor.role_rows = [UserRole(role=Role.SUPERVISOR.value)]
            supervisor.supervised_cohorts = [cohort]
            hashed = hash_password(PASSWORD)
            learners = []
            for i in range(LEARNERS):
                learner = User(
                    email=f"rinn-{i}@example.fi",
                    name=f"Oppija {i}",
                    session_nonce=f"n{i}",
                    password_hash=hashed,
                    cohort=cohort,
                )
                learner.role_rows = [UserRole(role=Role.ASSISTANT.value)]
                learners.append(learner)
            _db.session.add_all([cohort, supervisor, *learners])
            _db.session.flush()
            start = utcnow() + timedelta(days=3)
            discussions.create_slots(
                supervisor,
                [plan(start + timedelta(hours=h), capacity=c) for h, c in enumerate(SEATS)],
            )
            _db.session.commit()
            module = get_course().modules[0]
            yield app, url, module
            _db.session.remove()
            _db.engine.dispose()
    finally:
        _db.session = test_session
        drop_database(url)


def learner_journey(base: str, i: int, module, statuses: list, outcomes: dict) -> None:
    me = Browser(base, statuses)
    status, page, _ = me.request("/login")
    status, _, location = me.form(
        "/login", {"email": f"rinn-{i}@example.fi", "password": PASSWORD}, page
    )
    if status != 302:
        return
    section = module.sections[i % len(module.sections)]
    status, page, _ = me.request(f"/modules/{module.key}/{section.key}")
    status, _, _ = me.form(f"/modules/{module.key}/{section.key}/read", {}, page)
    outcomes["read"] = (section.key, status)
    status, page, _ = me.request(f"/modules/{module.key}/quiz")
    if status == 200:
        attempt = re.search(r'name="attempt" value="(\d+)"', page).group(1)
        answers: dict[str, list[str]] = {}
        for name, value in re.findall(r'name="(q-[a-z0-9_-]+)" value="([a-z0-9_-]+)"', page):
            answers.setdefault(name, [value])
        status, _, location = me.form(
            f"/modules/{module.key}/quiz", {"attempt": attempt, **answers}, page
        )
        outcomes["quiz"] = status
    status, _, _ = me.form(f"/journal/{module.key}", {"q-1": f"Pohdintani {i}"}, page)
    outcomes["journal"] = status
    status, page, _ = me.request("/discussions/")
    slots = re.findall(r"/discussions/slots/(\d+)/book", page)
    if slots:
        slot = slots[i % len(slots)]
        status, page, _ = me.request(f"/discussions/slots/{slot}/book")
        status, _, location = me.form(f"/discussions/slots/{slot}/book", {"module_key": ""}, page)
        outcomes["booking"] = (status, location)
    me.request("/")


def test_fifty_learners_at_once_on_sqlite_get_no_errors_and_lose_nothing(world, tmp_path):
    app, url, module = world
    env = dict(
        os.environ,
        DATABASE_URL=url,
        ELEARN_ENV="development",
        SECRET_KEY="concurrency-secret-key-that-is-long-enough",
        MAIL_BACKEND="log",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        RATELIMIT_KEY_PREFIX=f"elearn-conc-{os.getpid()}",
        ELEARN_IDLE_MINUTES="0",
    )
    servers = []
    try:
        for n in range(2):
            port = free_port()
            servers.append(
                (
                    *start_gunicorn(env, port, tmp_path / f"server{n}.log"),
                    f"http://127.0.0.1:{port}",
                )
            )
        statuses: list[tuple[str, int]] = []
        outcomes = [dict() for _ in range(LEARNERS)]
        barrier = threading.Barrier(LEARNERS)

        def run(i: int) -> None:
            barrier.wait()
            learner_journey(servers[i % 2][2], i, module, statuses, outcomes[i])

        threads = [threading.Thread(target=run, args=(i,)) for i in range(LEARNERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        for server, log, _base in servers:
            server.terminate()
            server.wait(timeout=10)
            log.close()
    counts = Counter(status for _, status in statuses)
    errors = [entry for entry in statuses if entry[1] >= 500]
    assert not errors, (errors[:10], counts)
    assert all(o.get("quiz") == 302 for o in outcomes), Counter(o.get("quiz") for o in outcomes)
    assert all(o.get("journal") == 302 for o in outcomes)
    booked_ok = [
        o for o in outcomes if o.get("booking", (0, ""))[1].startswith("/discussions/bookings/")
    ]
    # Everyone else who tried was told the time was full (409) or sent back with a message.
    assert all(o["booking"][0] in (302, 409) for o in outcomes if "booking" in o), Counter(
        o.get("booking", (None,))[0] for o in outcomes
    )
    with app.app_context():
        learner_ids = dict(
            _db.session.execute(
                sa.select(User.email, User.id).where(User.email.like("rinn-%@example.fi"))
            ).all()
        )
        for i, outcome in enumerate(outcomes):
            uid = learner_ids[f"rinn-{i}@example.fi"]
            section_key, status = outcome["read"]
            assert status == 302
            assert (
                _db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(SectionRead)
                    .where(SectionRead.user_id == uid, SectionRead.section_key == section_key)
                )
                == 1
            )
            assert (
                _db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(QuizAttempt)
                    .where(QuizAttempt.user_id == uid, QuizAttempt.status == "submitted")
                )
                == 1
            )
            assert (
                _db.session.scalar(sa.select(JournalEntry.body).where(JournalEntry.user_id == uid))
                == f"Pohdintani {i}"
            )
        bookings = _db.session.scalar(
            sa.select(sa.func.count()).select_from(Booking).where(Booking.status == "booked")
        )
        _db.session.remove()
    assert bookings == len(booked_ok) <= sum(SEATS)  # every confirmed place exists, none twice

"""A publish is served by every worker of every app server within seconds, without a
restart: two gunicorn servers (two workers each) on one database."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from flask_migrate import upgrade

from elearn import create_app
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.contentstore import services as store
from elearn.core.time import utcnow
from elearn.extensions import db as _db
from tests.conftest import free_port
from tests.dbutil import drop_database, fresh_database
from tests.e2e.conftest import ROOT, start_gunicorn
from tests.e2e.test_concurrency import Browser

pytestmark = pytest.mark.e2e

PART = "modules/01-henkilokohtainen-apu"
SECTION = f"{PART}/sections/01-mita-on.md"
MARK = "Tämä lause julkaistiin juuri selaimessa."
PASSWORD = "julkaisu näkyy kaikille"


def test_a_publish_reaches_every_worker_of_both_servers_within_seconds(tmp_path):
    url = fresh_database("publish", tmp_path)
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    test_session = _db.session
    _db.session = _db._make_scoped_session({})
    servers = []
    try:
        with app.app_context():
            upgrade()
            cohort = Cohort(name="Julkaisu", employment_model="employer_model")
            learner = User(
                email="julkaisu@example.fi",
                session_nonce="j",
                password_hash=hash_password(PASSWORD),
                cohort=cohort,
            )
            learner.role_rows = [UserRole(role=Role.ASSISTANT.value)]
            _db.session.add(learner)
            _db.session.commit()
            subprocess.run(  # noqa: S603 - the project's own command
                [sys.executable, "-m", "flask", "--app", "elearn", "content", "import", "content"],
                env={
                    **os.environ,
                    "DATABASE_URL": url,
                    "ELEARN_CONTENT_CACHE": str(tmp_path / "c"),
                },
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        env = dict(
            os.environ,
            DATABASE_URL=url,
            ELEARN_ENV="development",
            SECRET_KEY="publish-secret-key-that-is-long-enough",
            MAIL_BACKEND="log",
            ELEARN_CONTENT_CACHE=str(tmp_path / "cache"),
            RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
            RATELIMIT_KEY_PREFIX=f"elearn-publish-{os.getpid()}",
        )
        for n in range(2):
            port = free_port()
            servers.append(
                (*start_gunicorn(env, port, tmp_path / f"s{n}.log"), f"http://127.0.0.1:{port}")
            )
        page_url = "/modules/henkilokohtainen-apu/mita-on"
        readers = []
        for _server, _log, base in servers:
            for _ in range(2):  # more sessions than workers: every worker answers some
                me = Browser(base, [])
                _s, login, _l = me.request("/login")
                assert (
                    me.form(
                        "/login", {"email": "julkaisu@example.fi", "password": PASSWORD}, login
                    )[0]
                    == 302
                )
                assert MARK not in me.request(page_url)[1]
                readers.append(me)
        with app.test_request_context():
            original = store.blob(store.latest().manifest[SECTION]).decode()
            lines = original.split("\n")
            edited = "\n".join(lines[:2] + [MARK, ""] + lines[2:])
            store.save_draft(PART, {SECTION: edited}, revision=None, author_id=None, now=utcnow())
            _db.session.commit()
            store.publish_draft(
                PART, note="e2e", revision=1, author_id=None, now=utcnow(), today=utcnow().date()
            )
            _db.session.commit()
        published = time.monotonic()
        seen = []
        for me in readers:
            while True:
                if MARK in me.request(page_url)[1]:
                    seen.append(time.monotonic() - published)
                    break
                assert time.monotonic() - published < 15, "the new version was not served"
                time.sleep(0.1)
        # Several requests to each server, so both workers of each have answered with it.
        for me in readers:
            for _ in range(6):
                assert MARK in me.request(page_url)[1]
        print(f"publish visible after at most {max(seen):.1f} s")  # noqa: T201
    finally:
        for server, log, _base in servers:
            server.terminate()
            server.wait(timeout=10)
            log.close()
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        _db.session = test_session
        drop_database(url)

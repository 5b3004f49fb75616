"""Browser tests: Debian's Chromium, driven by Playwright, against the real app served by
gunicorn on 127.0.0.1 with a fresh database built by the migrations and the demo seed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Browser, Page, sync_playwright

from elearn import create_app
from elearn.extensions import db as _db
from tests.conftest import free_port
from tests.dbutil import drop_database, fresh_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = [
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            "Debian's Chromium is needed for the browser tests: apt-get install -y chromium "
            "(make test installs it when run as root)."
        )
    return path


def start_gunicorn(env: dict, port: int, log_path: Path) -> tuple[subprocess.Popen, object]:
    """Start the app under gunicorn (two workers) on ``port`` and wait for /healthz."""
    log = log_path.open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "elearn:create_app()"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(  # noqa: S310 - loopback only
                f"http://127.0.0.1:{port}/healthz", timeout=2
            ) as r:
                if r.status == 200:
                    return server, log
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("gunicorn did not start: " + log_path.read_text())
            time.sleep(0.2)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The app under gunicorn on a free port; yields its base URL and the demo logins."""
    tmp = tmp_path_factory.mktemp("e2e")
    url = fresh_database("e2e", tmp)
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=url,
        ELEARN_ENV="development",
        SECRET_KEY="e2e-secret-key-that-is-long-enough-for-gunicorn",
        MAIL_BACKEND="log",
        FLASK_APP="elearn",
        # Two gunicorn workers share the login throttling counts through the local Redis.
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        RATELIMIT_KEY_PREFIX=f"elearn-e2e-{os.getpid()}-{port}",
        # Tests add data and look at the reports at once; figures must not be a minute old.
        ELEARN_REPORT_CACHE_SECONDS="0",
    )
    flask = [str(BIN / "flask"), "--app", "elearn"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    seeded = subprocess.run(
        [*flask, "demo", "seed"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    logins = dict(re.findall(r"(\S+@example\.fi)\s+(\S+)", seeded.stdout))
    server, log = start_gunicorn(env, port, tmp / "gunicorn.log")
    base = f"http://127.0.0.1:{port}"
    yield {"base": base, "logins": logins, "env": env, "tmp": tmp}
    server.terminate()
    server.wait(timeout=10)
    log.close()
    drop_database(url)
    store = redis.Redis.from_url(env["RATELIMIT_STORAGE_URI"])
    for key in store.scan_iter(match=f"*{env['RATELIMIT_KEY_PREFIX']}*"):
        store.delete(key)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    args = list(CHROMIUM_ARGS)
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=args)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, live_server: dict) -> Iterator[Page]:
    """A fresh browser context (no cookies) that records every request it makes."""
    context = browser.new_context(base_url=live_server["base"], locale="fi-FI")
    pg = context.new_page()
    pg.requested = []  # type: ignore[attr-defined]
    pg.on("request", lambda request: pg.requested.append(request.url))  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture(scope="session")
def e2e_app_object(live_server):
    env = live_server["env"]
    # The server's secret too: what one side seals (anonymous survey answers) the other opens.
    app = create_app(
        {"DATABASE_URL": env["DATABASE_URL"], "SECRET_KEY": env["SECRET_KEY"], "TESTING": True}
    )
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def e2e_app(e2e_app_object, db):  # noqa: F811 - the suite's per-test db fixture
    """The app on the browser suite's database, with real sessions: the suite's per-test
    session is bound to the other (rolled-back) database and must not be used here."""
    test_session = db.session
    db.session = db._make_scoped_session({})
    yield e2e_app_object
    db.session.remove()
    db.session = test_session

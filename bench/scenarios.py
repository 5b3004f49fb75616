"""Two scenarios beside the page measurements:

* **SQLite under concurrent learners**: how many learners the embedded default (``make run``)
  serves at once. Two gunicorn servers (two workers each) on one SQLite file; each learner
  logs in, reads a section, opens and submits a quiz, saves a journal answer and opens the
  front page, all at the same moment. Measured at rising numbers of learners: errors and
  latency of every request.
* **Publish to visible**: a trainer publishes a change; how long until every session on both
  app servers is served the new text (each process looks for a new version every
  ``ELEARN_CONTENT_CHECK_SECONDS``).
"""

from __future__ import annotations

import http.cookiejar
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
PASSWORD = "rinnakkain opiskeleva oppija"  # noqa: S105 - generated bench learners
LEVELS = (10, 25, 50, 100)
SERVES_P95_MS = 1000  # "served": no error, and 95 % of requests answered within a second


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


class Browser:
    """One person's cookies against one server; every request's status and time recorded."""

    def __init__(self, base: str, log: list) -> None:
        self.base, self.log = base, log
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        started = time.monotonic()
        try:
            with self.opener.open(self.base + path, data=body, timeout=120) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except OSError:
            status, text = 599, ""
        self.log.append((data is not None, status, (time.monotonic() - started) * 1000))
        return status, text

    def form(self, path: str, data: dict, page: str) -> tuple[int, str]:
        match = TOKEN.search(page)
        return self.request(path, {**data, "csrf_token": match.group(1) if match else ""})


def _seed_learners(url: str, count: int) -> list[str]:
    """``count`` learners of one group (a cheap password hash: logging in is not measured)."""
    from werkzeug.security import generate_password_hash

    engine = sa.create_engine(url)
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    emails = [f"rinnakkain-{i}@example.fi" for i in range(count)]
    with engine.begin() as conn:
        cohort = conn.execute(
            sa.text(
                "INSERT INTO cohorts (name, employment_model, created_at) "
                "VALUES ('Rinnakkain', 'employer_model', CURRENT_TIMESTAMP) RETURNING id"
            )
        ).scalar_one()
        for i, email in enumerate(emails):
            uid = conn.execute(
                sa.text(
                    "INSERT INTO users (email, name, password_hash, language, is_active, "
                    "session_nonce, cohort_id, created_at) VALUES (:e, :n, :h, 'fi', :a, :s, "
                    ":c, CURRENT_TIMESTAMP) RETURNING id"
                ),
                {"e": email, "n": f"Oppija {i}", "h": hashed, "a": True, "s": f"r{i}", "c": cohort},
            ).scalar_one()
            conn.execute(
                sa.text("INSERT INTO user_roles (user_id, role) VALUES (:u, 'assistant')"),
                {"u": uid},
            )
    engine.dispose()
    return emails


def _journey(base: str, email: str, module: str, section: str, log: list) -> None:
    me = Browser(base, log)
    _status, page = me.request("/login")
    status, _ = me.form("/login", {"email": email, "password": PASSWORD}, page)
    if status != 302:
        return
    _status, page = me.request(f"/modules/{module}/{section}")
    me.form(f"/modules/{module}/{section}/read", {}, page)
    status, page = me.request(f"/modules/{module}/quiz")
    if status == 200:
        attempt = re.search(r'name="attempt" value="(\d+)"', page)
        answers: dict[str, list[str]] = {}
        for name, value in re.findall(r'name="(q-[a-z0-9_-]+)" value="([a-z0-9_-]+)"', page):
            answers.setdefault(name, [value])
        if attempt:
            me.form(f"/modules/{module}/quiz", {"attempt": attempt.group(1), **answers}, page)
    me.form(f"/journal/{module}", {"q-1": f"Pohdinta {email}"}, page)
    me.request("/")


def sqlite_capacity(env: dict, url: str, tmp: Path, start_gunicorn, free_port) -> list[dict]:  # noqa: ANN001
    """Rising numbers of concurrent learners on two servers over one SQLite file."""
    emails = _seed_learners(url, sum(LEVELS))
    servers = []
    try:
        for n in range(2):
            port = free_port()
            servers.append((start_gunicorn(env, port, tmp / f"capacity{n}.log"), port))
        bases = [f"http://127.0.0.1:{port}" for _s, port in servers]
        module, section = "henkilokohtainen-apu", "mita-on"
        rows, offset = [], 0
        for level in LEVELS:
            people = emails[offset : offset + level]
            offset += level
            log: list = []
            barrier = threading.Barrier(level)

            def run(i: int, people: list[str] = people, log: list = log, barrier=barrier) -> None:  # noqa: ANN001
                barrier.wait()
                _journey(bases[i % 2], people[i], module, section, log)

            started = time.monotonic()
            threads = [threading.Thread(target=run, args=(i,)) for i in range(level)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=600)
            seconds = time.monotonic() - started
            times = sorted(ms for _w, _s, ms in log)
            writes = sorted(ms for w, _s, ms in log if w)
            row = {
                "learners": level,
                "requests": len(log),
                "errors": sum(1 for _w, s, _ms in log if s >= 500),
                "p50_ms": round(statistics.median(times), 1) if times else None,
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1) if times else None,
                "write_p95_ms": round(writes[int(0.95 * (len(writes) - 1))], 1) if writes else None,
                "seconds": round(seconds, 1),
            }
            rows.append(row)
            print(
                f"   SQLite, {level:>3} learners at once: {row['requests']} requests, "
                f"{row['errors']} errors, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms",
                flush=True,
            )
        return rows
    finally:
        for server, _port in servers:
            server.terminate()
            server.wait(timeout=30)


def serves(rows: list[dict]) -> int:
    """The largest number of concurrent learners with no error and p95 within a second."""
    good = [r["learners"] for r in rows if r["errors"] == 0 and (r["p95_ms"] or 0) <= SERVES_P95_MS]
    return max(good) if good else 0


def publish_to_visible(env: dict, url: str, tmp: Path, start_gunicorn, free_port) -> float:  # noqa: ANN001
    """Seconds from a publish until every session on two app servers is served it."""
    emails = _seed_learners(url, 4)
    servers = []
    try:
        for n in range(2):
            port = free_port()
            servers.append((start_gunicorn(env, port, tmp / f"publish{n}.log"), port))
        page_url = "/modules/henkilokohtainen-apu/mita-on"
        readers = []
        for i, email in enumerate(emails):
            me = Browser(f"http://127.0.0.1:{servers[i % 2][1]}", [])
            _s, login = me.request("/login")
            me.form("/login", {"email": email, "password": PASSWORD}, login)
            me.request(page_url)
            readers.append(me)
        mark = f"Julkaistu {time.time():.0f}."
        script = (
            "import sys\n"
            "from elearn import create_app\n"
            "from elearn.contentstore import services as store\n"
            "from elearn.core.time import utcnow\n"
            "from elearn.extensions import db\n"
            "app = create_app()\n"
            "with app.test_request_context():\n"
            "    path = 'modules/01-henkilokohtainen-apu/sections/01-mita-on.md'\n"
            "    text = store.blob(store.latest().manifest[path]).decode()\n"
            "    lines = text.split('\\n')\n"
            "    new = '\\n'.join(lines[:2] + [sys.argv[1], ''] + lines[2:])\n"
            "    store.save_draft('modules/01-henkilokohtainen-apu', {path: new}, revision=None,"
            " author_id=None, now=utcnow())\n"
            "    db.session.commit()\n"
            "    store.publish_draft('modules/01-henkilokohtainen-apu', note='bench', revision=1,"
            " author_id=None, now=utcnow(), today=utcnow().date())\n"
            "    db.session.commit()\n"
        )
        subprocess.run(  # noqa: S603 - the benchmark's own script
            [sys.executable, "-c", script, mark], env=env, cwd=ROOT, check=True, capture_output=True
        )
        published = time.monotonic()
        waiting = set(range(len(readers)))
        while waiting and time.monotonic() - published < 60:
            for i in sorted(waiting):
                if mark in readers[i].request(page_url)[1]:
                    waiting.discard(i)
            time.sleep(0.05)
        return round(time.monotonic() - published, 2) if not waiting else float("inf")
    finally:
        for server, _port in servers:
            server.terminate()
            server.wait(timeout=30)

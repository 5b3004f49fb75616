"""``make bench``: seed, serve with gunicorn (2 workers), load every key page, write results.

For each database (a SQLite file and a PostgreSQL database ``bench_<n>``) and each scale:
  * 1,000 learners: the /healthz floor and the trainer report pages only;
  * 10,000 learners: every page in PAGES.
Each scale is its own freshly seeded database, so "at 1,000 learners" means a database holding
1,000 learners, not a filtered view of a bigger one. Results go to bench/results/latest.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench import loadgen, targets
from bench.loadgen import Session, Work

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
SCALES = tuple(int(n) for n in os.environ.get("BENCH_SCALES", "1000,10000").split(","))
DATABASES = tuple(os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(","))
WARMUP = float(os.environ.get("BENCH_WARMUP", "1"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
CLIENTS = 4  # two per gunicorn worker
SUBMIT_CLIENTS = 16
SUBMIT_LEARNERS_PER_CLIENT = 15
TRAINER = ("kouluttaja@example.fi", "demo-kouluttaja-2026")


@dataclass(frozen=True)
class Page:
    """One measured page. ``path`` may name {module}, {section}, {cohort}, {learner}.

    kind: "floor" (/healthz), "learner" (a learner's page; at most 10 queries), "action" (a
    learner's POST), "report" (a trainer report; measured at every scale), "trainer" (other
    trainer pages).
    """

    name: str
    path: str
    kind: str
    who: str = "learner"  # learner, trainer or anonymous
    special: str = ""  # "submit" or "book": POSTs with prepared state


# Adding a page is one line.
PAGES = (
    Page("healthz", "/healthz", "floor", who="anonymous"),
    Page("front page", "/", "learner"),
    Page("course overview", "/modules/", "learner"),
    Page("module section", "/modules/{module}/{section}", "learner"),
    Page("quiz page", "/modules/{module}/quiz", "learner"),
    Page("quiz submission", "/modules/{module}/quiz", "action", special="submit"),
    Page("discussion times", "/discussions/", "learner"),
    Page("booking", "/discussions/slots/{slot}/book", "action", special="book"),
    Page("trainer dashboard", "/reports/dashboard", "report", who="trainer"),
    Page("report overview", "/reports/", "report", who="trainer"),
    Page("question analysis", "/reports/modules/{module}/questions", "report", who="trainer"),
    Page("learner report", "/reports/learners/{learner}", "report", who="trainer"),
    Page("survey results", "/feedback/results", "trainer", who="trainer"),
)


# ------------------------------------------------------------------ databases and server


def database_url(db: str, n: int, tmp: Path, name: str | None = None) -> str:
    """A fresh, empty database for ``n`` learners (or named ``bench_<name>``)."""
    name = f"bench_{name}" if name else f"bench_{n}"
    if db == "sqlite":
        path = tmp / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    server = sa.engine.make_url(PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def app_env(url: str) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=url,
        ELEARN_ENV="development",
        SECRET_KEY="bench-secret-key-that-is-long-enough-for-gunicorn",
        MAIL_BACKEND="log",
        FLASK_APP="elearn",
        ELEARN_COUNT_QUERIES="1",
        RATELIMIT_STORAGE_URI="memory://",
        # The benchmark signs in a hundred people from one address within a minute.
        ELEARN_LOGIN_LIMIT_ADDRESS="100000 per minute",
        ELEARN_LOGIN_LIMIT_ACCOUNT="100000 per minute",
    )


def seed(env: dict, n: int) -> float:
    """Migrate and seed; returns the seconds the seeding of ``n`` learners took."""
    flask = [str(BIN / "flask"), "--app", "elearn"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    # The pages serve the course from the content store, as a real install does.
    subprocess.run(
        [*flask, "content", "import", "content"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    started = time.monotonic()
    subprocess.run(
        [*flask, "demo", "seed", "--learners", str(n)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - started
    if env["DATABASE_URL"].startswith("postgresql"):
        # Write the freshly loaded data out now: otherwise the server's next checkpoint
        # flushes it in the middle of a measurement, and its disk writes show up as the
        # latency of whatever page is being measured. (SQLite checkpoints its log into the
        # database when the seeding process closes it.)
        engine = sa.create_engine(env["DATABASE_URL"], isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("CHECKPOINT"))
        engine.dispose()
    return seconds


def start_gunicorn(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    """gunicorn with two workers, as in production and the browser tests; waits for /healthz."""
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "elearn:create_app()"],
        env=env,
        cwd=ROOT,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("gunicorn did not start: " + log_path.read_text()) from None
            time.sleep(0.2)
    while len(worker_pids(server.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    return server


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    kb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    return round(kb / 1024, 1)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ prepared state


@dataclass
class Fixture:
    """What the pages need: ids from the seeded database and signed-in sessions."""

    values: dict
    learners: list[Session]
    bookers: list[Session]
    submitters: list[list[tuple[Session, list[tuple[int, str]]]]]
    trainer: Session


def prepare(url: str, port: int, full: bool) -> Fixture:
    """Pick learners, open quiz attempts to submit and a time to book, then sign everyone in."""
    os.environ["DATABASE_URL"] = url  # create_app reads it; the harness is its own process
    from elearn import create_app
    from elearn.accounts.models import Cohort, User, cohort_supervisors
    from elearn.certificates.models import Certificate
    from elearn.courses.services import get_course
    from elearn.demo import LEARNER_PASSWORD
    from elearn.discussions.models import Booking, DiscussionSlot
    from elearn.extensions import db
    from elearn.progress.models import SectionRead
    from elearn.quizzes.models import QuizAttempt
    from elearn.quizzes.services import make_layout

    app = create_app({"DATABASE_URL": url})
    rng = random.Random(1)  # noqa: S311 - reproducible benchmark
    with app.app_context():
        course = get_course()
        module = course.modules[1]
        cohort = db.session.scalar(
            sa.select(Cohort).where(Cohort.name.like("Ryhmä 001%")).order_by(Cohort.id)
        )
        supervisor = db.session.scalar(
            sa.select(cohort_supervisors.c.user_id).where(
                cohort_supervisors.c.cohort_id == cohort.id
            )
        )
        busy = sa.select(Booking.learner_id).where(Booking.status == "booked")
        part_way = (
            sa.select(User)
            .where(
                User.cohort_id == cohort.id,
                User.id.in_(sa.select(SectionRead.user_id)),
                User.id.not_in(sa.select(Certificate.user_id)),
                User.id.not_in(busy),
            )
            .order_by(User.id)
        )
        chosen = list(db.session.scalars(part_way.limit(2 * CLIENTS)))
        values = {
            "module": module.key,
            "section": module.sections[1].key,
            "cohort": cohort.id,
            "learner": chosen[0].id,
        }
        submit_plan: list[tuple[str, list[tuple[int, str]]]] = []
        if full:
            start = datetime.now(UTC) + timedelta(days=10)
            slot = DiscussionSlot(
                supervisor_id=supervisor,
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
                place_kind="video",
                capacity=50,
            )
            db.session.add(slot)
            others = db.session.scalars(
                sa.select(User)
                .where(User.email.like("oppija%"), User.id.not_in([u.id for u in chosen]))
                .order_by(User.id.desc())
                .limit(SUBMIT_CLIENTS * SUBMIT_LEARNERS_PER_CLIENT)
            ).all()
            now = datetime.now(UTC)
            rows = [
                {
                    "user_id": u.id,
                    "module_key": m.key,
                    "quiz_hash": m.quiz.content_hash,
                    "status": "open",
                    "layout": make_layout(m.quiz, rng),
                    "started_at": now,
                }
                for u in others
                for m in course.modules
            ]
            db.session.execute(sa.insert(QuizAttempt.__table__), rows)
            db.session.commit()
            values["slot"] = slot.id
            attempts: dict[int, list[tuple[int, str]]] = {}
            for aid, uid, key in db.session.execute(
                sa.select(QuizAttempt.id, QuizAttempt.user_id, QuizAttempt.module_key).where(
                    QuizAttempt.status == "open", QuizAttempt.user_id.in_([u.id for u in others])
                )
            ):
                attempts.setdefault(uid, []).append((aid, key))
            submit_plan = [(u.email, attempts[u.id]) for u in others]
        emails = [u.email for u in chosen]
        answers = {
            m.key: [
                [o.key for o in q.options if o.correct]
                if rng.random() < 0.75
                else [next(o.key for o in q.options if not o.correct)]
                for q in m.quiz.questions
            ]
            for m in course.modules
        }
        question_keys = {m.key: [q.key for q in m.quiz.questions] for m in course.modules}
        db.session.remove()
        db.engine.dispose()

    def login(email: str, password: str = LEARNER_PASSWORD) -> Session:
        return loadgen.Client(port).login(email, password)

    learners = [login(e) for e in emails[:CLIENTS]]
    bookers = [login(e) for e in emails[CLIENTS:]] if full else []
    submitters = []
    if full:
        plans = []
        for email, items in submit_plan:
            session = login(email)
            plans.append(
                [
                    (
                        session,
                        aid,
                        key,
                        [
                            (f"q-{qk}", option)
                            for qk, chosen_options in zip(
                                question_keys[key], answers[key], strict=True
                            )
                            for option in chosen_options
                        ],
                    )
                    for aid, key in items
                ]
            )
        submitters = [plans[i::SUBMIT_CLIENTS] for i in range(SUBMIT_CLIENTS)]
    return Fixture(values, learners, bookers, submitters, login(*TRAINER))


# ------------------------------------------------------------------ measuring


def measure(page: Page, fx: Fixture, port: int, clients: int = CLIENTS) -> list[dict]:
    """Drive one page; returns one result (two for booking: book and cancel)."""
    path = page.path.format(**fx.values)
    if page.special == "submit":
        works = []
        for plans in fx.submitters:
            steps = [
                ("POST", f"/modules/{key}/quiz", [("attempt", str(aid)), *form], session)
                for learner in plans
                for session, aid, key, form in learner
            ]
            works.append(Work(plans[0][0][0], steps, repeat=False))
        samples, elapsed = loadgen.run(
            port, works, processes=4, warmup=WARMUP, duration=SECONDS * 2
        )
        return [dict(loadgen.summarise(samples, elapsed), concurrency=len(works))]
    if page.special == "book":
        book = ("POST", path, [("module_key", ""), ("theme", ""), ("message", "")])
        works = [Work(s, [book, cancel_booked]) for s in fx.bookers]
        samples, elapsed = loadgen.run(port, works, processes=2, warmup=WARMUP, duration=SECONDS)
        out = []
        for step, label in ((0, "book"), (1, "cancel")):
            mine = [s for s in samples if s.step == step]
            out.append(dict(loadgen.summarise(mine, elapsed), concurrency=len(works), step=label))
        return out
    sessions = {"learner": fx.learners, "trainer": [fx.trainer] * CLIENTS}.get(
        page.who, [Session()] * CLIENTS
    )[:clients]
    works = [Work(s, [("GET", path, None)]) for s in sessions]
    samples, elapsed = loadgen.run(port, works, processes=2, warmup=WARMUP, duration=SECONDS)
    result = dict(loadgen.summarise(samples, elapsed), concurrency=len(works))
    result["weight"] = page_weight(port, path, sessions[0]) if page.kind != "floor" else None
    return [result]


def cancel_booked(previous: loadgen.Response) -> tuple:
    """The step after a booking: cancel the booking the redirect points at."""
    found = re.search(r"/discussions/bookings/(\d+)", previous.headers.get("location", ""))
    return ("POST", f"/discussions/bookings/{found.group(1) if found else 0}/cancel", [])


_ASSET_SIZES: dict[str, int] = {}


def page_weight(port: int, path: str, session: Session) -> int:
    """HTML plus the CSS and JS it loads, in bytes, before compression."""
    client = loadgen.Client(port, Session(session.cookie, session.csrf))
    html = client.request("GET", path).body
    total = len(html)
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js)[^"]*)"', html):
        key = asset.decode()
        if key not in _ASSET_SIZES:
            _ASSET_SIZES[key] = len(client.request("GET", key).body)
        total += _ASSET_SIZES[key]
    return total


def startup_seconds(runs: int = 3) -> list[float]:
    """Time to import the app and run create_app (content loading included), fresh each time."""
    code = (
        "import time; t = time.perf_counter(); from elearn import create_app; create_app(); "
        "print(time.perf_counter() - t)"
    )
    env = app_env("sqlite:///" + str(Path(tempfile.gettempdir()) / "bench_startup.sqlite3"))
    return [
        round(
            float(
                subprocess.run(
                    [sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                    capture_output=True, text=True,
                ).stdout
            ),
            3,
        )
        for _ in range(runs)
    ]  # fmt: skip


def machine() -> dict:
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return {
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "cores": os.cpu_count(),
        "memory_gb": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "note": "2 cores shared with other engineers' test runs: absolute figures are noisy, "
        "compare the ratios to /healthz",
    }


def pg_version() -> str:
    engine = sa.create_engine(PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        version = conn.scalar(sa.text("SHOW server_version"))
    engine.dispose()
    return version


def run_one(db: str, n: int, tmp: Path, results: dict) -> None:
    full = n == max(SCALES)
    url = database_url(db, n, tmp)
    env = app_env(url)
    print(f"\n== {db}, {n} learners: seeding", flush=True)
    results["seed_s"][f"{db}/{n}"] = round(seed(env, n), 1)
    print(f"   seeded in {results['seed_s'][f'{db}/{n}']} s; starting gunicorn", flush=True)
    port = free_port()
    server = start_gunicorn(env, port, tmp / f"gunicorn_{db}_{n}.log")

    def add(name: str, kind: str, path: str, result: dict, floor: float | None) -> None:
        row = {
            "page": name,
            "db": db,
            "learners": n,
            "kind": kind,
            "path": path,
            **result,
            "ratio_to_floor": round(result["rps"] / floor, 3) if floor else None,
        }
        results["pages"].append(row)
        print(
            f"   {name:<52} {row['rps']:>8} rps  p50 {row['p50_ms']} ms  "
            f"p99 {row['p99_ms']} ms  q={row['queries']}  errors={row['errors']}",
            flush=True,
        )

    try:
        fx = prepare(url, port, full)
        floor = None
        for page in PAGES:
            if not full and page.kind not in ("floor", "report"):
                continue
            for result in measure(page, fx, port):
                name = page.name + (f" ({result.pop('step')})" if "step" in result else "")
                if page.kind == "floor":
                    floor = result["rps"]
                add(name, page.kind, page.path.format(**fx.values), result, floor)
        if full:
            results["worker_rss_mb"][db] = [peak_rss_mb(p) for p in worker_pids(server.pid)]
        server.terminate()
        server.wait(timeout=30)
        # The report pages reuse their figures for a minute (ELEARN_REPORT_CACHE_SECONDS), so
        # the figures above are mostly reuses. Measured again with the figures computed on
        # every view, to show what the first view after a minute costs: for one trainer,
        # and for four trainers at once.
        cold_port = free_port()
        server = start_gunicorn(
            dict(env, ELEARN_REPORT_CACHE_SECONDS="0"),
            cold_port,
            tmp / f"gunicorn_{db}_{n}_cold.log",
        )
        for page, clients in ((p, c) for p in PAGES for c in (1, CLIENTS)):
            if page.kind != "report":
                continue
            (result,) = measure(page, fx, cold_port, clients)
            name = f"{page.name} (computed on every view, {clients} at once)"
            add(name, "report-uncached", page.path.format(**fx.values), result, floor)
    finally:
        server.terminate()
        server.wait(timeout=30)
        drop_database(url)


def _fresh_with_content(db: str, tmp: Path, name: str) -> tuple[str, dict]:
    url = database_url(db, 0, tmp, name)
    env = dict(app_env(url), ELEARN_CONTENT_CACHE=str(tmp / f"content-{name}"))
    flask = [str(BIN / "flask"), "--app", "elearn"]
    for args in (["db", "upgrade"], ["content", "import", "content"]):
        subprocess.run([*flask, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    return url, env


def run_scenarios(tmp: Path, results: dict) -> None:
    """SQLite's concurrent learners, and publish-to-visible on each database."""
    from bench import scenarios

    results["publish_visible_s"] = {}
    if "sqlite" in DATABASES:
        print("\n== SQLite: learners at once over two servers", flush=True)
        url, env = _fresh_with_content("sqlite", tmp, "capacity")
        rows = scenarios.sqlite_capacity(env, url, tmp, start_gunicorn, free_port)
        results["sqlite_capacity"] = rows
        results["sqlite_serves"] = scenarios.serves(rows)
    for db in DATABASES:
        url, env = _fresh_with_content(db, tmp, "publish")
        try:
            seconds = scenarios.publish_to_visible(env, url, tmp, start_gunicorn, free_port)
        finally:
            drop_database(url)
        results["publish_visible_s"][db] = seconds
        print(f"== {db}: a publish was served on both app servers after {seconds} s", flush=True)


def main() -> int:
    started = time.monotonic()
    results: dict = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "scales": list(SCALES),
            "warmup_s": WARMUP,
            "seconds_per_page": SECONDS,
            "clients": CLIENTS,
            "submit_clients": SUBMIT_CLIENTS,
            "gunicorn_workers": 2,
        },
        "pages": [],
        "worker_rss_mb": {},
        "seed_s": {},
    }
    if "postgresql" in DATABASES:
        results["machine"]["postgresql"] = pg_version()
    runs = startup_seconds()
    results["startup_runs_s"] = runs
    results["startup_s"] = round(statistics.median(runs), 3)
    tmp = Path(tempfile.mkdtemp(prefix="elearn-bench-"))
    try:
        for db in DATABASES:
            for n in SCALES:
                run_one(db, n, tmp, results)
        run_scenarios(tmp, results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["targets"] = targets.evaluate(results)
    results["duration_s"] = round(time.monotonic() - started, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    from bench import report

    print()
    print(report.table(results))
    print()
    print(report.target_lines(results))
    print(f"\nWrote {RESULTS.relative_to(ROOT)} in {results['duration_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A small HTTP load generator: processes x threads, each a keep-alive client on 127.0.0.1.

Each client holds a signed-in session (cookie and CSRF token, got by logging in through the
real form) and repeats one request, or a sequence of prepared requests, for a fixed time.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
COOKIE_NAME = "elearn_session"


@dataclass
class Session:
    """A signed-in browser: its session cookie and CSRF token."""

    cookie: str = ""
    csrf: str = ""


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]


class Client:
    """One keep-alive connection (reopened when the server closes it) with one session."""

    def __init__(self, port: int, session: Session | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.session = session or Session()

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None):
        headers = {"Connection": "keep-alive"}
        if self.session.cookie:
            headers["Cookie"] = f"{COOKIE_NAME}={self.session.cookie}"
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            raw = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # the server closed the kept-alive connection: open a new one
            self.conn.request(method, path, body=body, headers=headers)
            raw = self.conn.getresponse()
        data = raw.read()
        heads = {k.lower(): v for k, v in raw.getheaders()}
        for value in raw.headers.get_all("Set-Cookie") or ():
            name, _, rest = value.partition("=")
            if name == COOKIE_NAME:
                self.session.cookie = rest.split(";", 1)[0]
        if raw.will_close:
            self.conn.close()
        return Response(raw.status, data, heads)

    def login(self, email: str, password: str) -> Session:
        """Sign in through the login form; raises when the server does not accept it."""
        page = self.request("GET", "/login")
        token = CSRF_RE.search(page.body.decode()).group(1)
        done = self.request(
            "POST", "/login", [("csrf_token", token), ("email", email), ("password", password)]
        )
        if done.status != 302:
            raise RuntimeError(f"login of {email} failed with {done.status}")
        after = self.request("GET", "/modules/")
        self.session.csrf = CSRF_RE.search(after.body.decode()).group(1)
        return self.session


@dataclass
class Sample:
    latency: float  # seconds
    status: int
    size: int
    queries: int | None
    step: int = 0  # which step of the client's work


@dataclass
class Work:
    """What one client does: ``steps`` are (method, path, form[, session]) tuples, in turn.

    A step may be a callable that gets the previous response and returns the next step, for
    requests that depend on the one before (book, then cancel what was booked). A step with
    its own session is sent as that person. When ``repeat`` is false the client stops after
    the last step.
    """

    session: Session
    steps: list = field(default_factory=list)
    repeat: bool = True


def _client_loop(port: int, work: Work, until: float, warm_until: float, out: list) -> None:
    client = Client(port, work.session)
    previous = None
    index = 0
    while time.monotonic() < until:
        if index >= len(work.steps):
            if not work.repeat:
                break
            index = 0
        step = work.steps[index]
        if callable(step):
            step = step(previous)
        method, path, form = step[:3]
        client.session = step[3] if len(step) > 3 else work.session
        if form is not None:
            form = [("csrf_token", client.session.csrf), *form]
        started = time.perf_counter()
        previous = client.request(method, path, form)
        latency = time.perf_counter() - started
        if time.monotonic() >= warm_until:
            q = previous.headers.get("x-query-count")
            size = len(previous.body)
            out.append(Sample(latency, previous.status, size, int(q) if q else None, index))
        index += 1


def _process(args: tuple) -> tuple[list[Sample], float]:
    port, works, start_at, warmup, duration = args
    while time.monotonic() < start_at:  # every process starts together
        time.sleep(0.005)
    warm_until = start_at + warmup
    until = warm_until + duration
    results: list[list[Sample]] = [[] for _ in works]
    threads = [
        threading.Thread(target=_client_loop, args=(port, w, until, warm_until, results[i]))
        for i, w in enumerate(works)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ended = min(time.monotonic(), until)
    return [s for r in results for s in r], ended - warm_until


def run(
    port: int, works: list[Work], *, processes: int, warmup: float, duration: float
) -> tuple[list[Sample], float]:
    """Drive the clients in ``works`` (spread over ``processes``); returns samples taken
    after the warm-up and the measured time in seconds."""
    processes = max(1, min(processes, len(works)))
    groups = [works[i::processes] for i in range(processes)]
    start_at = time.monotonic() + 0.3
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes) as pool:
        parts = pool.map(_process, [(port, g, start_at, warmup, duration) for g in groups])
    samples = [s for part, _ in parts for s in part]
    elapsed = max(t for _, t in parts)
    return samples, max(elapsed, 1e-9)


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[rank]


def summarise(samples: list[Sample], elapsed: float) -> dict:
    """rps, p50/p99 in ms, response bytes, SQL statements and errors of one measurement."""
    ok = [s for s in samples if s.status < 400]
    latencies = [s.latency * 1000 for s in ok]
    queries = [s.queries for s in ok if s.queries is not None]
    return {
        "requests": len(samples),
        "errors": len(samples) - len(ok),
        "rps": round(len(ok) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50), 2) if ok else None,
        "p99_ms": round(percentile(latencies, 99), 2) if ok else None,
        "bytes": round(sum(s.size for s in ok) / len(ok)) if ok else None,
        "queries": max(queries) if queries else None,
    }

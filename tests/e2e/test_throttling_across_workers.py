"""Login throttling holds across app servers: a second gunicorn server on the same database
and Redis refuses the sixth failed login for an account that failed five times on the first."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.conftest import free_port
from tests.e2e.conftest import start_gunicorn

pytestmark = pytest.mark.e2e


def _post_login(base: str, email: str, password: str) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    try:
        return opener.open(base + "/login", data=body.encode()).status
    except urllib.error.HTTPError as error:
        return error.code


def test_failures_counted_on_one_server_throttle_on_another(live_server):
    port = free_port()
    second, log = start_gunicorn(live_server["env"], port, live_server["tmp"] / "second.log")
    try:
        first_base, second_base = live_server["base"], f"http://127.0.0.1:{port}"
        email = "throttle-target@example.fi"  # used by no other test
        assert [_post_login(first_base, email, f"guess {i}") for i in range(5)] == [200] * 5
        assert _post_login(second_base, email, "guess 6") == 429
        assert _post_login(second_base, "someone-else@example.fi", "guess") == 200
    finally:
        second.terminate()
        second.wait(timeout=10)
        log.close()

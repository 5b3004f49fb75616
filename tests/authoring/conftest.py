"""Fixtures for the course editor: a published course in the test's transaction, served by
the app while the test runs, and a signed-in trainer."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from elearn.accounts.models import Role, User
from elearn.content.loader import DEFAULT_CONTENT_DIR
from elearn.contentstore import services as store
from elearn.core.fragments import FRAGMENTS_KEY
from elearn.core.time import utcnow
from elearn.courses import services as courses

CONTENT = DEFAULT_CONTENT_DIR.parent
MODULE = "tyonantajamalli"
PART = "modules/02-tyonantajamalli"
SECTION_KEY = "avustettava-tyonantajana"
SECTION = f"{PART}/sections/01-{SECTION_KEY}.md"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture(scope="session")
def content_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("content-cache"))


@pytest.fixture
def editor_app(app: Flask, db, monkeypatch, content_cache) -> Iterator[Flask]:
    """The app serving whatever the test publishes at once (in the test's transaction);
    afterwards it serves what it served before."""
    monkeypatch.setitem(app.config, "ELEARN_CONTENT_CACHE", content_cache)
    monkeypatch.setitem(app.config, "ELEARN_CONTENT_CHECK_SECONDS", 0)
    serving = app.extensions[courses.SERVING_KEY]
    before = serving.loaded, app.extensions.get(courses.SURVEYS_KEY)
    try:
        yield app
    finally:
        serving.loaded = before[0]
        serving.checked_at = time.monotonic()
        app.extensions[courses.SURVEYS_KEY] = before[1]
        app.extensions.pop(FRAGMENTS_KEY, None)


@pytest.fixture
def published(editor_app: Flask, db) -> Callable[[], int]:
    """The shipped course stored as version 1; ``published()`` is the version the app
    serves after looking for a newer one."""
    app = editor_app
    serving = app.extensions[courses.SERVING_KEY]
    store.import_tree(CONTENT, note="test", author_id=None, now=utcnow())
    db.session.commit()

    def served() -> int:
        """The version the app serves after looking for a newer one."""
        with app.test_request_context():
            if serving.refresh_if_due():
                app.extensions.pop(FRAGMENTS_KEY, None)
                app.extensions[courses.SURVEYS_KEY] = serving.loaded.surveys
            return serving.loaded.number

    return served


@pytest.fixture
def trainer(make_user) -> User:
    return make_user(Role.TRAINER, name="Kaisa Kouluttaja")


@pytest.fixture
def as_trainer(login_as, trainer):
    return login_as(trainer)


def hidden_fields(html: str) -> dict[str, str]:
    """The first value of every hidden field on a page (token, fingerprint, revision)."""
    found: dict[str, str] = {}
    for name, value in HIDDEN.findall(html):
        found.setdefault(name, value)
    return found


def form_fields(html: str, index: int = 0, *, action: str | None = None) -> dict[str, object]:
    """What a browser would send from a form of the page (the ``index``-th post form, or the
    one posting to ``action``): every field's current value, without the buttons."""
    from tests.htmltree import parse

    main = parse(html).find_all("main")[0]  # not the header's language and log-out forms
    forms = [f for f in main.find_all("form") if f.attrs.get("method") == "post"]
    if action is not None:
        forms = [f for f in forms if (f.attrs.get("action") or "") == action]
    form = forms[index]
    data: dict[str, object] = {}
    for node in form.iter():
        name = node.attrs.get("name")
        if not name:
            continue
        if node.tag == "textarea":
            text = "".join(c for c in node.children if isinstance(c, str))
            # The browser drops the line break that starts a textarea's content.
            data[name] = (
                text.removeprefix("\r\n") if text.startswith("\r\n") else (text.removeprefix("\n"))
            )
        elif node.tag == "input":
            kind = node.attrs.get("type", "text")
            if kind in ("submit", "button"):
                continue
            if kind in ("checkbox", "radio"):
                if "checked" in node.attrs:
                    data[name] = node.attrs.get("value") or "y"
                continue
            data[name] = node.attrs.get("value") or ""
    return data

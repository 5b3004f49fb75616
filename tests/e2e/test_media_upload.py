"""Videos in the editor, in Chromium against gunicorn on a database of its own: a trainer
uploads a WebM video and its Finnish captions, adds the video to a section, watches it in
the preview (played from the draft), publishes, and a learner gets the video with its
captions track from the published course. The media page passes axe with a video on it.

Fields are found by their ids: their labels are new interface texts."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, expect

from elearn import create_app
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.content.loader import DEFAULT_CONTENT_DIR, load_course
from elearn.contentstore import services as store
from elearn.core.time import utcnow
from elearn.extensions import db as _db
from tests.conftest import free_port
from tests.dbutil import drop_database, fresh_database
from tests.e2e.conftest import start_gunicorn

pytestmark = pytest.mark.e2e

PASSWORD = "videot selaimessa 2026"
COURSE = load_course(DEFAULT_CONTENT_DIR)
MODULE = COURSE.modules[1]
SECTION = next(s for s in MODULE.sections if not s.videos)  # a section without a video yet
EDITOR = f"/authoring/modules/{MODULE.key}"
FIXTURES = Path(__file__).parents[1] / "authoring" / "fixtures"
CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:01.000\nMusta ruutu, ei ääntä.\n"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PEOPLE = {
    "trainer": ("video.kouluttaja@example.fi", "Veera Kouluttaja", Role.TRAINER),
    "learner": ("video.oppija@example.fi", "Ville Oppija", Role.ASSISTANT),
}
READY = "v => v.readyState >= 1 && v.duration > 0"  # the browser read the video's metadata


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """One app server on a database of its own, with the shipped course published."""
    tmp = tmp_path_factory.mktemp("media-upload")
    url = fresh_database("mediaupload", tmp)
    app = create_app(
        {"DATABASE_URL": url, "TESTING": True, "ELEARN_CONTENT_CACHE": str(tmp / "cache")}
    )
    test_session = _db.session
    _db.session = _db._make_scoped_session({})
    try:
        with app.app_context():
            upgrade()
            cohort = Cohort(name="Videoryhmä", employment_model="employer_model")
            for key, (email, name, role) in PEOPLE.items():
                person = User(
                    email=email,
                    name=name,
                    session_nonce=key,
                    password_hash=hash_password(PASSWORD),
                    cohort=cohort if role is Role.ASSISTANT else None,
                )
                person.role_rows = [UserRole(role=role.value)]
                _db.session.add(person)
            _db.session.commit()
            store.import_tree(
                DEFAULT_CONTENT_DIR.parent, note="Shipped", author_id=None, now=utcnow()
            )
            _db.session.commit()
            _db.session.remove()
    finally:
        _db.session = test_session
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ELEARN_ENV": "development",
        "SECRET_KEY": "media-upload-secret-key-that-is-long-enough",
        "MAIL_BACKEND": "log",
        "ELEARN_CONTENT_CACHE": str(tmp / "cache"),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "RATELIMIT_KEY_PREFIX": f"elearn-media-{free_port()}",
    }
    port = free_port()
    process, log = start_gunicorn(env, port, tmp / "server.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        with app.app_context():
            _db.engine.dispose()
        drop_database(url)


def signed_in(browser: Browser, base: str, who: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=base, locale="fi-FI")
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Sähköpostiosoite").fill(PEOPLE[who][0])
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url("**/")
    return context, page


def test_a_trainer_uploads_a_video_with_captions_and_a_learner_gets_it(
    browser: Browser, server: str, tmp_path: Path
):
    video_file = tmp_path / "Pieni testivideo.webm"
    video_file.write_bytes((FIXTURES / "tiny.webm").read_bytes())
    captions_file = tmp_path / "tekstitys.vtt"
    captions_file.write_text(CAPTIONS, encoding="utf-8")
    context, page = signed_in(browser, server, "trainer")

    # Upload the video; the page then offers the Finnish captions for it.
    page.goto(f"{EDITOR}/media")
    page.locator("#video_file").set_input_files(video_file)
    with page.expect_navigation():
        page.locator("#upload_video").click()
    expect(page.get_by_role("status")).to_contain_text("media/pieni-testivideo.webm")
    expect(page.locator("#captions_video")).to_have_value("pieni-testivideo.webm")
    expect(page.locator("#captions_language")).to_have_value("fi")
    page.locator("#captions_file").set_input_files(captions_file)
    with page.expect_navigation():
        page.locator("#upload_captions").click()
    expect(page.get_by_role("status")).to_contain_text("media/pieni-testivideo.fi.vtt")

    # The media page, with the video and its captions on it, passes axe.
    result = Axe().run(page, options=WCAG).response
    assert result["passes"], "axe did not run"
    assert not result["violations"], [(v["id"], v["help"]) for v in result["violations"]]

    # Into a section, by keyboard-usable controls.
    page.locator("#section").select_option(SECTION.key)
    page.locator("#source-0").check()
    page.locator("#video").select_option("pieni-testivideo.webm")
    page.locator("#title_fi").fill("Pieni testivideo")
    page.locator("#duration").fill("0:01")
    with page.expect_navigation():
        page.locator("#insert").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("fi, sv, en")

    # The preview plays the draft's file, with its captions.
    page.goto(f"{EDITOR}/preview/{SECTION.key}")
    video = page.locator(".preview-frame figure.video video")
    expect(video).to_have_count(1)
    source = video.locator("source").get_attribute("src") or ""
    assert source == f"{EDITOR}/files/media/pieni-testivideo.webm"
    expect(video.locator("track[kind=captions][srclang=fi]")).to_have_count(1)
    page.wait_for_function(f"() => ({READY})(document.querySelector('.preview-frame video'))")

    # Publish (the missing Swedish and English captions are quality problems to confirm).
    page.goto(f"{EDITOR}/publish")
    page.get_by_label("Mitä muuttui ja miksi").fill("Uusi video osioon")
    confirm = page.get_by_label("Olen lukenut laatuongelmat ja julkaisen silti")
    if confirm.count():
        confirm.check()
    page.get_by_role("button", name="Julkaise").click()
    expect(page.get_by_role("status")).to_contain_text("Julkaistu versiona")
    context.close()

    # The learner gets the published video with its captions track.
    context, learner = signed_in(browser, server, "learner")
    url = f"/modules/{MODULE.key}/{SECTION.key}"
    for _ in range(50):  # the server notices the new version within a second or two
        learner.goto(url)
        if learner.locator("figure.video video").count():
            break
        learner.wait_for_timeout(200)
    video = learner.locator("figure.video video")
    expect(video).to_have_count(1)
    expect(video.locator("source")).to_have_attribute(
        "src", f"/modules/{MODULE.key}/media/media/pieni-testivideo.webm"
    )
    track = video.locator("track[kind=captions]")
    expect(track).to_have_count(1)
    expect(track).to_have_attribute("srclang", "fi")
    expect(track).to_have_attribute(
        "src", re.compile(rf"/modules/{MODULE.key}/media/media/pieni-testivideo\.fi\.vtt$")
    )
    learner.wait_for_function(f"() => ({READY})(document.querySelector('figure.video video'))")
    assert (
        learner.evaluate("() => document.querySelector('figure.video video').textTracks.length")
        == 1
    )
    context.close()

"""In a real browser: every module page and section opens, fits 320 px, and plays its video;
a third-party video loads only after the learner presses the facade's button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from elearn.content import load_course
from elearn.content.loader import DEFAULT_CONTENT_DIR
from tests.conftest import free_port
from tests.content.tree import write_course
from tests.e2e.conftest import start_gunicorn

pytestmark = pytest.mark.e2e
COURSE = load_course(DEFAULT_CONTENT_DIR)


def log_in(page: Page, live_server, email: str = "opiskelija@example.fi", base: str = "") -> None:
    page.goto(base + "/login")
    page.get_by_label("Sähköpostiosoite").fill(email)
    page.get_by_label("Salasana").fill(live_server["logins"][email])
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url("**/")


def fits(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_every_module_page_and_section_opens_at_320_px(page: Page, live_server):
    page.set_viewport_size({"width": 320, "height": 700})
    log_in(page, live_server)
    page.goto("/modules/")
    expect(page.locator(".module-card")).to_have_count(6)
    assert fits(page)
    for module in COURSE.modules:
        page.goto(f"/modules/{module.key}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(module.text("fi")[0].title)
        assert fits(page), module.key
        for section in module.sections:
            response = page.goto(f"/modules/{module.key}/{section.key}")
            assert response.status == 200
            expect(page.get_by_role("heading", level=1)).to_have_text(section.text("fi")[0].title)
            assert fits(page), (module.key, section.key)
        page.goto(f"/modules/{module.key}/print")
        assert fits(page), f"{module.key} print"


def test_self_hosted_video_plays_with_captions(page: Page, live_server):
    log_in(page, live_server)
    module = COURSE.modules[0]
    section = next(s for s in module.sections if s.videos)
    page.goto(f"/modules/{module.key}/{section.key}")
    video = page.locator("figure.video video")
    video.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure.video video').readyState >= 1")
    duration = page.evaluate("() => document.querySelector('figure.video video').duration")
    assert duration > 30  # the real narrated clip loaded, not an empty file
    tracks = page.evaluate(
        "() => Array.from(document.querySelector('figure.video video').textTracks)"
        ".map(t => [t.kind, t.language])"
    )
    # Captions in every language; the page's own language is on by default.
    assert sorted(tracks) == [["captions", "en"], ["captions", "fi"], ["captions", "sv"]]
    default = page.evaluate("() => document.querySelector('figure.video track[default]').srclang")
    assert default == "fi"
    page.locator("details.transcript summary").click()
    expect(page.locator("details.transcript p").first).to_be_visible()


def test_mark_read_by_keyboard_moves_to_the_next_section(page: Page, live_server):
    log_in(page, live_server, email="kouluttaja@example.fi")
    module = COURSE.modules[1]
    page.goto(f"/modules/{module.key}/{module.sections[0].key}")
    button = page.get_by_role("button", name="Merkitse luetuksi")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/modules/{module.key}/{module.sections[1].key}")
    page.goto(f"/modules/{module.key}")
    expect(page.locator("ol.sections li").first).to_contain_text("luettu")


@pytest.fixture(scope="module")
def facade_server(live_server, tmp_path_factory):
    """A second app server on the same database whose course has a YouTube video."""
    content = write_course(tmp_path_factory.mktemp("facade") / "content" / "modules", count=2)
    env = dict(live_server["env"], ELEARN_CONTENT_DIR=str(content))
    port = free_port()
    server, log = start_gunicorn(env, port, live_server["tmp"] / "facade.log")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)
    log.close()


def test_video_facade_loads_the_player_only_on_request(page: Page, live_server, facade_server):
    log_in(page, live_server, base=facade_server)
    page.goto(facade_server + "/modules/moduuli-1/alku")
    assert page.locator("iframe").count() == 0
    assert not [u for u in page.requested if "youtube" in u]
    button = page.get_by_role("button", name="Toista video (lataa soittimen palvelusta YouTube)")
    expect(page.get_by_text("Video on palvelussa YouTube")).to_be_visible()
    button.focus()
    page.keyboard.press("Enter")  # operable by keyboard
    frame = page.locator(".video-frame iframe")
    expect(frame).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/abcdefghijk?autoplay=1&rel=0"
    )
    expect(frame).to_have_attribute("title", "Ulkoinen video")
    assert page.evaluate("() => document.activeElement.tagName") == "IFRAME"

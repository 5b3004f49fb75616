"""In a real browser: the Finnish login page, keyboard-only login, each demo role, 320 px,
the language switch, and no request leaving the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

ROLE_HOME_TEXT = {
    "opiskelija@example.fi": "Edistymisesi",
    "ohjaaja@example.fi": "Ohjaus",
    "kouluttaja@example.fi": "Ylläpito",
    "admin@example.fi": "Ylläpito",
}


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement; const s = getComputedStyle(el);
        return {tag: el.tagName, name: el.getAttribute('name'), text: el.textContent.trim(),
                outline: s.outlineStyle, width: s.outlineWidth}; }"""
    )


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_keyboard_only_login_on_the_finnish_page(page: Page, live_server):
    page.goto("/login")
    assert page.get_attribute("html", "lang") == "fi"
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu sisään")

    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Siirry sisältöön"
    assert first["outline"] == "solid"  # focus is visible
    # Tab on until the e-mail field; every stop must have visible focus.
    for _ in range(10):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["outline"] == "solid", now
        if now["name"] == "email":
            break
    else:
        raise AssertionError("the e-mail field was not reachable by Tab")
    password = live_server["logins"]["opiskelija@example.fi"]
    page.keyboard.type("opiskelija@example.fi")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    expect(page.get_by_role("heading", name="Edistymisesi")).to_be_visible()


@pytest.mark.parametrize("email", list(ROLE_HOME_TEXT))
def test_each_demo_role_logs_in_and_out(page: Page, live_server, email):
    page.goto("/login")
    page.get_by_label("Sähköpostiosoite").fill(email)
    page.get_by_label("Salasana").fill(live_server["logins"][email])
    page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page.get_by_role("heading", name=ROLE_HOME_TEXT[email])).to_be_visible()
    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu sisään")
    page.goto("/")
    assert "/login" in page.url


def test_wrong_password_shows_the_generic_error(page: Page):
    page.goto("/login")
    page.get_by_label("Sähköpostiosoite").fill("opiskelija@example.fi")
    page.get_by_label("Salasana").fill("väärä salasana tässä")
    page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page.get_by_role("status")).to_contain_text("Sähköpostiosoite tai salasana on väärä")


def test_pages_fit_320_px_without_sideways_scrolling(page: Page, live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/login")
    assert no_horizontal_scroll(page)
    page.get_by_label("Sähköpostiosoite").fill("admin@example.fi")
    page.get_by_label("Salasana").fill(live_server["logins"]["admin@example.fi"])
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url("**/")
    for path in (
        "/",
        "/profile",
        "/admin/users",
        "/admin/cohorts",
        "/admin/invite",
        "/admin/cohorts/1",
    ):
        page.goto(path)
        assert no_horizontal_scroll(page), path


def test_language_switch_changes_the_page_and_lang(page: Page):
    page.goto("/login")
    page.get_by_role("button", name="På svenska").click()
    assert page.get_attribute("html", "lang") == "sv"
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    page.get_by_role("button", name="In English").click()
    assert page.get_attribute("html", "lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


def test_nothing_is_loaded_from_outside(page: Page, live_server):
    page.goto("/login")
    page.wait_for_load_state("networkidle")
    assert page.requested
    assert all(url.startswith(live_server["base"]) for url in page.requested), page.requested

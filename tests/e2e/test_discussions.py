"""In a real browser: a supervisor creates a time; a learner writes and shares a journal
entry and books; the supervisor prepares and writes a memo; the learner reads it. And many
learners racing for the same time through two app server processes."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from elearn.accounts.passwords import hash_password
from elearn.core.time import utcnow
from elearn.discussions.models import Booking
from elearn.extensions import db
from tests.conftest import free_port
from tests.discussions.util import live_bookings, race_setup, run_together
from tests.e2e.conftest import start_gunicorn
from tests.e2e.test_course_pages import log_in

pytestmark = pytest.mark.e2e


def test_supervisor_learner_memo_flow(page: Page, live_server, e2e_app):
    day = (utcnow() + timedelta(days=9)).date()
    log_in(page, live_server, email="ohjaaja@example.fi")
    page.goto("/discussions/slots/new")
    page.fill("#day", day.isoformat())
    page.fill("#start", "10:00")
    page.fill("#minutes", "45")
    page.check("input[name=place_kind][value=video]")
    page.fill("#place_detail", "https://meet.example/ohjaus")
    page.locator("form.stack button[type=submit], form.stack input[type=submit]").click()
    page.wait_for_url("**/discussions/supervise")
    expect(page.locator("ul.slots")).to_contain_text("klo 10.00")
    page.get_by_role("button", name=re.compile("Kirjaudu ulos")).click()

    log_in(page, live_server)
    page.goto("/modules/etiikka")
    page.get_by_role("link", name="Pohdi: 4 kysymystä").click()  # after the sections
    page.wait_for_url("**/journal/etiikka")
    page.fill("#journal-1", "Minua mietityttää, miten pidän rajat ystävällisesti.")
    page.locator("form[action$='/journal/etiikka'] button[type=submit]").click()
    page.wait_for_url("**/journal/etiikka")
    expect(page.locator("#journal-1")).to_have_value(
        "Minua mietityttää, miten pidän rajat ystävällisesti."
    )
    page.goto("/modules/etiikka")
    expect(page.locator(".reflect")).to_contain_text("1/4 vastattu")
    page.goto("/discussions/")
    page.locator("a[href*='/book']").first.click()
    page.locator("input[name=share]").first.check()
    page.fill("#message", "Haluaisin puhua rajoista.")
    page.locator("form.stack input[type=submit]").click()
    page.wait_for_url(re.compile(r".*/discussions/bookings/\d+$"))
    booking_url = page.url
    booking_id = int(booking_url.rsplit("/", 1)[1])
    expect(page.locator("a[href$='calendar.ics']")).to_be_visible()

    with e2e_app.app_context():  # the discussion takes place: move it to the past
        booking = db.session.get(Booking, booking_id)
        booking.slot.starts_at = utcnow() - timedelta(hours=1)
        booking.slot.ends_at = utcnow() - timedelta(minutes=15)
        db.session.commit()

    page.get_by_role("button", name=re.compile("Kirjaudu ulos")).click()
    log_in(page, live_server, email="ohjaaja@example.fi")
    page.goto(f"/discussions/bookings/{booking_id}/prepare")
    expect(page.locator("main")).to_contain_text(
        "Minua mietityttää, miten pidän rajat ystävällisesti."
    )
    expect(page.locator("main")).to_contain_text("Haluaisin puhua rajoista.")
    page.check("input[name=attendance][value=attended]")
    page.fill("#summary", "Puhuimme rajoista ja ystävällisyydestä.")
    page.fill("#followups", "Kokeile sanoa ei ystävällisesti.")
    page.fill("#private", "Seuraavalla kerralla kysyn jaksamisesta.")
    page.locator("form.stack input[type=submit]").click()
    page.get_by_role("button", name=re.compile("Kirjaudu ulos")).click()

    log_in(page, live_server)
    page.goto(booking_url)
    expect(page.locator("main")).to_contain_text("Puhuimme rajoista ja ystävällisyydestä.")
    expect(page.locator("main")).to_contain_text("Kokeile sanoa ei ystävällisesti.")
    expect(page.locator("main")).not_to_contain_text("Seuraavalla kerralla kysyn jaksamisesta.")


def _login(base: str, email: str, password: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    opener.open(base + "/login", data=body.encode())
    return opener


@pytest.mark.parametrize("capacity", [1, 3])
def test_bookings_race_through_two_app_server_processes(live_server, e2e_app, capacity):
    second_port = free_port()
    second, log = start_gunicorn(
        live_server["env"], second_port, live_server["tmp"] / f"race{capacity}.log"
    )
    bases = [live_server["base"], f"http://127.0.0.1:{second_port}"]
    password = "kilpailu salasana 2026"
    try:
        with e2e_app.app_context():
            slot_id, emails, _ids = race_setup(
                db, f"http{capacity}", capacity, password_hash=hash_password(password)
            )

        sessions = []
        for i, email in enumerate(emails):  # log in and open the form first
            base = bases[i % 2]
            opener = _login(base, email, password)
            form = opener.open(f"{base}/discussions/slots/{slot_id}/book").read().decode()
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
            sessions.append((base, opener, token))
        barrier = threading.Barrier(len(sessions))
        statuses: list[int] = []

        def book(base, opener, token):
            data = urllib.parse.urlencode(
                {"csrf_token": token, "module_key": "", "theme": "", "message": ""}
            ).encode()
            barrier.wait()
            try:
                statuses.append(
                    opener.open(f"{base}/discussions/slots/{slot_id}/book", data=data).status
                )
            except urllib.error.HTTPError as error:
                statuses.append(error.code)

        run_together(book, sessions)
        with e2e_app.app_context():
            booked = live_bookings(db, slot_id)
        assert booked == capacity
        assert statuses.count(409) == len(sessions) - capacity  # "täynnä", never an error page
        assert 500 not in statuses
    finally:
        second.terminate()
        second.wait(timeout=10)
        log.close()


def test_discussion_pages_fit_320_px(page: Page, live_server):
    page.set_viewport_size({"width": 320, "height": 700})
    fits = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    log_in(page, live_server, email="ohjaaja@example.fi")
    for path in ("/discussions/supervise", "/discussions/slots/new", "/discussions/slots/series"):
        assert page.goto(path).status == 200
        assert page.evaluate(fits), path
    page.locator("details.menu > summary").click()  # on a phone, logging out is in the menu
    page.get_by_role("button", name=re.compile("Kirjaudu ulos")).click()
    log_in(page, live_server)
    assert page.goto("/discussions/").status == 200
    assert page.evaluate(fits)

"""In a real browser, on a phone first: the learner's front page at each stage of the
course, the compact header and its menu (with and without JavaScript), and a failed quiz
result that shows what went wrong without making the learner scroll through the rest.

Screenshots of the front page at each stage go to test-results/screenshots/home/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from elearn.discussions.models import Attendance, Booking, PlaceKind
from elearn.extensions import db
from elearn.progress.services import mark_section_read
from tests.discussions.util import plan
from tests.feedback.test_services import quiz_done

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-results" / "screenshots" / "home"
PASSWORD = "puhelin salasana 2026"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
VIDEO = "https://meet.example/ohjaus/puhelin"


def people(app, tag: str) -> dict:
    """A learner in a group of their own with a supervisor who offers a video-call time."""
    with app.test_request_context():
        cohort = Cohort(name=f"Puhelinryhmä {tag}", employment_model="employer_model")
        learner = User(
            email=f"puhelin-{tag}@example.fi",
            name="Pia Puhelin",
            session_nonce=f"p-{tag}",
            cohort=cohort,
            password_hash=hash_password(PASSWORD),
        )
        learner.role_rows = [UserRole(role=Role.ASSISTANT.value)]
        supervisor = User(
            email=f"puhelin-ohjaaja-{tag}@example.fi", name="Olli Ohjaaja", session_nonce="o"
        )
        supervisor.role_rows = [UserRole(role=Role.SUPERVISOR.value)]
        supervisor.supervised_cohorts = [cohort]
        db.session.add_all([cohort, learner, supervisor])
        db.session.commit()
        (slot,) = discussions.create_slots(
            supervisor,
            [plan(utcnow() + timedelta(days=6), place_kind=PlaceKind.VIDEO, place_detail=VIDEO)],
        )
        db.session.commit()
        return {"learner": learner.id, "supervisor": supervisor.id, "slot": slot.id}


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form.stack input[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


def section(page: Page, heading_id: str):
    return page.locator(f"section[aria-labelledby='{heading_id}']")


def stage(page: Page, name: str) -> None:
    """Screenshots of the front page at phone and desktop widths; it fits 375 px."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto("/")
    assert page.evaluate(FITS), f"{name}: sideways scrolling at 375 px"
    page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_the_learners_phone_journey_through_the_front_page(browser: Browser, live_server, e2e_app):
    ids = people(e2e_app, "matka")
    context = browser.new_context(base_url=live_server["base"], viewport=PHONE, locale="fi-FI")
    page = context.new_page()
    log_in(page, "puhelin-matka@example.fi")
    with e2e_app.test_request_context():
        course = get_course()
    first = course.modules[0]
    certificate = page.locator("main a[href='/certificate']")

    # New: where to begin, six modules not started, no certificate link.
    stage(page, "new")
    continue_here = section(page, "next-h").get_by_role("link")
    expect(continue_here).to_have_text(first.sections[0].text("fi")[0].title)
    rows = section(page, "progress-h").locator("li.progress-row")
    expect(rows).to_have_count(6)
    for i in range(6):
        expect(rows.nth(i)).to_contain_text("Ei aloitettu")
    expect(section(page, "discussion-h")).to_contain_text("Sinulla ei ole varattua keskustelua")
    expect(certificate).to_have_count(0)

    # In progress: "continue here" leads to the section; reading it moves the step on.
    continue_here.click()
    page.wait_for_url(f"**/modules/{first.key}/{first.sections[0].key}")
    page.get_by_role("button", name="Merkitse luetuksi").click()
    page.wait_for_url(f"**/modules/{first.key}/{first.sections[1].key}")
    stage(page, "in-progress")
    expect(section(page, "next-h").get_by_role("link")).to_have_text(
        first.sections[1].text("fi")[0].title
    )
    expect(rows.nth(0)).to_contain_text("Kesken")
    expect(rows.nth(0)).to_contain_text(f"1/{len(first.sections)} osiota luettu")
    expect(certificate).to_have_count(0)

    # Discussion booked, through the phone menu: time, a tappable video link, the calendar.
    page.get_by_text("Valikko", exact=True).click()
    page.get_by_role("link", name="Keskustelut", exact=True).click()
    page.wait_for_url("**/discussions/")
    page.locator(f"a[href='/discussions/slots/{ids['slot']}/book']").click()
    page.locator("form.stack input[type=submit]").click()
    page.wait_for_url(re.compile(r".*/discussions/bookings/\d+$"))
    booking_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator(f"main a[href='{VIDEO}']")).to_be_visible()  # the booking page too
    stage(page, "discussion-booked")
    discussion = section(page, "discussion-h")
    expect(discussion).to_contain_text("Videopuhelu")
    expect(discussion).to_contain_text("Olli Ohjaaja")
    video = discussion.locator(f"a[href='{VIDEO}']")
    expect(video).to_be_visible()
    box = video.bounding_box()
    assert box and box["height"] >= 24, box  # big enough to tap
    ics = discussion.get_by_role("link", name="Lisää kalenteriin (.ics)")
    expect(ics).to_have_attribute("href", f"/discussions/bookings/{booking_id}/calendar.ics")
    with page.expect_download() as download:
        ics.click()
    assert download.value.suggested_filename.endswith(".ics")

    # Memo waiting: the discussion took place and the supervisor wrote the memo.
    with e2e_app.test_request_context():
        booking = db.session.get(Booking, booking_id)
        booking.slot.starts_at = utcnow() - timedelta(hours=2)
        booking.slot.ends_at = utcnow() - timedelta(hours=1)
        discussions.record_memo(
            booking,
            attendance=Attendance.ATTENDED,
            summary="Puhuimme rajoista.",
            followups="",
            private="",
            now=utcnow(),
        )
        db.session.commit()
    stage(page, "memo-waiting")
    memos = section(page, "memos-h")
    expect(memos).to_be_visible()
    expect(section(page, "discussion-h")).to_have_count(0)  # attended, nothing booked

    # Survey waiting: the learner reads and confirms the memo; the survey of the discussion
    # is what waits now.
    memos.get_by_role("link").click()
    page.wait_for_url(f"**/discussions/bookings/{booking_id}")
    page.locator("input[name=confirm]").check()
    page.locator("form.stack input[type=submit]").click()
    stage(page, "survey-waiting")
    expect(section(page, "memos-h")).to_have_count(0)
    expect(section(page, "surveys-h")).to_contain_text("reflektiivinen keskustelusi")
    expect(certificate).to_have_count(0)

    # Completed: every module done (and the discussion attended): the certificate.
    with e2e_app.test_request_context():
        learner = db.session.get(User, ids["learner"])
        for module in course.modules:
            for s in module.sections:
                mark_section_read(learner.id, module, s, now=utcnow())
            quiz_done(learner, module)
        db.session.commit()
    stage(page, "completed")
    expect(section(page, "next-h")).to_contain_text("Olet suorittanut koulutuksen")
    expect(certificate).to_be_visible()
    expect(section(page, "progress-h")).to_contain_text("6/6 opintojaksoa valmiina")
    for i in range(6):
        expect(rows.nth(i)).to_contain_text("Valmis")
    certificate.click()
    page.wait_for_url("**/certificate")
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_header_is_compact_on_a_phone_and_its_menu_works(
    browser: Browser, live_server, e2e_app, javascript
):
    people(e2e_app, f"otsake{int(javascript)}")
    context = browser.new_context(
        base_url=live_server["base"], viewport=PHONE, java_script_enabled=javascript
    )
    page = context.new_page()
    log_in(page, f"puhelin-otsake{int(javascript)}@example.fi")
    header = page.locator("header.site-header")
    height = header.bounding_box()["height"]
    assert height <= 110, f"the header takes {height} px of 740"
    menu_link = page.get_by_role("link", name="Keskustelut", exact=True)
    expect(menu_link).to_be_hidden()
    summary = page.locator("details.menu > summary")
    expect(summary).to_have_text("Valikko")
    summary.focus()
    page.keyboard.press("Enter")  # a real disclosure: Enter (or Space) opens it
    expect(menu_link).to_be_visible()
    expect(page.get_by_role("link", name="Etusivu", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
    expect(page.get_by_role("button", name="På svenska")).to_be_visible()
    if javascript:
        page.keyboard.press("Escape")  # closes the menu and keeps the place
        expect(menu_link).to_be_hidden()
        assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
        page.keyboard.press("Space")
        expect(menu_link).to_be_visible()
    menu_link.click()
    page.wait_for_url("**/discussions/")
    expect(page.locator("a[aria-current='page']")).to_have_text("Keskustelut")
    # On a wide screen the whole menu shows in the header, with no disclosure.
    page.set_viewport_size(DESKTOP)
    expect(summary).to_be_hidden()
    expect(page.get_by_role("link", name="Opintojaksot", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="In English")).to_be_visible()
    context.close()


def test_a_failed_quiz_result_is_short_on_a_phone(browser: Browser, live_server, e2e_app):
    people(e2e_app, "visa")
    with e2e_app.test_request_context():
        module = get_course().modules[4]
    context = browser.new_context(base_url=live_server["base"], viewport=PHONE)
    page = context.new_page()
    log_in(page, "puhelin-visa@example.fi")
    page.goto(f"/modules/{module.key}/quiz")
    wrong = module.quiz.questions[:3]
    for q in module.quiz.questions:
        picks = [o.key for o in q.options if o.correct != (q in wrong)]
        if q.type != "multiple" or q in wrong:
            picks = picks[:1]
        for key in picks:
            page.check(f"#q-{q.key}-{key}")
    page.get_by_role("button", name="Lähetä vastaukset").click()
    page.wait_for_url("**/quiz/attempts/*")
    expect(page.get_by_role("status")).to_contain_text("Et läpäissyt tällä kertaa")
    # What went wrong shows at once, with the explanations; the questions answered right
    # are folded away.
    for q in wrong:
        chosen = next(o for o in q.options if not o.correct)
        right = next(o for o in q.options if o.correct)
        expect(page.get_by_text(chosen.text("fi").explanation, exact=True)).to_be_visible()
        expect(page.get_by_text(right.text("fi").explanation, exact=True)).to_be_visible()
    for q in module.quiz.questions[3:]:
        right = next(o for o in q.options if o.correct)
        expect(page.get_by_text(right.text("fi").explanation, exact=True)).to_be_hidden()
    folded = page.evaluate("() => document.documentElement.scrollHeight")
    assert folded < 3000, f"the failed result is {folded} px tall at 375 px"
    SHOTS.parent.joinpath("quiz").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS.parent / "quiz" / "failed-result-375.png"), full_page=True)
    # Everything open is what the page used to show: the folded page is much shorter.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    unfolded = page.evaluate("() => document.documentElement.scrollHeight")
    assert folded < 0.6 * unfolded, (folded, unfolded)
    context.close()

"""The learner's front page shows where they stand: progress, where to continue, the next
discussion, memos and surveys waiting, news from trainers; the certificate only at the end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from elearn.accounts.models import Role
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from elearn.discussions.models import Attendance, PlaceKind
from elearn.feedback import services as feedback
from elearn.progress.services import mark_section_read
from tests.discussions.util import attend_discussion, plan, supervise
from tests.feedback.test_services import quiz_done
from tests.htmltree import parse


@pytest.fixture
def course(app):
    with app.test_request_context():
        yield get_course()


@pytest.fixture
def learner(make_user, login_as):
    person = make_user(name="Oona Oppija")
    login_as(person)
    return person


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html, heading_id):
    """The front page's section labelled by the heading ``heading_id``, or None."""
    found = parse(html).find_all("section", aria_labelledby=heading_id)
    return found[0] if found else None


def book_with(db, make_user, learner, *, days=5, **kw):
    supervisor = make_user(Role.SUPERVISOR, name="Sanna Ohjaaja")
    supervise(db, supervisor, learner)
    (slot,) = discussions.create_slots(supervisor, [plan(utcnow() + timedelta(days=days), **kw)])
    booking = discussions.book(slot.id, learner, now=utcnow())
    db.session.commit()
    return booking


def test_a_new_learner_is_shown_where_to_begin(client, learner, course):
    html = home(client)
    first = course.modules[0]
    next_step = section(html, "next-h")
    assert "Jatka tästä" in next_step.text()
    (button,) = next_step.find_all("a", class_="button")
    assert button.attrs["href"] == f"/modules/{first.key}/{first.sections[0].key}"
    assert button.text() == first.sections[0].text("fi")[0].title
    rows = section(html, "progress-h").find_all("li", class_="progress-row")
    assert len(rows) == 6
    assert all("Ei aloitettu" in r.text() and "tietovisaa ei ole tehty" in r.text() for r in rows)
    assert "0/6 opintojaksoa valmiina" in html
    # Today's generic welcome text and the certificate link from day one are gone.
    assert "/certificate" not in html
    assert "Tässä perehdytyskoulutuksessa" not in html and "testejä" not in html
    assert "Sinulla ei ole varattua keskustelua" in section(html, "discussion-h").text()
    assert section(html, "memos-h") is None and section(html, "surveys-h") is None


def test_continue_here_follows_progress_to_the_quiz_and_the_next_module(
    client, learner, course, db
):
    first, second = course.modules[:2]
    mark_section_read(learner.id, first, first.sections[0], now=utcnow())
    db.session.commit()
    html = home(client)
    (button,) = section(html, "next-h").find_all("a", class_="button")
    assert button.attrs["href"] == f"/modules/{first.key}/{first.sections[1].key}"
    assert "Kesken" in section(html, "progress-h").find_all("li", class_="progress-row")[0].text()
    for s in first.sections[1:]:
        mark_section_read(learner.id, first, s, now=utcnow())
    db.session.commit()
    (button,) = section(home(client), "next-h").find_all("a", class_="button")
    assert button.attrs["href"] == f"/modules/{first.key}/quiz" and button.text() == "Tee tietovisa"
    quiz_done(learner, first)
    db.session.commit()
    html = home(client)
    (button,) = section(html, "next-h").find_all("a", class_="button")
    assert button.attrs["href"] == f"/modules/{second.key}/{second.sections[0].key}"
    row = section(html, "progress-h").find_all("li", class_="progress-row")[0]
    assert "Valmis" in row.text() and "tietovisa läpäisty" in row.text()
    assert "1/6 opintojaksoa valmiina" in html
    # The module's quiz waits for quick feedback.
    surveys = section(html, "surveys-h")
    assert surveys is not None and first.text("fi")[0].title in surveys.text()
    assert "/certificate" not in html


def test_the_next_discussion_with_a_video_link_and_the_calendar(client, learner, db, make_user):
    booking = book_with(
        db,
        make_user,
        learner,
        place_kind=PlaceKind.VIDEO,
        place_detail="Teams: https://meet.example/ohjaus?id=1&k=2.",
    )
    block = section(home(client), "discussion-h")
    text = block.text()
    assert "Videopuhelu" in text and "Sanna Ohjaaja" in text
    assert booking.slot.starts_at.astimezone().strftime("%Y") in text
    links = {a.attrs["href"]: a for a in block.find_all("a")}
    # The address is a link, without the full stop that ends the sentence; the rest is text.
    assert links["https://meet.example/ohjaus?id=1&k=2"].text() == (
        "https://meet.example/ohjaus?id=1&k=2"
    )
    assert "Teams:" in text
    assert f"/discussions/bookings/{booking.id}/calendar.ics" in links
    assert client.get(f"/discussions/bookings/{booking.id}/calendar.ics").status_code == 200


@pytest.mark.parametrize(
    "detail",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "https://",
        'https://x.example/" onclick="alert(1)',
    ],
)
def test_a_place_that_is_not_a_web_address_is_never_a_link(
    client, learner, db, make_user, login_as, detail
):
    booking = book_with(db, make_user, learner, place_kind=PlaceKind.VIDEO, place_detail=detail)
    pages = ["/", "/discussions/", f"/discussions/bookings/{booking.id}"]
    for url in pages:
        tree = parse(client.get(url).get_data(as_text=True))
        hrefs = [a.attrs.get("href") or "" for a in tree.find_all("a")]
        assert not [h for h in hrefs if not h.startswith(("/", "#", "https://x.example/"))], url
        assert all("onclick" not in a.attrs for a in tree.find_all("a")), url
    # The supervisor's list of times too.
    client.post_form("/logout")
    login_as(booking.slot.supervisor)
    html = client.get("/discussions/supervise").get_data(as_text=True)
    assert "Videopuhelu" in html  # the supervisor's page indeed
    hrefs = [a.attrs.get("href") or "" for a in parse(html).find_all("a")]
    assert not [h for h in hrefs if not h.startswith(("/", "#", "https://x.example/"))]


def test_a_web_address_of_a_place_is_a_link_for_the_supervisor_too(
    client, learner, db, make_user, login_as
):
    booking = book_with(
        db, make_user, learner, place_kind=PlaceKind.VIDEO, place_detail="https://meet.example/a"
    )
    client.post_form("/logout")
    login_as(booking.slot.supervisor)
    for url in ("/discussions/supervise", f"/discussions/bookings/{booking.id}/prepare"):
        tree = parse(client.get(url).get_data(as_text=True))
        assert [a for a in tree.find_all("a") if a.attrs["href"] == "https://meet.example/a"]


def test_a_memo_waiting_for_confirmation_then_the_survey(client, learner, db, make_user):
    booking = attend_discussion(db, make_user, learner)
    html = home(client)
    memos = section(html, "memos-h")
    (link,) = memos.find_all("a")
    assert link.attrs["href"] == f"/discussions/bookings/{booking.id}"
    assert "Keskustelun" in link.text() and "muistio" in link.text()
    # The attended discussion's survey waits too.
    surveys = section(html, "surveys-h")
    assert surveys is not None and "reflektiivinen keskustelusi" in surveys.text()
    client.post_form(f"/discussions/bookings/{booking.id}", {"comment": "", "confirm": "y"})
    html = home(client)
    assert section(html, "memos-h") is None
    assert section(html, "surveys-h") is not None


def test_the_completed_course_shows_the_certificate(client, learner, course, db, make_user):
    for module in course.modules:
        for s in module.sections:
            mark_section_read(learner.id, module, s, now=utcnow())
        quiz_done(learner, module)
    db.session.commit()
    html = home(client)
    assert "/certificate" not in html  # modules done, the discussion is still missing
    assert "Varaa reflektiivinen keskustelu" in section(html, "next-h").text()
    attend_discussion(db, make_user, learner)
    html = home(client)
    next_step = section(html, "next-h")
    assert "Olet suorittanut koulutuksen" in next_step.text()
    assert [a.attrs["href"] for a in next_step.find_all("a")] == ["/certificate"]
    assert html.count('href="/certificate"') == 1
    assert "6/6 opintojaksoa valmiina" in html
    assert section(html, "discussion-h") is None  # attended, nothing booked: nothing to say


def test_news_from_trainers_are_shown(client, learner, db, make_user):
    trainer = make_user(Role.TRAINER)
    feedback.publish_note(
        trainer, title="Lyhyempi video", body="Lyhensimme videon.", cohort_id=None, now=utcnow()
    )
    db.session.commit()
    notes = section(home(client), "home-notes-h")
    assert "Lyhyempi video" in notes.text() and "Lyhensimme videon." in notes.text()


def test_staff_see_their_own_starting_points_and_no_learner_parts(client, make_user, login_as):
    login_as(make_user(Role.SUPERVISOR))
    html = home(client)
    assert section(html, "supervisor-h") is not None
    assert section(html, "progress-h") is None and section(html, "next-h") is None


def test_memo_done_by_attendance_states(db, learner, make_user):
    # A memo of a discussion the learner missed still waits for their confirmation.
    booking = book_with(db, make_user, learner, days=2)
    booking.slot.starts_at -= timedelta(days=3)
    booking.slot.ends_at -= timedelta(days=3)
    discussions.record_memo(
        booking, attendance=Attendance.NO_SHOW, summary="", followups="", private="", now=utcnow()
    )
    situation = discussions.learner_situation(learner.id, now=utcnow())
    assert situation.upcoming is None and situation.memos_waiting == [booking]
    assert not situation.attended

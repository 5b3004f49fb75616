"""The trainers' dashboard and the supervisors' short one: the figures, where each leads,
who may see them, and what they cost."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta

import pytest

from elearn.accounts.models import Role
from elearn.core.time import to_local, utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from elearn.discussions.models import Attendance
from elearn.feedback.models import SurveyResponse
from elearn.feedback.services import week_of
from tests.discussions.util import plan, supervise
from tests.reports.html import row_of, table_rows
from tests.reports.test_views import count_statements
from tests.reports.util import attempt, bulk_learners, correct, read, wrong_option


@pytest.fixture
def course(app):
    with app.app_context():
        return get_course()


@pytest.fixture
def no_discussion_needed(app, monkeypatch):
    """Course completion without the reflective discussion, so a test can complete it."""
    monkeypatch.setitem(app.config, "ELEARN_REQUIRE_DISCUSSION", False)


def complete_course(user, course, at):
    for module in course.modules:
        read(user, module, at)
        attempt(user, module, at + timedelta(minutes=30), answers=correct(module))


@pytest.fixture
def group(course, make_user, make_cohort, no_discussion_needed):
    """A group of five: not started, active, stuck, active by a submission only, completed."""
    now = utcnow()
    cohort = make_cohort("Kojelautaryhmä")
    people = {
        key: make_user(cohort=cohort, name=f"Oppija {key}")
        for key in ("idle", "active", "stuck", "submitting", "done")
    }
    first = course.modules[0]
    read(people["active"], first, now - timedelta(days=1), sections=1)
    read(people["stuck"], first, now - timedelta(days=20), sections=1)
    read(people["submitting"], first, now - timedelta(days=20), sections=1)
    attempt(people["submitting"], first, now - timedelta(days=25), score=10)  # first try, old
    attempt(people["submitting"], first, now - timedelta(days=2), score=20)  # a retry, recent
    complete_course(people["done"], course, now - timedelta(days=40))
    return cohort, people


def text_of(html: str) -> str:
    """The page's text as a person reads it: tags out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" :", ":")


def learners_listed(client, url):
    page = client.get(url).get_data(as_text=True)
    return sorted(row[0].text for row in table_rows(page, "learners-table")[1:])


def test_a_group_shows_who_started_is_stuck_and_completed(client, login_as, make_user, group):
    cohort, people = group
    login_as(make_user(Role.TRAINER))
    page = client.get("/reports/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = row_of(html, "dashboard-groups", "Kojelautaryhmä")
    assert [c.text for c in row[1:]] == ["5", "4", "1", "1"]  # learners, started, stuck, done
    # Each figure leads to those very learners.
    learners, started, stuck, done = (c.links[0] for c in row[1:])
    assert f"cohort={cohort.id}" in stuck and "status=stuck" in stuck
    assert learners_listed(client, stuck) == ["Oppija stuck"]
    assert learners_listed(client, done) == ["Oppija done"]
    assert learners_listed(client, started) == sorted(
        f"Oppija {k}" for k in ("active", "stuck", "submitting", "done")
    )
    assert len(learners_listed(client, learners)) == 5
    assert learners_listed(client, f"/reports/learners?cohort={cohort.id}&status=not_started") == [
        "Oppija idle"
    ]


def test_the_dashboard_agrees_with_the_overview(client, login_as, make_user, group):
    cohort, _people = group
    login_as(make_user(Role.TRAINER))
    dashboard = client.get("/reports/dashboard").get_data(as_text=True)
    overview = client.get(f"/reports/?cohort={cohort.id}").get_data(as_text=True)
    mine = row_of(dashboard, "dashboard-groups", "Kojelautaryhmä")
    theirs = row_of(overview, "groups-table", "Kojelautaryhmä")
    # Learners, started and completed are the overview's figures, counted the same way.
    assert [mine[1].text, mine[2].text, mine[4].text] == [c.text for c in theirs[1:4]]


def test_stuck_follows_the_setting(app, client, login_as, make_user, group, monkeypatch):
    monkeypatch.setitem(app.config, "ELEARN_STUCK_DAYS", 30)
    login_as(make_user(Role.TRAINER))
    html = client.get("/reports/dashboard").get_data(as_text=True)
    assert row_of(html, "dashboard-groups", "Kojelautaryhmä")[3].text == "0"
    assert "30 päivään" in html  # the page says what stuck means


def test_the_learners_list_can_be_filtered_by_status_and_downloaded(
    client, login_as, make_user, group
):
    cohort, _people = group
    login_as(make_user(Role.TRAINER))
    page = client.get(f"/reports/learners?cohort={cohort.id}&status=stuck").get_data(as_text=True)
    assert '<option selected value="stuck">' in page  # the filter shows what is listed
    assert f"export/learners.csv?cohort={cohort.id}&amp;status=stuck" in page
    data = client.get(f"/reports/export/learners.csv?cohort={cohort.id}&status=stuck").get_data()
    rows = data.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 2 and "Oppija stuck" in rows[1]


def test_questions_flagged_too_hard_link_to_their_analysis(
    app, course, client, login_as, make_user, make_cohort, monkeypatch
):
    monkeypatch.setitem(app.config, "ELEARN_REPORT_MIN_ANSWERS", 4)
    module = course.modules[1]
    hard = module.quiz.questions[2]
    cohort = make_cohort("Vaikeat")
    login_as(make_user(Role.TRAINER))

    def answer(n):
        for _ in range(n):
            answers = correct(module)
            answers[hard.key] = [wrong_option(hard)]
            attempt(make_user(cohort=cohort), module, utcnow() - timedelta(days=1), answers=answers)

    answer(3)  # too few answers to flag anything
    html = client.get("/reports/dashboard").get_data(as_text=True)
    assert "Yhtään kysymystä ei ole merkitty liian vaikeaksi." in html
    answer(1)
    html = client.get("/reports/dashboard").get_data(as_text=True)
    link = f"/reports/modules/{module.key}/questions/{hard.key}"
    assert link in html and f"Jakso {module.number}, kysymys 3: 0 %" in html
    assert "Liian vaikea" in client.get(link).get_data(as_text=True)  # the same rule there


def add_responses(db, survey_key, n, *, week, cohort=None):
    for _ in range(n):
        db.session.add(
            SurveyResponse(
                survey_key=survey_key,
                context="",
                cohort_id=cohort.id if cohort else None,
                employment_model=cohort.employment_model if cohort else None,
                week=week,
                answers={"overall": 4},
            )
        )
    db.session.commit()


def test_surveys_with_new_answers_only_from_the_minimum(client, login_as, make_user, db):
    today = to_local(utcnow()).date()
    add_responses(db, "course", 4, week=week_of(today))
    add_responses(db, "course", 6, week=week_of(today - timedelta(days=40)))  # old ones
    login_as(make_user(Role.TRAINER))
    html = client.get("/reports/dashboard").get_data(as_text=True)
    assert "Palaute koko koulutuksesta" not in html  # four is below the minimum of five
    add_responses(db, "course", 1, week=week_of(today))
    html = client.get("/reports/dashboard").get_data(as_text=True)
    since = (today - timedelta(days=14)).isoformat()
    link = f"/feedback/results?survey=course&amp;from={since}"
    assert link in html and "Palaute koko koulutuksesta: 5 uutta vastausta" in text_of(html)
    results = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "5 vastausta" in results  # the page behind the link counts the same answers


def test_upcoming_discussions_and_their_bookings(client, login_as, make_user, db):
    supervisor = make_user(Role.SUPERVISOR, name="Ohjaaja Aikainen")
    learner = make_user()
    supervise(db, supervisor, learner)
    now = utcnow()
    soon, later, far, cancelled = discussions.create_slots(
        supervisor,
        [
            plan(now + timedelta(days=3)),
            plan(now + timedelta(days=10), capacity=4),
            plan(now + timedelta(days=20)),
            plan(now + timedelta(days=5)),
        ],
    )
    discussions.book(soon.id, learner, now=now, one_upcoming=False)
    discussions.cancel_slot(cancelled, now=now)
    db.session.commit()
    login_as(make_user(Role.TRAINER))
    html = " ".join(client.get("/reports/dashboard").get_data(as_text=True).split())
    assert "/reports/discussions?days=14" in html
    assert '<span class="figure">2</span> keskusteluaikaa' in html
    assert "1/5 paikasta varattu" in html
    detail = client.get("/reports/discussions?days=14").get_data(as_text=True)
    rows = table_rows(detail, "upcoming-table")[1:]
    assert [r[4].text for r in rows] == ["1 / 1", "0 / 4"]
    assert all(r[1].text == "Ohjaaja Aikainen" for r in rows)
    assert (
        len(
            table_rows(
                client.get("/reports/discussions?days=30").get_data(as_text=True), "upcoming-table"
            )
        )
        == 4
    )


def test_content_due_for_review(app, course, client, login_as, make_user, monkeypatch):
    """A module past its review date and a page's source never checked are listed, each
    leading to the content review page; a fresh module is not."""
    from elearn.courses.services import EXTENSION_KEY

    today = to_local(utcnow()).date()
    old = dataclasses.replace(course.modules[0], reviewed=date(2020, 1, 15), review_months=12)
    fresh = [
        dataclasses.replace(
            m,
            reviewed=today,
            sources=tuple(dataclasses.replace(s, checked=today) for s in m.sources),
        )
        for m in course.modules[1:]
    ]
    pages = [
        dataclasses.replace(
            p,
            reviewed=today,
            sources=tuple(dataclasses.replace(s, checked=None) for s in p.sources),
        )
        for p in course.pages
    ]
    changed = dataclasses.replace(course, modules=(old, *fresh), pages=tuple(pages))
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, changed)  # served instead
    login_as(make_user(Role.TRAINER))
    html = client.get("/reports/dashboard").get_data(as_text=True)
    assert f"/reports/content?due=1#module-{old.key}" in html
    assert "tarkistus erääntyi 15.1.2021" in html
    for m in fresh:
        assert f"#module-{m.key}" not in html
    with_sources = [p for p in pages if p.sources]
    for p in with_sources:
        assert f"#page-{p.key}" in html
    review = client.get("/reports/content?due=1").get_data(as_text=True)
    assert f'id="module-{old.key}"' in review and f'id="module-{fresh[0].key}"' not in review
    assert "erääntynyt" in review
    everything = client.get("/reports/content").get_data(as_text=True)
    assert f'id="module-{fresh[0].key}"' in everything


def test_only_trainers_and_admins_see_the_dashboard(client, login_as, make_user, db):
    urls = ("/reports/dashboard", "/reports/discussions", "/reports/content")
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    for role in (Role.ASSISTANT, Role.SUPERVISOR):
        login_as(make_user(role))
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
        client.post_form("/logout")
    for role in (Role.TRAINER, Role.ADMIN):
        login_as(make_user(role))
        for url in urls:
            assert client.get(url).status_code == 200, (role, url)
        client.post_form("/logout")


def test_a_trainer_lands_on_the_dashboard(client, login_as, make_user):
    login_as(make_user(Role.TRAINER))
    home = client.get("/").get_data(as_text=True)
    nav = home[home.index('class="main-nav"') :]
    assert 'href="/reports/dashboard"' in nav.split("</nav>")[0]  # "Reports" in the menu
    assert home.count('href="/reports/dashboard"') >= 2  # and on the front page


def test_a_supervisor_sees_their_next_discussions_and_memos_to_write(
    client, login_as, make_user, db
):
    supervisor = make_user(Role.SUPERVISOR)
    other = make_user(Role.SUPERVISOR)
    people = {
        k: make_user(name=f"Varaaja {k}")
        for k in ("next", "unwritten", "written", "absent", "others")
    }
    for p in people.values():
        supervise(db, supervisor, p)
    supervise(db, other, people["others"])
    now = utcnow()
    upcoming, held, written, absent = discussions.create_slots(
        supervisor,
        [
            plan(now + timedelta(days=3)),
            plan(now + timedelta(days=4)),
            plan(now + timedelta(days=5)),
            plan(now + timedelta(days=6)),
        ],
    )
    (theirs,) = discussions.create_slots(other, [plan(now + timedelta(days=7))])
    bookings = {
        "next": discussions.book(upcoming.id, people["next"], now=now, one_upcoming=False),
        "unwritten": discussions.book(held.id, people["unwritten"], now=now, one_upcoming=False),
        "written": discussions.book(written.id, people["written"], now=now, one_upcoming=False),
        "absent": discussions.book(absent.id, people["absent"], now=now, one_upcoming=False),
        "others": discussions.book(theirs.id, people["others"], now=now, one_upcoming=False),
    }
    for slot in (held, written, absent, theirs):  # these have been held by now
        slot.starts_at, slot.ends_at = now - timedelta(hours=3), now - timedelta(hours=2)
    for key, attendance in (("written", Attendance.ATTENDED), ("absent", Attendance.NO_SHOW)):
        discussions.record_memo(
            bookings[key], attendance=attendance, summary="", followups="", private="", now=now
        )
    db.session.commit()
    login_as(supervisor)
    page = client.get("/reports/supervision")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    memos = html[html.index('id="memos-h"') : html.index('id="next-h"')]
    assert f"/discussions/bookings/{bookings['unwritten'].id}/prepare" in memos
    assert "Varaaja written" not in memos and "Varaaja absent" not in memos
    assert "Varaaja others" not in html
    coming = html[html.index('id="next-h"') :]
    assert f"/discussions/bookings/{bookings['next'].id}/prepare" in coming
    assert "1/1 varattu" in text_of(coming)
    client.post_form("/logout")
    for role in (Role.ASSISTANT, Role.TRAINER):
        login_as(make_user(role))
        assert client.get("/reports/supervision").status_code == 403
        client.post_form("/logout")


@pytest.fixture
def report_cache(app):
    from elearn.reports.views import FIGURES

    FIGURES.clear()
    app.config["ELEARN_REPORT_CACHE_SECONDS"] = 60
    yield FIGURES
    app.config["ELEARN_REPORT_CACHE_SECONDS"] = 0
    FIGURES.clear()


def test_the_dashboard_is_cheap(app, course, client, login_as, make_user, db, report_cache):
    """A fixed number of statements whatever the number of learners; a view within the
    cache's minute runs no aggregate at all."""
    login_as(make_user(Role.TRAINER))

    def statements() -> list[str]:
        db.session.expire_all()
        with count_statements(app) as seen:
            assert client.get("/reports/dashboard").status_code == 200
        return seen

    bulk_learners(course, 10, seed=11)
    report_cache.clear()
    small = statements()
    bulk_learners(course, 490, seed=12)
    report_cache.clear()
    large = statements()
    assert len(small) == len(large) <= 9, large
    cached = statements()
    assert len(cached) <= 5, cached
    assert not any("GROUP BY" in s for s in cached)
    # The figures shown are the cached ones, and the page says when they were computed.
    assert "Luvut laskettu" in client.get("/reports/dashboard").get_data(as_text=True)

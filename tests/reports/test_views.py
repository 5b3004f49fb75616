"""Report pages: who may see what, CSV files for Excel, filters in the URL, and a number of
SQL statements that does not grow with the number of learners."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from elearn.accounts.models import Role
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from tests.discussions.util import plan, supervise
from tests.reports.util import DAY1, attempt, bulk_learners, correct, read


@pytest.fixture
def course(app):
    with app.app_context():
        return get_course()


@contextmanager
def count_statements(app):
    """Count the SQL statements sent to the database inside the block."""
    from elearn.extensions import db

    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        # The served content version is looked up every few seconds by whichever request
        # comes then (courses.services): not part of what a page costs.
        if "content_versions" not in statement:
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def rows_of(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def book_with(db, supervisor, learner):
    supervise(db, supervisor, learner)
    (slot,) = discussions.create_slots(supervisor, [plan(utcnow() + timedelta(days=3))])
    discussions.book(slot.id, learner, now=utcnow(), one_upcoming=False)
    db.session.commit()


def test_trainers_and_admins_see_every_report(course, make_user, login_as, client, db):
    learner = make_user(name="Liisa Oppija")
    module = course.modules[0]
    read(learner, module, DAY1)
    attempt(learner, module, DAY1, answers=correct(module))
    for role in (Role.TRAINER, Role.ADMIN):
        login_as(make_user(role))
        for url in (
            "/reports/",
            f"/reports/modules/{module.key}/questions",
            f"/reports/modules/{module.key}/questions/{module.quiz.questions[0].key}",
            "/reports/learners",
            f"/reports/learners/{learner.id}",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
        page = client.get(f"/reports/learners/{learner.id}").get_data(as_text=True)
        assert "Liisa Oppija" in page and "Valittu:" in page  # the answers as the learner saw them
        client.post_form("/logout")


def test_learners_and_anonymous_people_see_no_reports(course, make_user, login_as, client, db):
    learner = make_user()
    other = make_user()
    module = course.modules[0]
    urls = [
        "/reports/",
        f"/reports/modules/{module.key}/questions",
        "/reports/learners",
        f"/reports/learners/{other.id}",
        "/reports/export/cohorts.csv",
        "/reports/export/learners.csv",
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the login page
    login_as(learner)
    for url in urls:
        # A page about one person answers as if the id did not exist.
        assert client.get(url).status_code == (404 if str(other.id) in url else 403), url


def test_a_supervisor_sees_only_the_progress_of_their_own_bookers(
    course, make_user, login_as, client, db
):
    supervisor = make_user(Role.SUPERVISOR)
    mine = make_user(name="Oma Varaaja")
    theirs = make_user(name="Toisen Varaaja")
    book_with(db, supervisor, mine)
    book_with(db, make_user(Role.SUPERVISOR), theirs)
    attempt(mine, course.modules[0], DAY1, answers=correct(course.modules[0]))
    login_as(supervisor)
    listing = client.get("/reports/learners").get_data(as_text=True)
    assert "Oma Varaaja" in listing and "Toisen Varaaja" not in listing
    page = client.get(f"/reports/learners/{mine.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Eteneminen" in text and "Valittu:" not in text  # progress, not the answers
    assert client.get(f"/reports/learners/{theirs.id}").status_code == 404
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/modules/{course.modules[0].key}/questions").status_code == 403
    assert client.get(f"/reports/export/attempts.csv?learner={mine.id}").status_code == 403
    rows = rows_of(client.get("/reports/export/learners.csv"))
    assert [r[1] for r in rows[1:]] == ["Oma Varaaja"]


def test_every_table_downloads_as_excel_csv(course, make_user, make_cohort, login_as, client, db):
    cohort = make_cohort("Pilotti äö")
    learner = make_user(cohort=cohort, name="Åsa Öberg")
    module = course.modules[0]
    title = module.text("fi")[0].title
    read(learner, module, DAY1)
    attempt(learner, module, DAY1, score=72.5)
    login_as(make_user(Role.TRAINER))
    query = f"?cohort={cohort.id}"
    response = client.get("/reports/export/cohorts.csv" + query)
    assert "no-store" in response.headers["Cache-Control"]
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Ryhm%C3%A4t.csv" in response.headers["Content-Disposition"]  # its title in Finnish
    cohorts = rows_of(response)
    assert cohorts[0] == [
        "Taso",
        "Ryhmä",
        "Ryhmän tunniste",
        "Opiskelijat",
        "Aloittaneet",
        "Suorittaneet koulutuksen",
        "Suoritusaste (%)",
    ]
    assert ["Ryhmä", "Pilotti äö", str(cohort.id), "1", "1", "0", "0,0"] in cohorts
    assert ["Kaikki opiskelijat", "Kaikki opiskelijat", "", "1", "1", "0", "0,0"] in cohorts
    modules = rows_of(client.get("/reports/export/modules.csv" + query))
    row = next(r for r in modules if r[1] == "Pilotti äö" and r[4] == module.key)
    assert row[3] == f"1. {title}"  # the module's title in the reader's language, key beside it
    assert row[modules[0].index("Parhaan tuloksen keskiarvo")] == "72,5"  # decimal comma
    employer = next(r for r in modules if r[0] == "Järjestämistapa" and r[4] == module.key)
    assert employer[1] == "Työnantajamalli"  # the employment model in words
    questions = rows_of(client.get(f"/reports/export/questions.csv{query}&module={module.key}"))
    assert len(questions) == 1 + len(module.quiz.questions)
    first = module.quiz.questions[0]
    assert questions[1][:4] == [f"1. {title}", module.key, first.text("fi"), first.key]
    assert questions[1][questions[0].index("Riittävästi vastauksia")] == "Ei"  # yes/no in words
    options = rows_of(client.get(f"/reports/export/options.csv{query}&module={module.key}"))
    assert len(options) == 1 + sum(len(q.options) for q in module.quiz.questions)
    option = first.options[0]
    assert options[1][4:7] == [
        option.text("fi").text,
        option.key,
        "Kyllä" if option.correct else "Ei",
    ]
    learners = rows_of(client.get("/reports/export/learners.csv" + query))
    assert learners[1] == [
        str(learner.id),
        "Åsa Öberg",
        learner.email,
        "Pilotti äö",
        "Työnantajamalli",
        "0",
        "0",
        "Ei",
    ]
    attempts = rows_of(client.get(f"/reports/export/attempts.csv?learner={learner.id}"))
    assert len(attempts) == 1 + len(module.quiz.questions)
    assert attempts[1][:5] == [f"1. {title}", module.key, "1", "2026-03-02 10:00", "72,5"]
    assert client.get("/reports/export/nothing.csv").status_code == 404
    assert client.get("/reports/export/questions.csv?module=ei-ole").status_code == 404
    assert client.get("/reports/export/attempts.csv?learner=999999").status_code == 404


def test_filters_stay_in_the_url_and_bad_ones_are_explained(
    course, make_user, make_cohort, login_as, client, db
):
    cohort = make_cohort("Suodatettu")
    login_as(make_user(Role.TRAINER))
    page = client.get(f"/reports/?cohort={cohort.id}&start=2026-03-01").get_data(as_text=True)
    # Links to the other reports keep the filters, so a view can be shared as a URL.
    assert f"/reports/learners?cohort={cohort.id}&amp;start=2026-03-01" in page
    bad = client.get("/reports/?start=2026-13-45&end=x&cohort=abc")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "Kaikkia suodattimia ei voitu käyttää" in text
    assert 'aria-invalid="true"' in text
    reversed_dates = client.get("/reports/?start=2026-03-10&end=2026-03-01").get_data(as_text=True)
    assert "Päättymispäivä ei voi olla ennen alkamispäivää." in reversed_dates


def test_unknown_modules_questions_and_learners_are_404(course, make_user, login_as, client, db):
    supervisor_only = make_user(Role.SUPERVISOR)
    login_as(make_user(Role.TRAINER))
    module = course.modules[0]
    assert client.get("/reports/modules/ei-ole/questions").status_code == 404
    assert client.get(f"/reports/modules/{module.key}/questions/ei-ole").status_code == 404
    assert client.get(f"/reports/learners/{supervisor_only.id}").status_code == 404  # not a learner
    assert client.get("/reports/learners/999999").status_code == 404


REPORT_PAGES = (
    "/reports/",
    "/reports/?model=employer_model&start=2026-03-01&end=2026-03-31",
    "/reports/modules/{m}/questions",
    "/reports/modules/{m}/questions/{q}",
    "/reports/learners",
    "/reports/learners?status=stuck",
    "/reports/learners/{learner}",
    "/reports/dashboard",
    "/reports/discussions",
    "/reports/export/cohorts.csv",
    "/reports/export/modules.csv",
    "/reports/export/questions.csv?module={m}",
    "/reports/export/options.csv?module={m}",
    "/reports/export/learners.csv",
)


def test_queries_per_page_do_not_grow_with_the_number_of_learners(
    app, course, make_user, login_as, client, db
):
    module = course.modules[0]
    login_as(make_user(Role.TRAINER))

    def counts() -> dict[str, int]:
        first = db.session.scalar(sa.text("SELECT min(user_id) FROM quiz_attempts"))
        result = {}
        for page in REPORT_PAGES:
            url = page.format(m=module.key, q=module.quiz.questions[0].key, learner=first)
            db.session.expire_all()  # every request loads the signed-in person afresh
            with count_statements(app) as seen:
                response = client.get(url)
            assert response.status_code == 200, url
            result[page] = len(seen)
        return result

    ids = bulk_learners(course, 10, seed=1)
    small = counts()
    more = bulk_learners(course, 990, seed=2)
    assert len(ids) + len(more) == 1000
    large = counts()
    assert small == large
    assert max(small.values()) <= 12, small


@pytest.fixture
def report_cache(app):
    """Report figures reused for a minute, as in production; emptied before and after."""
    from elearn.reports.views import FIGURES

    FIGURES.clear()
    app.config["ELEARN_REPORT_CACHE_SECONDS"] = 60
    yield FIGURES
    app.config["ELEARN_REPORT_CACHE_SECONDS"] = 0
    FIGURES.clear()


def test_figures_are_reused_for_a_minute_and_say_when_computed(
    app, course, make_user, make_cohort, login_as, client, report_cache, db
):
    module = course.modules[0]
    cohort = make_cohort("Välimuisti")
    read(make_user(name="Eka", cohort=cohort), module, DAY1)
    login_as(make_user(Role.TRAINER))
    url = f"/reports/?cohort={cohort.id}"

    def get() -> tuple[str, bool]:
        """The page, and whether it aggregated (the overview is one WITH statement)."""
        db.session.expire_all()
        with count_statements(app) as seen:
            page = client.get(url).get_data(as_text=True)
        return page, any(s.lstrip().startswith("WITH") for s in seen)

    page, computing = get()
    assert "Luvut laskettu" in page and "1 / 1" in page  # module 1: started / learners
    read(make_user(name="Toka", cohort=cohort), module, DAY1)
    page, reusing = get()
    # Within the minute the figures are reused: no aggregate queries, the earlier figures.
    assert computing and not reusing
    assert "1 / 1" in page and "2 / 2" not in page
    # Once they are a minute old they are computed again, with the second learner.
    (key,) = [k for k in report_cache._entries if k[0] == "overview"]
    computed_at, figures = report_cache._entries[key]
    report_cache._entries[key] = (computed_at - timedelta(seconds=61), figures)
    page, again = get()
    assert again and "2 / 2" in page


def test_the_cache_forgets_the_oldest_and_can_be_turned_off():
    from datetime import UTC, datetime

    from elearn.reports.cache import FigureCache

    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    calls: list[str] = []

    def compute(key):
        return lambda: calls.append(key) or key.upper()

    cache = FigureCache(max_entries=2)
    assert cache.get("a", compute("a"), now=now, seconds=60) == ("A", now)
    assert cache.get("a", compute("a"), now=now + timedelta(seconds=59), seconds=60) == ("A", now)
    cache.get("b", compute("b"), now=now, seconds=60)
    cache.get("c", compute("c"), now=now, seconds=60)  # "a" was used longest ago: forgotten
    cache.get("a", compute("a"), now=now, seconds=60)
    assert calls == ["a", "b", "c", "a"]
    later = now + timedelta(seconds=5)
    assert cache.get("a", compute("a"), now=later, seconds=0) == ("A", later)
    assert calls[-1] == "a" and len(calls) == 5


def test_many_groups_are_listed_with_links_not_in_every_module_table(
    course, make_user, make_cohort, login_as, client, db
):
    cohorts = [make_cohort(f"Ryhmä {k:02d}") for k in range(12)]
    for cohort in cohorts:
        read(make_user(cohort=cohort), course.modules[0], DAY1)
    login_as(make_user(Role.TRAINER))
    page = client.get("/reports/").get_data(as_text=True)
    assert "Ryhmiä on 12" in page
    assert page.count("Ryhmä 03") == 2  # the groups table and the filter's choices only
    assert f'href="/reports/?cohort={cohorts[3].id}"' in page
    one = client.get(f"/reports/?cohort={cohorts[3].id}").get_data(as_text=True)
    assert "Ryhmiä on" not in one and one.count("Ryhmä 03") >= 3  # its figures, module by module

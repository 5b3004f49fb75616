"""WCAG 3.1.2: where a page shows text in another language than its own (a Finnish title on
a Swedish page because a translation is missing), that element carries ``lang``. Checked
with the course as it was before its translations (tests/content/fixtures)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from elearn.accounts.models import Role
from elearn.core.time import utcnow
from elearn.discussions import services as discussions
from elearn.journal import services as journal
from elearn.progress.services import mark_section_read
from elearn.quizzes.services import attempts_for
from tests.courses.test_views import partly_translated  # noqa: F401 - the fixture
from tests.discussions.util import plan, supervise
from tests.feedback.test_services import quiz_done
from tests.htmltree import parse


def finnish_where_shown(html: str, text: str) -> list[str | None]:
    """The language of each element that shows ``text`` (at least one must)."""
    main = parse(html).find_all("main")[0]
    nodes = main.with_text(text)
    assert nodes, f"{text!r} is not on the page"
    return [n.lang() for n in nodes]


def all_finnish(html: str, text: str) -> bool:
    return set(finnish_where_shown(html, text)) == {"fi"}


@pytest.fixture
def swedish(partly_translated, client, make_user, login_as, db):  # noqa: F811
    learner = make_user(language="sv")
    login_as(learner)
    return partly_translated, learner


def test_home_and_overview_mark_finnish_titles(swedish, client, db):
    course, learner = swedish
    first = course.modules[0]
    mark_section_read(learner.id, first, first.sections[0], now=utcnow())
    db.session.commit()
    for url in ("/", "/modules/"):
        html = client.get(url).get_data(as_text=True)
        assert '<html lang="sv">' in html
        # "Continue here": the section's title and the module's, inside Swedish text.
        assert all_finnish(html, first.sections[1].text("fi")[0].title), url
        assert all_finnish(html, first.text("fi")[0].title), url
        assert set(finnish_where_shown(html, "Fortsätt här")) == {"sv"}
        for module in course.modules:
            assert all_finnish(html, module.text("fi")[0].title), (url, module.key)
    html = client.get("/certificate").get_data(as_text=True)  # what is still to do
    for module in course.modules:
        assert all_finnish(html, module.text("fi")[0].title), ("/certificate", module.key)


def test_module_section_and_pager_mark_finnish_titles(swedish, client):
    course, _ = swedish
    module = course.modules[1]
    html = client.get(f"/modules/{module.key}").get_data(as_text=True)
    assert all_finnish(html, module.text("fi")[0].title)
    for s in module.sections:
        assert all_finnish(html, s.text("fi")[0].title)
    assert set(finnish_where_shown(html, "Avsnitt")) == {"sv"}  # the interface stays Swedish
    html = client.get(f"/modules/{module.key}/{module.sections[1].key}").get_data(as_text=True)
    tree = parse(html)
    (crumbs,) = tree.find_all("nav", class_="breadcrumb")
    (module_link,) = [a for a in crumbs.find_all("a") if a.attrs["href"].endswith(module.key)]
    assert module_link.lang() == "fi" and crumbs.find_all("a")[0].lang() == "sv"
    (pager,) = tree.find_all("nav", class_="pager")
    for neighbour in (module.sections[0], module.sections[2]):
        (title,) = pager.with_text(neighbour.text("fi")[0].title)
        assert title.lang() == "fi"
    assert set(n.lang() for n in pager.with_text("Föregående")) == {"sv"}


def test_quiz_and_result_mark_finnish_questions(swedish, client, db):
    course, learner = swedish
    module = course.modules[2]
    html = client.get(f"/modules/{module.key}/quiz").get_data(as_text=True)
    assert all_finnish(html, module.text("fi")[0].title)
    question = module.quiz.questions[0]
    assert all_finnish(html, question.text("fi").split("\n\n")[0])
    assert all_finnish(html, question.options[0].text("fi").text)
    quiz_done(learner, module)
    db.session.commit()
    (attempt,) = attempts_for(learner.id, module.key)
    html = client.get(f"/modules/{module.key}/quiz/attempts/{attempt.id}").get_data(as_text=True)
    assert all_finnish(html, question.text("fi").split("\n\n")[0])
    right = next(o for o in question.options if o.correct)
    assert all_finnish(html, right.text("fi").explanation)


def test_journal_page_marks_finnish_questions(swedish, client):
    course, _ = swedish
    module = course.modules[3]
    html = client.get(f"/journal/{module.key}").get_data(as_text=True)
    assert all_finnish(html, module.text("fi")[0].title)
    for question in module.text("fi")[0].reflection:
        assert all_finnish(html, question)


def test_booking_marks_finnish_module_titles(swedish, client, db, make_user):
    course, learner = swedish
    module = course.modules[4]
    journal.save_answer(learner.id, module.key, 1, "Fråga?", "Mitt svar", now=utcnow())
    supervisor = make_user(Role.SUPERVISOR)
    supervise(db, supervisor, learner)
    (slot,) = discussions.create_slots(supervisor, [plan(utcnow() + timedelta(days=4))])
    db.session.commit()
    html = client.get(f"/discussions/slots/{slot.id}/book").get_data(as_text=True)
    title = f"{module.number}. {module.text('fi')[0].title}"
    langs = finnish_where_shown(html, title)
    assert langs and set(langs) == {"fi"}  # the module choice and the shared entry's label
    options = [o for o in parse(html).find_all("option") if title in o.text()]
    assert options and all(o.attrs.get("lang") == "fi" for o in options)


def test_an_english_page_of_a_translated_module_has_no_finnish_marks(
    partly_translated,  # noqa: F811
    client,
    make_user,
    login_as,
):
    login_as(make_user(language="en"))
    module = partly_translated.modules[0]
    for url in (f"/modules/{module.key}", f"/journal/{module.key}", "/"):
        html = client.get(url).get_data(as_text=True)
        assert set(finnish_where_shown(html, module.text("en")[0].title)) == {"en"}, url


def test_feedback_pages_mark_a_finnish_module_title(swedish, client, db):
    course, learner = swedish
    module = course.modules[1]
    quiz_done(learner, module)
    db.session.commit()
    title = module.text("fi")[0].title
    html = client.get("/feedback/").get_data(as_text=True)
    assert '<html lang="sv">' in html and all_finnish(html, title)
    html = client.get(f"/feedback/answer/module-check/{module.key}").get_data(as_text=True)
    assert all_finnish(html, title)


def test_trainers_pages_mark_finnish_module_titles(partly_translated, client, make_user, login_as):  # noqa: F811
    login_as(make_user(Role.TRAINER, language="sv"))
    module = partly_translated.modules[1]
    title = module.text("fi")[0].title
    for url in (
        "/reports/",
        "/reports/dashboard",
        f"/reports/modules/{module.key}/questions",
        "/reports/content",
        "/feedback/results?survey=module-check",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert '<html lang="sv">' in html, url
        assert all_finnish(html, title), url

"""Every report chart has a title, an axis, the value of each bar and a text alternative,
and sits next to the table with the same figures."""

from __future__ import annotations

import re

import pytest

from elearn.accounts.models import Role
from elearn.courses.services import get_course
from tests.reports.html import charts
from tests.reports.util import DAY1, attempt, correct, read, wrong_option


@pytest.fixture
def course(app):
    with app.app_context():
        return get_course()


def next_to_its_table(html: str, chart_id: str) -> bool:
    """The chart and a table are in the same chart-with-table block, table right after."""
    block = re.search(
        rf'<div class="chart-with-table">\s*<figure class="chart">\s*<figcaption id="{chart_id}-caption">'
        r".*?</figure>\s*(?:<div class=\"table-wrap\"[^>]*>\s*)?<table",
        html,
        flags=re.S,
    )
    return block is not None


def test_report_charts_can_be_read(course, make_user, make_cohort, login_as, client):
    module = course.modules[0]
    question = module.quiz.questions[0]
    cohort = make_cohort("Kaaviot")
    for i in range(3):
        learner = make_user(cohort=cohort)
        read(learner, module, DAY1, sections=1 if i == 0 else None)  # the first: not done
        answers = correct(module)
        if i == 0:
            answers[question.key] = [wrong_option(question)]
        attempt(learner, module, DAY1, answers=answers)
    login_as(make_user(Role.TRAINER))

    overview = client.get(f"/reports/?cohort={cohort.id}").get_data(as_text=True)
    funnel, scores = charts(overview)
    assert funnel.title == "Opiskelijat kussakin vaiheessa (kaikkiaan 3)"
    assert funnel.labels[:2] == ["Opiskelijat", "Aloittaneet"] and len(funnel.labels) == 9
    assert funnel.values[:3] == ["3 (100 %)", "3 (100 %)", "2 (67 %)"]  # module 1: two of three
    assert "Jakso 1 suoritettu: 2 (67 %)" in funnel.desc
    assert funnel.ticks[0] == "0" and funnel.ticks[-1] == "3"
    assert funnel.bar_widths[0] == funnel.bar_widths[1] > funnel.bar_widths[2] > 0
    assert next_to_its_table(overview, "funnel")
    assert len(scores.values) == 10 and scores.labels[-1] == "90–100 %"
    assert "(Parhaat tulokset: 3)" in scores.title and next_to_its_table(overview, "scores")

    questions = client.get(f"/reports/modules/{module.key}/questions").get_data(as_text=True)
    facility = charts(questions)[0]
    assert facility.ticks == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert facility.values[0] == "67 % · liian vähän vastauksia"
    assert facility.labels[0].startswith("1. ") and "katkoviivat" in facility.desc.lower()
    assert facility.svg.count('class="mark"') == 2

    one = client.get(f"/reports/modules/{module.key}/questions/{question.key}").get_data(
        as_text=True
    )
    (options,) = charts(one)
    right = next(o for o in question.options if o.correct)
    assert f"{right.text('fi').text} (oikea): 2 (67 %)" in options.desc
    assert sorted(options.values) == sorted(
        ["2 (67 %)", "1 (33 %)"] + ["0 (0 %)"] * (len(question.options) - 2)
    )
    assert next_to_its_table(one, "options")

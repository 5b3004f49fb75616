"""Feedback: anonymity in the database, one answer per person, the minimum group size for
every filter combination, CSV for Finnish Excel, loop notes to the right cohort."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from elearn.accounts.models import EmploymentModel, Role
from elearn.core.time import utcnow
from elearn.courses.services import get_course, learner_progress
from elearn.feedback import services as feedback
from elearn.feedback.models import LoopNote, SurveyParticipation, SurveyResponse
from elearn.feedback.views import surveys
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
        if not result.shown:
            assert result.questions == []  # no distributions and no free text
            assert (
                feedback.csv_export(survey, filters, minimum=5, language="fi", cohort_names={})
                is None
            )
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


def test_csv_opens_in_finnish_excel(ctx, seven_answers, db):
    _, all_surveys = ctx
    pilot, own = seven_answers
    data = feedback.csv_export(
        all_surveys["module-check"],
        feedback.Filters(),
        minimum=5,
        language="fi",
        cohort_names={pilot.id: "Pilotti", own.id: "Oma"},
    )
    raw = data
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["week", "module", "cohort", "employment_model"]
    assert "Oliko opintojaksosta hyötyä työssäsi?" in rows[0]
    assert len(rows) == 8 and any("äöå" in cell for row in rows for cell in row)
    assert "user_id" not in rows[0]


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

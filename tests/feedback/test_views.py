"""Feedback pages: answering once, skipping, results behind the minimum, CSV, notes."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from elearn.accounts.models import Role
from elearn.courses.services import get_course
from elearn.feedback import pool
from elearn.feedback.models import SurveyResponse
from tests.feedback.test_services import quiz_done


def first_module(app):
    with app.app_context():
        return get_course().modules[0]


def test_learner_is_offered_the_check_and_answers_once(app, client, make_user, login_as, db):
    learner = make_user()
    module = first_module(app)
    quiz_done(learner, module)
    db.session.commit()
    login_as(learner)
    home = client.get("/").get_data(as_text=True)
    url = f"/feedback/answer/module-check/{module.key}"
    assert url in home
    form = client.get(url)
    assert form.status_code == 200 and 'type="radio"' in form.get_data(as_text=True)
    first = client.post_form(url, {"a-useful": "5", "a-clear": "4", "a-comment": "Selkeä."})
    second = client.post_form(url, {"a-useful": "1"})
    assert first.status_code == second.status_code == 302
    # The answer waits in the pool (one answer is not a batch) until released with others.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0
    assert pool.waiting() == 1
    db.session.commit()
    pool.release(today=date.today(), everything=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 1
    assert url not in client.get("/").get_data(as_text=True)


def test_invalid_answers_keep_what_was_given(app, client, make_user, login_as, db):
    learner = make_user()
    module = first_module(app)
    quiz_done(learner, module)
    db.session.commit()
    login_as(learner)
    page = client.post_form(
        f"/feedback/answer/module-check/{module.key}",
        {"a-useful": "9", "a-comment": "Pidän tästä."},
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "error-summary" in html and "Pidän tästä." in html


def test_skip_and_not_offered(app, client, make_user, login_as, db):
    learner = make_user()
    module = first_module(app)
    login_as(learner)
    assert client.get(f"/feedback/answer/module-check/{module.key}").status_code == 404
    quiz_done(learner, module)
    db.session.commit()
    assert client.post_form(f"/feedback/answer/module-check/{module.key}/skip").status_code == 302
    again = client.get(f"/feedback/answer/module-check/{module.key}")
    assert again.status_code == 302 and again.location == "/feedback/"


def test_results_need_five_responses_and_escape_free_text(
    app, client, make_user, login_as, make_cohort, db
):
    module = first_module(app)
    cohort = make_cohort("Tulosryhmä")
    for i in range(5):
        learner = make_user(cohort=cohort)
        quiz_done(learner, module)
        db.session.commit()
        login_as(learner)
        client.post_form(
            f"/feedback/answer/module-check/{module.key}",
            {"a-useful": "4", "a-comment": f"<script>alert({i})</script> <b>lihava</b>"},
        )
        client.post_form("/logout")
        assert pool.waiting() == (0 if i == 4 else i + 1)  # the fifth answer releases all
        if i == 3:
            login_as(make_user(Role.TRAINER))
            page = client.get("/feedback/results?survey=module-check").get_data(as_text=True)
            assert "<script>alert" not in page and "lihava" not in page
            assert client.get("/feedback/results.csv?survey=module-check").status_code == 404
            client.post_form("/logout")
    login_as(make_user(Role.TRAINER))
    page = client.get(f"/feedback/results?survey=module-check&cohort={cohort.id}").get_data(
        as_text=True
    )
    assert "&lt;script&gt;alert(0)&lt;/script&gt;" in page and "<script>alert" not in page
    assert '<svg class="chart" role="img"' in page and "<table" in page
    csv_response = client.get(f"/feedback/results.csv?survey=module-check&cohort={cohort.id}")
    assert csv_response.status_code == 200 and csv_response.data.startswith(b"\xef\xbb\xbf")


def test_learners_cannot_see_results_or_publish_notes(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/feedback/results").status_code == 403
    assert client.get("/feedback/results.csv?survey=module-check").status_code == 403
    assert client.get("/feedback/notes").status_code == 403


def test_trainer_publishes_a_note_learners_of_the_cohort_see(
    client, make_user, login_as, make_cohort
):
    a, b = make_cohort("Näkee"), make_cohort("Ei näe")
    login_as(make_user(Role.TRAINER))
    client.post_form(
        "/feedback/notes",
        {"title": "Lisää aikoja", "body": "Lisäsimme iltapäiväaikoja.", "cohort": a.id},
    )
    client.post_form("/logout")
    login_as(make_user(cohort=a))
    assert "Lisäsimme iltapäiväaikoja." in client.get("/").get_data(as_text=True)
    assert "Lisäsimme iltapäiväaikoja." in client.get("/feedback/").get_data(as_text=True)
    client.post_form("/logout")
    login_as(make_user(cohort=b))
    assert "Lisäsimme iltapäiväaikoja." not in client.get("/feedback/").get_data(as_text=True)


def test_front_page_title_is_plain_text(app, client, make_user, login_as, db):
    learner = make_user()
    quiz_done(learner, first_module(app))
    db.session.commit()
    login_as(learner)
    html = client.get("/").get_data(as_text=True)
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<" not in title[len("<title>") :] and "Etusivu" in title
    assert html.count('id="surveys-h"') == 1


def test_the_page_and_the_csv_say_what_the_export_leaves_out(
    app, client, make_user, login_as, make_cohort, db
):
    """A cell of one (one answer in a group's module that month) is left out of the CSV, and
    both the results page and the file say how many answers were left out."""
    from elearn.feedback.registry import surveys
    from tests.feedback.test_services import TODAY, answer_check

    with app.test_request_context():
        course, all_surveys = get_course(), surveys()
        cohort = make_cohort("Soluryhmä")
        for i in range(5):
            answer_check(
                make_user(cohort=cohort), course, all_surveys, {"comment": f"Yhteinen {i}"}
            )
        answer_check(
            make_user(cohort=cohort), course, all_surveys, {"comment": "Ainoa"}, module_index=1
        )
        db.session.commit()
    login_as(make_user(Role.TRAINER))
    page = client.get(f"/feedback/results?survey=module-check&cohort={cohort.id}")
    text = page.get_data(as_text=True)
    assert "alle 5 vastausta" in text and "Näillä rajauksilla pois jätetään 1 vastaus." in text
    data = client.get(f"/feedback/results.csv?survey=module-check&cohort={cohort.id}").get_data()
    content = data.decode("utf-8-sig")
    assert "Ainoa" not in content and "Yhteinen 4" in content and TODAY.isoformat() not in content
    assert content.rstrip().endswith("1 vastaus jätettiin pois.")

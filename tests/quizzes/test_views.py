"""Quiz pages: no answers before submission, one attempt from a double submit, feedback."""

from __future__ import annotations

import re

import sqlalchemy as sa
from markupsafe import escape

from elearn.courses.services import get_course
from elearn.quizzes.models import QuizAttempt

ATTEMPT_RE = re.compile(r'name="attempt" value="(\d+)"')


def module_of(app, index=0):
    with app.app_context():
        return get_course().modules[index]


def form_answers(module, correct=True, attempt_id=None):
    data = {"attempt": attempt_id}
    for q in module.quiz.questions:
        picks = [o.key for o in q.options if o.correct == correct]
        data[f"q-{q.key}"] = picks if q.type == "multiple" or correct else picks[:1]
    return data


def open_quiz(client, module):
    page = client.get(f"/modules/{module.key}/quiz")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html, int(ATTEMPT_RE.search(html).group(1))


def test_quiz_page_has_real_inputs_and_no_answers(app, client, make_user, login_as):
    login_as(make_user())
    module = module_of(app)
    html, _ = open_quiz(client, module)
    assert html.count('<fieldset class="question"') == len(module.quiz.questions)
    assert html.count("<legend>") >= len(module.quiz.questions)
    assert 'type="radio"' in html and 'type="checkbox"' in html
    for q in module.quiz.questions:
        for o in q.options:
            assert str(escape(o.text("fi").explanation)) not in html
    assert "correct" not in html.lower().replace("correctly", "")
    assert "oikea vastaus" not in html.lower()


def test_double_submit_records_one_attempt(app, client, make_user, login_as, db):
    user = make_user()
    login_as(user)
    module = module_of(app)
    _, attempt_id = open_quiz(client, module)
    data = form_answers(module, correct=True, attempt_id=attempt_id)
    first = client.post_form(f"/modules/{module.key}/quiz", data)
    second = client.post_form(
        f"/modules/{module.key}/quiz", form_answers(module, False, attempt_id)
    )
    assert first.status_code == second.status_code == 302
    assert first.location == second.location == f"/modules/{module.key}/quiz/attempts/{attempt_id}"
    rows = db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id)).all()
    assert len(rows) == 1 and rows[0].score == 100.0
    result = client.get(first.location).get_data(as_text=True)
    assert "Tuloksesi: 100 %" in result and "Läpäisit tietovisan" in result


def test_two_tabs_share_one_attempt(app, client, make_user, login_as):
    login_as(make_user())
    module = module_of(app)
    _, first = open_quiz(client, module)
    _, second = open_quiz(client, module)
    assert first == second


def test_result_explains_chosen_and_correct_options(app, client, make_user, login_as):
    login_as(make_user())
    module = module_of(app)
    _, attempt_id = open_quiz(client, module)
    response = client.post_form(
        f"/modules/{module.key}/quiz", form_answers(module, False, attempt_id)
    )
    html = client.get(response.location).get_data(as_text=True)
    assert "Et läpäissyt tällä kertaa" in html
    for q in module.quiz.questions:
        for o in q.options:
            chosen = o.key in form_answers(module, False, attempt_id)[f"q-{q.key}"]
            shown = str(escape(o.text("fi").explanation)) in html
            assert shown == (chosen or o.correct), (q.key, o.key)
    assert "Sinun vastauksesi" in html and "Oikea vastaus" in html


def test_unanswered_questions_keep_the_other_answers(app, client, make_user, login_as, db):
    user = make_user()
    login_as(user)
    module = module_of(app)
    _, attempt_id = open_quiz(client, module)
    data = form_answers(module, True, attempt_id)
    skipped = module.quiz.questions[2]
    del data[f"q-{skipped.key}"]
    page = client.post_form(f"/modules/{module.key}/quiz", data)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Vastaa jokaiseen kysymykseen" in html
    kept = module.quiz.questions[0]
    key = next(o.key for o in kept.options if o.correct)
    assert re.search(rf'value="{key}" id="q-{kept.key}-{key}"\s+checked', html)
    rows = db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id)).all()
    assert [r.status for r in rows] == ["open"]


def test_changed_content_gives_a_message_and_a_new_attempt(app, client, make_user, login_as, db):
    user = make_user()
    login_as(user)
    module = module_of(app)
    _, attempt_id = open_quiz(client, module)
    db.session.execute(
        sa.update(QuizAttempt).where(QuizAttempt.id == attempt_id).values(quiz_hash="older")
    )
    db.session.commit()
    response = client.post_form(
        f"/modules/{module.key}/quiz", form_answers(module, True, attempt_id)
    )
    assert response.location == f"/modules/{module.key}/quiz"
    html = client.get(response.location).get_data(as_text=True)
    assert "Tietovisaa muutettiin sen jälkeen, kun aloitit sen" in html
    statuses = {
        r.id: r.status
        for r in db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id))
    }
    assert statuses[attempt_id] == "abandoned"
    assert sorted(statuses.values()) == ["abandoned", "open"]
    assert all(
        r.score is None
        for r in db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id))
    )


def test_another_learners_attempt_is_404(app, client, make_user, login_as):
    module = module_of(app)
    login_as(make_user())
    _, attempt_id = open_quiz(client, module)
    client.post_form(f"/modules/{module.key}/quiz", form_answers(module, True, attempt_id))
    client.post_form("/logout")
    login_as(make_user())
    assert client.get(f"/modules/{module.key}/quiz/attempts/{attempt_id}").status_code == 404
    taken = client.post_form(f"/modules/{module.key}/quiz", form_answers(module, True, attempt_id))
    assert taken.status_code == 404


def test_submit_without_csrf_or_attempt_is_refused(app, client, make_user, login_as):
    login_as(make_user())
    module = module_of(app)
    _, attempt_id = open_quiz(client, module)
    assert (
        client.post(
            f"/modules/{module.key}/quiz", data=form_answers(module, True, attempt_id)
        ).status_code
        == 400
    )
    assert client.post_form(f"/modules/{module.key}/quiz", {"attempt": "x"}).status_code == 400


def test_a_failed_result_shows_what_went_wrong_first_and_folds_the_rest(
    app, client, make_user, login_as
):
    from tests.htmltree import parse

    login_as(make_user())
    module = module_of(app)
    _, attempt_id = open_quiz(client, module)
    data = form_answers(module, True, attempt_id)
    wrong = module.quiz.questions[:4]  # enough to fail
    for q in wrong:
        data[f"q-{q.key}"] = [next(o.key for o in q.options if not o.correct)]
    response = client.post_form(f"/modules/{module.key}/quiz", data)
    tree = parse(client.get(response.location).get_data(as_text=True))
    assert "Et läpäissyt tällä kertaa" in tree.text()
    right = len(module.quiz.questions) - len(wrong)
    assert f"Oikein: {right}/{len(module.quiz.questions)} kysymystä." in tree.text()
    (went_wrong,) = tree.find_all("section", class_="review-wrong")
    assert f"Mikä meni väärin: {len(wrong)} kysymystä" in went_wrong.text()
    (folded,) = tree.find_all("details", class_="review-right")
    assert "open" not in folded.attrs
    assert f"Näytä {right} oikein vastattua kysymystä" in folded.find_all("summary")[0].text()
    for q in module.quiz.questions:
        first_line = q.text("fi").split("\n\n")[0]
        (shown,) = tree.with_text(first_line)
        # The wrong ones in the open, with the explanation of both answers; the rest folded.
        assert (shown.inside("details") is None) == (q in wrong), q.key
    for q in wrong:
        chosen = next(o for o in q.options if not o.correct)
        correct = next(o for o in q.options if o.correct)
        for option in (chosen, correct):
            (explained,) = tree.with_text(option.text("fi").explanation)
            assert explained.inside("details") is None
    # The wrong answers come before the folded right ones.
    html = tree.text()
    assert html.index("Mikä meni väärin") < html.index("oikein vastattua")


def test_a_passed_result_is_a_short_summary(app, client, make_user, login_as):
    from tests.htmltree import parse

    login_as(make_user())
    module = module_of(app)
    _, attempt_id = open_quiz(client, module)
    response = client.post_form(
        f"/modules/{module.key}/quiz", form_answers(module, True, attempt_id)
    )
    tree = parse(client.get(response.location).get_data(as_text=True))
    assert "Läpäisit tietovisan" in tree.text()
    assert tree.find_all("section", class_="review-wrong") == []
    (folded,) = tree.find_all("details", class_="review-right")
    assert len(folded.find_all("li", class_="review-question")) == len(module.quiz.questions)

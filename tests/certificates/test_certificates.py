"""Certificates: issued once on completion, printable, verifiable without revealing anything."""

from __future__ import annotations

import re

from elearn.accounts.models import Role
from elearn.certificates.models import Certificate
from elearn.courses.services import get_course
from tests.discussions.util import attend_discussion
from tests.progress.test_completion import read_all, take_quiz


def complete_modules(app, user_id):
    with app.app_context():
        course = get_course()
    for module in course.modules:
        read_all(user_id, module)
        take_quiz(user_id, module)


def test_no_certificate_before_completion(app, client, make_user, login_as, db):
    user = make_user()
    login_as(user)
    page = client.get("/certificate").get_data(as_text=True)
    assert "Vielä tekemättä" in page and "tietovisaa ei ole vielä hyväksytty" in page
    assert db.session.query(Certificate).count() == 0


def test_certificate_is_issued_once_and_verifies(app, client, make_user, login_as, db):
    user = make_user(name="Aino Avustaja")
    complete_modules(app, user.id)
    attend_discussion(db, make_user, user)
    db.session.commit()
    login_as(user)
    page = client.get("/certificate").get_data(as_text=True)
    assert "Aino Avustaja" in page and "Keski-Uudenmaan hyvinvointialue" in page
    assert "on suorittanut henkilökohtaisten avustajien perehdytyskoulutuksen" in page
    with app.app_context():
        for module in get_course().modules:
            assert module.text("fi")[0].title in page
    code = re.search(r"Tarkistuskoodi: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", page).group(1)
    again = client.get("/certificate").get_data(as_text=True)
    assert code in again and db.session.query(Certificate).count() == 1

    client.post_form("/logout")
    valid = client.get(f"/verify?code={code.lower().replace('-', ' ')}").get_data(as_text=True)
    assert "voimassa oleva" in valid
    assert "Aino" not in valid and "@example.fi" not in valid
    invalid = client.get("/verify?code=AAAA-BBBB-CCCC").get_data(as_text=True)
    assert "Tällä koodilla ei löydy todistusta" in invalid


def test_an_attended_discussion_is_needed_unless_configured_off(
    app, client, make_user, login_as, db
):
    user = make_user()
    complete_modules(app, user.id)
    db.session.commit()
    login_as(user)
    page = client.get("/certificate").get_data(as_text=True)
    assert "reflektiivinen keskustelu ohjaajasi kanssa" in page
    assert db.session.query(Certificate).count() == 0
    app.config["ELEARN_REQUIRE_DISCUSSION"] = False
    try:
        page = client.get("/certificate").get_data(as_text=True)
    finally:
        app.config["ELEARN_REQUIRE_DISCUSSION"] = True
    assert "Tarkistuskoodi" in page


def test_verify_is_public_and_throttled(client):
    for _ in range(30):
        assert client.get("/verify?code=XXXX").status_code == 200
    assert client.get("/verify?code=XXXX").status_code == 429


def test_trainer_without_learner_role_sees_what_is_missing(client, make_user, login_as):
    login_as(make_user(Role.TRAINER))
    assert client.get("/certificate").status_code == 200

"""No personal data in the application's logs, with the main flows driven at DEBUG."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from elearn.accounts.models import Role
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from elearn.journal import services as journal_service
from elearn.quizzes.models import QuizAttempt
from tests.conftest import free_port
from tests.discussions.util import plan, supervise

# SQLAlchemy echoes statements with their parameters when its logger is at INFO or DEBUG;
# that is the operator's explicit choice (SQLALCHEMY_ECHO), not something the app writes.
LIBRARY_ECHO = ("sqlalchemy.", "mail.log")  # mail.log: the test's own SMTP server (aiosmtpd)


def test_main_flows_log_no_names_addresses_or_journal_text(
    app, client, login_as, make_user, make_cohort, db, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    cohort = make_cohort("Lokiryhmä")
    learner = make_user(cohort=cohort, name="Lokitus Oppilas", email="lokitus.oppilas@example.fi")
    supervisor = make_user(Role.SUPERVISOR, name="Lokitus Ohjaaja", email="lokitus.ohj@example.fi")
    admin = make_user(Role.ADMIN, name="Lokitus Ylläpito", email="lokitus.admin@example.fi")
    supervise(db, supervisor, learner)
    with app.test_request_context():
        course = get_course()
        slots = discussions.create_slots(
            supervisor, [plan(utcnow() + timedelta(days=d)) for d in (10, 11)]
        )
        db.session.commit()
    module = course.modules[0]
    journal = "Lokitusjournaali: työnantajan lääkitys"
    message = "Lokitusviesti ohjaajalle"
    memo = "Lokitusmuistio jaksamisesta"

    client.post_form("/login", {"email": learner.email, "password": "wrong password!!"})
    login_as(learner)
    section = module.sections[0]
    client.post_form(f"/modules/{module.key}/{section.key}/read")
    client.post_form(f"/journal/{module.key}", {"q-1": journal})
    client.get(f"/modules/{module.key}/quiz")
    attempt = db.session.scalar(sa.select(QuizAttempt).where(QuizAttempt.user_id == learner.id))
    answers = {f"q-{q.key}": [o.key for o in q.options if o.correct] for q in module.quiz.questions}
    client.post_form(f"/modules/{module.key}/quiz", {"attempt": attempt.id, **answers})
    client.post_form(
        f"/feedback/answer/module-check/{module.key}",
        {"a-useful": "4", "a-clear": "4", "a-comment": "Lokituskommentti"},
    )
    entry_id = journal_service.entries(learner.id)[0].id
    booked = client.post_form(
        f"/discussions/slots/{slots[0].id}/book",
        {"module_key": "", "theme": "Lokitusteema", "message": message, "share": [entry_id]},
    )
    assert booked.status_code == 302, booked.get_data(as_text=True)[:300]
    booking = discussions.learner_bookings(learner.id)[0]
    # A mail server that cannot be reached: the failure is logged, the person is not.
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    client.post_form(f"/discussions/bookings/{booking.id}/cancel")
    monkeypatch.undo()
    client.post_form(
        f"/discussions/slots/{slots[1].id}/book",
        {"module_key": "", "theme": "", "message": message, "share": [entry_id]},
    )
    client.get("/privacy/export.json")
    client.post_form("/privacy/deletion", {"confirm": "y"})
    client.post_form("/logout")
    client.post_form("/password-reset", {"email": learner.email})

    login_as(supervisor)
    second = discussions.learner_bookings(learner.id)[0]
    second.slot.starts_at = utcnow() - timedelta(hours=2)
    second.slot.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    client.get(f"/discussions/bookings/{second.id}/prepare")
    client.post_form(
        f"/discussions/bookings/{second.id}/prepare",
        {"attendance": "attended", "summary": memo, "followups": "", "private": memo},
    )
    client.post_form("/logout")

    login_as(admin)
    client.get(f"/admin/users?q={learner.email}")
    client.post_form(
        f"/admin/users/{learner.id}", {"roles": ["assistant"], "cohort": learner.cohort_id}
    )
    client.post_form(
        "/admin/invite",
        {
            "email": "lokitus.uusi@example.fi",
            "name": "Lokitus Uusi",
            "role": "assistant",
            "cohort": cohort.id,
            "language": "fi",
        },
    )
    client.post_form(f"/admin/users/{learner.id}/active", {"active": "0"})
    client.get("/privacy/admin/audit")

    needles = [
        learner.email,
        learner.name,
        supervisor.email,
        supervisor.name,
        admin.email,
        admin.name,
        "lokitus.uusi@example.fi",
        "Lokitus Uusi",
        journal,
        message,
        memo,
        "Lokituskommentti",
    ]
    app_records = [r for r in caplog.records if not r.name.startswith(LIBRARY_ECHO)]
    assert any(r.name == "elearn.mail" for r in app_records)  # the failed mail was logged
    for record in app_records:
        text = record.getMessage() + (record.exc_text or "")
        for needle in needles:
            assert needle.lower() not in text.lower(), (record.name, text[:300])


def test_production_refuses_the_mail_backend_that_logs_whole_messages():
    import pytest

    from elearn.config import ConfigError, check_production

    settings = {
        "ELEARN_ENV": "production",
        "SECRET_KEY": "k" * 40,
        "MAIL_BACKEND": "smtp",
        "ELEARN_PASSWORD_HASH": "scrypt",
        "ELEARN_MAIL_DELIVERY": "thread",
    }
    check_production(settings)
    with pytest.raises(ConfigError, match="MAIL_BACKEND=log"):
        check_production({**settings, "MAIL_BACKEND": "log"})

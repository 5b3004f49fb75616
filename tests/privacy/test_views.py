"""Data rights pages: export, deletion request, admin anonymise/delete, and the audit log."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from elearn.accounts.models import Role, User
from elearn.audit.models import AuditEvent
from elearn.privacy.models import DeletionRequest
from tests.privacy.util import rich_learner, text_hits


@pytest.fixture
def person(app, db, make_user, make_cohort):
    with app.test_request_context():
        return rich_learner(db, make_user, make_cohort("Näkymäryhmä"), "v")


def events(db, action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_profile_links_to_the_data_page_and_export_downloads_json(client, login_as, person, db):
    login_as(person.user)
    assert "/privacy/" in client.get("/profile").get_data(as_text=True)
    page = client.get("/privacy/").get_data(as_text=True)
    assert "/privacy/export.json" in page and "/privacy/deletion" in page
    response = client.get("/privacy/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == person.user.email
    assert data["journal_entries"][0]["body"] == person.traces[2]
    (event,) = events(db, "data_exported")
    assert event.actor_id == event.subject_id == person.user.id


def test_deletion_request_needs_confirmation_and_reaches_admins(
    client, login_as, person, make_user, db
):
    login_as(person.user)
    page = client.get("/privacy/deletion").get_data(as_text=True)
    assert "Poistoa ei voi perua" in page  # the explanation, in Finnish
    refused = client.post_form("/privacy/deletion", {})
    assert refused.status_code == 200 and "Vahvista rastittamalla" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeletionRequest)) == 0
    done = client.post_form("/privacy/deletion", {"confirm": "y"}, follow_redirects=True)
    assert "Pyyntösi on kirjattu" in done.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeletionRequest)) == 1
    client.post_form("/logout")
    admin = make_user(Role.ADMIN)
    login_as(admin)
    listing = client.get("/privacy/admin").get_data(as_text=True)
    assert person.user.name in listing
    assert f"/privacy/admin/people/{person.user.id}" in listing


def test_admin_anonymises_with_confirmation(client, login_as, person, make_user, db):
    admin = make_user(Role.ADMIN)
    login_as(admin)
    detail = client.get(f"/admin/users/{person.user.id}").get_data(as_text=True)
    assert f"/privacy/admin/people/{person.user.id}" in detail
    assert client.get(f"/privacy/admin/people/{person.user.id}").status_code == 200
    url = f"/privacy/admin/people/{person.user.id}/anonymise"
    client.post_form(url, {})  # no tick: nothing happens
    assert text_hits(person.traces)
    response = client.post_form(url, {"anon-confirm": "y"}, follow_redirects=True)
    assert response.status_code == 200
    assert text_hits(person.traces) == []
    assert len(events(db, "anonymised")) == 1


def test_admin_deletes_with_confirmation(client, login_as, person, make_user, db):
    admin = make_user(Role.ADMIN)
    login_as(admin)
    uid = person.user.id
    client.post_form(f"/privacy/admin/people/{uid}/delete", {"del-confirm": "y"})
    assert db.session.get(User, uid) is None
    assert text_hits(person.traces) == []


def test_learners_and_trainers_cannot_use_admin_pages(client, login_as, person, make_user, db):
    login_as(make_user(Role.TRAINER))
    for url in ("/privacy/admin", "/privacy/admin/audit"):
        assert client.get(url).status_code == 403
    # A page about one person answers as if the id did not exist (core.web.role_required).
    assert client.get(f"/privacy/admin/people/{person.user.id}").status_code == 404
    response = client.post_form(
        f"/privacy/admin/people/{person.user.id}/delete", {"del-confirm": "y"}
    )
    assert response.status_code == 404
    assert db.session.get(User, person.user.id) is not None


def test_audit_log_records_who_saw_memos_journals_and_changed_roles(
    client, login_as, person, make_user, db
):
    supervisor = person.booking.slot.supervisor
    login_as(supervisor)
    assert client.get(f"/discussions/bookings/{person.booking.id}/prepare").status_code == 200
    (memo,) = events(db, "memo_viewed")
    assert (memo.actor_id, memo.object_type, memo.object_id, memo.subject_id) == (
        supervisor.id,
        "booking",
        person.booking.id,
        person.user.id,
    )
    (journal,) = events(db, "journal_viewed")
    assert journal.object_type == "journal_entry" and journal.subject_id == person.user.id
    client.post_form("/logout")

    admin = make_user(Role.ADMIN)
    login_as(admin)
    client.post_form(
        f"/admin/users/{person.user.id}",
        {"roles": ["assistant", "supervisor"], "cohort": person.user.cohort_id},
    )
    client.post_form(f"/admin/users/{person.user.id}/active", {"active": "0"})
    assert [e.subject_id for e in events(db, "roles_changed")] == [person.user.id]
    assert [e.actor_id for e in events(db, "deactivated")] == [admin.id]

    page = client.get(f"/privacy/admin/audit?person={person.user.id}").get_data(as_text=True)
    for label in ("Avasi keskustelun valmistelun", "Muutti rooleja", "Poisti tilin käytöstä"):
        assert label in page
    other = client.get(f"/privacy/admin/audit?person={admin.id + 1000}").get_data(as_text=True)
    assert "Muutti rooleja" not in other


def test_audit_log_is_paginated(client, login_as, make_user, db):
    from elearn.audit import services as audit
    from elearn.audit.models import AuditAction
    from elearn.core.time import utcnow

    admin = make_user(Role.ADMIN)
    for i in range(60):
        audit.record(
            AuditAction.DATA_EXPORTED, "user", i, actor_id=admin.id, subject_id=None, now=utcnow()
        )
    db.session.commit()
    login_as(admin)
    first = client.get(f"/privacy/admin/audit?person={admin.id}").get_data(as_text=True)
    assert "Sivu 1 / 2" in first and f"page=2&amp;person={admin.id}" in first
    second = client.get(f"/privacy/admin/audit?page=2&person={admin.id}").get_data(as_text=True)
    assert second.count("<tr>") == 1 + 10  # header row and the ten oldest

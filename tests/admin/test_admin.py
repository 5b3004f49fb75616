"""Admin pages: people, roles, deactivation, cohorts."""

from __future__ import annotations

from elearn.accounts import services as accounts
from elearn.accounts.models import EmploymentModel, Role
from tests.conftest import PASSWORD


def test_search_people_by_name_and_role(client, make_user, login_as):
    make_user(Role.SUPERVISOR, name="Sirpa Ohjaaja", email="sirpa@example.fi")
    make_user(Role.ASSISTANT, name="Aapo Avustaja", email="aapo@example.fi")
    login_as(make_user(Role.ADMIN, name="Admin"))
    page = client.get("/admin/users?q=sirp").get_data(as_text=True)
    assert "Sirpa Ohjaaja" in page and "Aapo Avustaja" not in page
    by_role = client.get("/admin/users?role=assistant").get_data(as_text=True)
    assert "Aapo Avustaja" in by_role and "Sirpa Ohjaaja" not in by_role
    # LIKE wildcards in the query are taken literally.
    assert "Aapo" not in client.get("/admin/users?q=%25").get_data(as_text=True)


def test_trainer_cannot_manage_people(client, make_user, login_as):
    login_as(make_user(Role.TRAINER))
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/cohorts").status_code == 200


def test_admin_gives_a_person_several_roles(client, make_user, login_as, make_cohort, db):
    cohort = make_cohort()
    person = make_user(Role.TRAINER)
    login_as(make_user(Role.ADMIN))
    response = client.post_form(
        f"/admin/users/{person.id}",
        {"roles": ["trainer", "supervisor"], "cohort": 0, "supervised": [cohort.id]},
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.roles == {Role.TRAINER, Role.SUPERVISOR}
    assert [c.id for c in person.supervised_cohorts] == [cohort.id]


def test_making_someone_a_learner_needs_a_cohort(client, make_user, login_as, db):
    person = make_user(Role.SUPERVISOR)
    login_as(make_user(Role.ADMIN))
    page = client.post_form(f"/admin/users/{person.id}", {"roles": ["assistant"], "cohort": 0})
    assert page.status_code == 200
    db.session.refresh(person)
    assert person.roles == {Role.SUPERVISOR}


def test_the_last_admin_keeps_the_role(client, make_user, login_as, db):
    admin = make_user(Role.ADMIN)
    login_as(admin)
    page = client.post_form(f"/admin/users/{admin.id}", {"roles": ["trainer"], "cohort": 0})
    assert page.status_code == 200
    db.session.refresh(admin)
    assert Role.ADMIN in admin.roles


def test_deactivation_ends_sessions_and_blocks_login(app, client, make_user, login_as, db):
    person = make_user(Role.SUPERVISOR, email="pois@example.fi")
    other = app.test_client()
    other.post_form("/login", {"email": "pois@example.fi", "password": PASSWORD})
    assert other.get("/").status_code == 200

    login_as(make_user(Role.ADMIN))
    assert client.post_form(f"/admin/users/{person.id}/active", {"active": "0"}).status_code == 302
    assert other.get("/").status_code == 302
    assert (
        other.post_form("/login", {"email": "pois@example.fi", "password": PASSWORD}).status_code
        == 200
    )

    client.post_form(f"/admin/users/{person.id}/active", {"active": "1"})
    assert (
        other.post_form("/login", {"email": "pois@example.fi", "password": PASSWORD}).status_code
        == 302
    )


def test_unknown_person_is_404(client, make_user, login_as):
    login_as(make_user(Role.ADMIN))
    assert client.get("/admin/users/999999").status_code == 404


def test_create_and_edit_a_cohort_with_supervisors(client, make_user, login_as, db):
    supervisor = make_user(Role.SUPERVISOR, name="Sanna Ohjaaja")
    login_as(make_user(Role.TRAINER))
    created = client.post_form(
        "/admin/cohorts/new",
        {
            "name": "TA-mallin pilotti kevät 2027",
            "employment_model": "employer_model",
            "starts_on": "2027-01-15",
            "ends_on": "2027-05-31",
            "supervisors": [supervisor.id],
        },
    )
    assert created.status_code == 302
    (cohort,) = [c for c in accounts.list_cohorts() if c.name == "TA-mallin pilotti kevät 2027"]
    assert cohort.employment_model == EmploymentModel.EMPLOYER_MODEL
    assert [u.id for u in cohort.supervisors] == [supervisor.id]
    listing = client.get("/admin/cohorts").get_data(as_text=True)
    assert "TA-mallin pilotti kevät 2027" in listing and "Työnantajamalli" in listing
    assert "Sanna Ohjaaja" in listing


def test_cohort_dates_and_names_are_checked(client, make_user, login_as, make_cohort):
    make_cohort("Olemassa")
    login_as(make_user(Role.ADMIN))
    backwards = client.post_form(
        "/admin/cohorts/new",
        {
            "name": "Väärin päin",
            "employment_model": "own_service",
            "starts_on": "2027-05-01",
            "ends_on": "2027-01-01",
        },
    )
    assert backwards.status_code == 200 and "error-summary" in backwards.get_data(as_text=True)
    taken = client.post_form(
        "/admin/cohorts/new", {"name": "Olemassa", "employment_model": "own_service"}
    )
    assert taken.status_code == 200 and "error-summary" in taken.get_data(as_text=True)
    bad_date = client.post_form(
        "/admin/cohorts/new",
        {"name": "Huono pvm", "employment_model": "own_service", "starts_on": "31.2.2027"},
    )
    assert bad_date.status_code == 200 and "error-summary" in bad_date.get_data(as_text=True)

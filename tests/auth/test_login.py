"""Logging in and out, throttling, fresh sessions and role protection."""

from __future__ import annotations

from elearn.accounts.models import Role
from elearn.accounts.services import change_password
from tests.conftest import PASSWORD

GENERIC_ERROR = "Sähköpostiosoite tai salasana on väärä."


def test_login_page_is_finnish_by_default(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="fi">' in html
    assert "Kirjaudu sisään" in html


def test_right_password_logs_in_and_wrong_one_does_not(client, make_user):
    user = make_user(email="oona@example.fi")
    wrong = client.post_form("/login", {"email": "oona@example.fi", "password": "wrong password!"})
    assert wrong.status_code == 200
    assert GENERIC_ERROR in wrong.get_data(as_text=True)
    assert client.get("/").status_code == 302

    right = client.post_form("/login", {"email": "OONA@example.fi ", "password": PASSWORD})
    assert right.status_code == 302 and right.location == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.name in home.get_data(as_text=True)


def test_unknown_account_gets_the_same_error_as_a_wrong_password(client, make_user):
    make_user(email="known@example.fi")
    unknown = client.post_form("/login", {"email": "nobody@example.fi", "password": PASSWORD})
    wrong = client.post_form("/login", {"email": "known@example.fi", "password": "nope nope nope"})
    assert GENERIC_ERROR in unknown.get_data(as_text=True)
    assert GENERIC_ERROR in wrong.get_data(as_text=True)
    assert unknown.status_code == wrong.status_code == 200


def test_deactivated_and_not_yet_accepted_people_cannot_log_in(client, make_user):
    make_user(email="gone@example.fi", active=False)
    make_user(email="invited@example.fi", password=None)
    for email in ("gone@example.fi", "invited@example.fi"):
        response = client.post_form("/login", {"email": email, "password": PASSWORD})
        assert GENERIC_ERROR in response.get_data(as_text=True)


def test_repeated_failures_for_one_account_are_throttled(app, client, make_user):
    make_user(email="target@example.fi")
    # Failures come from different addresses: the per-account limit still applies.
    for i in range(5):
        r = client.post_form(
            "/login",
            {"email": "target@example.fi", "password": f"guess number {i}"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"},
        )
        assert r.status_code == 200
    blocked = client.post_form(
        "/login",
        {"email": "target@example.fi", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert blocked.status_code == 429
    assert "Liian monta yritystä" in blocked.get_data(as_text=True)
    # Another account is not affected.
    make_user(email="other@example.fi")
    ok = client.post_form("/login", {"email": "other@example.fi", "password": PASSWORD})
    assert ok.status_code == 302


def test_failures_from_one_address_are_throttled_across_accounts(client, make_user):
    for i in range(20):
        r = client.post_form("/login", {"email": f"spray{i}@example.fi", "password": "x" * 12})
        assert r.status_code == 200
    assert client.post_form("/login", {"email": "s@example.fi", "password": "y"}).status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(client, make_user):
    user = make_user()
    for _ in range(7):
        assert (
            client.post_form("/login", {"email": user.email, "password": PASSWORD}).status_code
            == 302
        )
        client.post_form("/logout")


def test_login_starts_a_fresh_session(client, make_user):
    user = make_user()
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    client.post_form("/login", {"email": user.email, "password": PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"].startswith(f"{user.id}:")


def test_logout_ends_the_session(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/").status_code == 200
    response = client.post_form("/logout")
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/").status_code == 302


def test_logout_needs_post(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_wrong_role_gets_a_localized_403(client, make_user, login_as):
    login_as(make_user(Role.ASSISTANT))
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Ei käyttöoikeutta" in response.get_data(as_text=True)


def test_next_parameter_cannot_redirect_off_site(client, make_user):
    user = make_user()
    response = client.post_form(
        "/login?next=https://evil.example/", {"email": user.email, "password": PASSWORD}
    )
    assert response.location == "/"


def test_password_change_ends_other_sessions(client, make_user, login_as, db):
    user = make_user()
    login_as(user)
    assert client.get("/").status_code == 200
    change_password(user, "a brand new long password", min_length=10)
    db.session.commit()
    assert client.get("/").status_code == 302

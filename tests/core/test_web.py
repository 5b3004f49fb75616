"""Cross-cutting web behaviour: headers, CSRF, error pages, health check, languages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from elearn.accounts.models import Role
from tests.conftest import CSRF_RE, PASSWORD


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only(client, make_user):
    user = make_user()
    response = client.post_form(
        "/login", {"email": user.email, "password": "correct horse battery staple"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("url", ["/login", "/password-reset", "/language", "/logout"])
def test_post_without_csrf_token_is_refused(client, url):
    response = client.post(url, data={"email": "a@example.fi", "password": "x", "language": "sv"})
    assert response.status_code == 400
    assert "Lomake oli vanhentunut" in response.get_data(as_text=True)


def test_admin_post_without_csrf_token_changes_nothing(client, make_user, login_as, db):
    person = make_user(Role.SUPERVISOR)
    login_as(make_user(Role.ADMIN))
    response = client.post(f"/admin/users/{person.id}/active", data={"active": "0"})
    assert response.status_code == 400
    db.session.refresh(person)
    assert person.is_active


def test_localized_404(client):
    response = client.get("/ei-tallaista-sivua")
    assert response.status_code == 404
    assert "Sivua ei löytynyt" in response.get_data(as_text=True)


def test_500_shows_a_friendly_page_without_a_trace(app, client, monkeypatch):
    from elearn.accounts import services

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(services, "authenticate", broken)
    response = client.post_form("/login", {"email": "a@example.fi", "password": "whatever it is"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Jokin meni vikaan" in html
    assert "secret internal detail" not in html and "Traceback" not in html


def test_healthz_does_a_database_round_trip(client, app, monkeypatch, db):
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "ok\n"

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("database is down"))

    monkeypatch.setattr(db.session, "execute", down)
    failed = client.get("/healthz")
    assert failed.status_code == 503


def test_language_switch_for_anonymous_visitor(client):
    response = client.post_form("/language", {"language": "sv", "next": "/login"})
    assert response.status_code == 302 and response.location == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="sv">' in page and "Logga in" in page
    client.post_form("/language", {"language": "en", "next": "/login"})
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_language_choice_is_remembered_for_the_person(client, make_user, login_as, db):
    user = make_user(language="fi")
    login_as(user)
    client.post_form("/language", {"language": "sv", "next": "/"})
    db.session.refresh(user)
    assert user.language == "sv"
    client.post_form("/logout")
    client.post_form("/language", {"language": "en"})
    login_as(user)
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_foreign_next(client):
    response = client.post_form("/language", {"language": "xx", "next": "https://evil.example/"})
    assert response.location == "/"
    assert '<html lang="fi">' in client.get("/login").get_data(as_text=True)


def test_finnish_date_format(app):
    from datetime import UTC, datetime

    from flask_babel import force_locale

    from elearn.core.i18n import format_local_datetime

    with app.test_request_context(), force_locale("fi"):
        # 24.12.2026 07:30 UTC is 9.30 in Helsinki (UTC+2 in winter).
        assert (
            format_local_datetime(datetime(2026, 12, 24, 7, 30, tzinfo=UTC))
            == "24.12.2026 klo 9.30"
        )


def test_form_errors_are_localized(client):
    finnish = client.post_form("/password-reset", {"email": "ei-osoite"}).get_data(as_text=True)
    assert "Virheellinen sähköpostiosoite" in finnish
    client.post_form("/language", {"language": "sv"})
    swedish = client.post_form("/login", {"email": "", "password": ""}).get_data(as_text=True)
    assert "Det här fältet är obligatoriskt" in swedish


def test_templates_follow_a_language_forced_within_the_request(app):
    # Templates look the catalogue up once per request; a mail rendered in its recipient's
    # language (force_locale) must still get that language, and the page its own after it.
    from flask import render_template_string
    from flask_babel import force_locale

    page = '{{ _("Skip to content") }}'
    with app.test_request_context("/"):
        assert render_template_string(page) == "Siirry sisältöön"
        with force_locale("sv"):
            assert render_template_string(page) == "Hoppa till innehållet"
        with force_locale("en"):
            assert render_template_string(page) == "Skip to content"
        assert render_template_string(page) == "Siirry sisältöön"


def test_main_navigation_follows_each_persons_roles_and_page(app, client, make_user, login_as):
    # The links are rendered once per set of roles and page, and shared: each person must
    # still see exactly their own, with the page they are on marked.
    def nav(browser, url):
        html = browser.get(url).get_data(as_text=True)
        links = html.split('<nav class="main-nav"')[1].split("</nav>")[0]
        return CSRF_RE.sub("", links)  # the log-out form's token is signed with the time

    login_as(make_user())
    learner = nav(client, "/modules/")
    assert '<a href="/modules/" aria-current="page">' in learner
    assert '<a href="/profile" >' in learner
    assert "/reports/" not in learner and "/admin/" not in learner
    assert '<a href="/profile" aria-current="page">' in nav(client, "/profile")

    people = {}
    for role in (Role.TRAINER, Role.SUPERVISOR, Role.ADMIN):
        browser = app.test_client()
        make_user(role, email=f"nav-{role.value}@example.fi")
        browser.post_form("/login", {"email": f"nav-{role.value}@example.fi", "password": PASSWORD})
        people[role] = browser
    trainer = nav(people[Role.TRAINER], "/reports/")
    # "Reports" leads to the dashboard and is the current page on every report.
    assert '<a href="/reports/dashboard" aria-current="page">' in trainer
    assert "/admin/users" not in trainer
    supervisor = nav(people[Role.SUPERVISOR], "/reports/learners")
    assert '<a href="/reports/learners" aria-current="page">' in supervisor
    assert '<a href="/reports/"' not in supervisor and "/reports/dashboard" not in supervisor
    assert '<a href="/admin/users" aria-current="page">' in nav(people[Role.ADMIN], "/admin/users")
    # The learner's own view is unchanged by what the others were shown.
    assert nav(client, "/modules/") == learner


def test_template_translations_escape_the_values_put_into_them(app):
    from flask import render_template_string

    page = '{{ _("Module %(number)s: %(title)s", number=2, title=title) }} {{ _("100 %%") }}'
    with app.test_request_context("/"):
        html = render_template_string(page, title="<b>Työnantajamalli</b>")
        assert html == "Opintojakso 2: &lt;b&gt;Työnantajamalli&lt;/b&gt; 100 %"
        # Without autoescaping (not an HTML template) the text is left as it is.
        plain = app.jinja_env.from_string("{% autoescape false %}" + page + "{% endautoescape %}")
        assert plain.render(title="<b>T</b>") == "Opintojakso 2: <b>T</b> 100 %"

"""Every state-changing route, taken from the URL map, refuses a request without a valid
CSRF token with the localized 400 page, and changes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.security.access import IGNORED_METHODS, login_client_factory
from tests.security.conftest import ROLES
from tests.security.test_authorization_matrix import DATA, Refs, expected_rows, url_of

REFUSED = "Lomake oli vanhentunut tai se lähetettiin toiselta sivulta"


def state_changing(app) -> list[tuple]:
    """(rule, method) for every method that is not GET, HEAD or OPTIONS."""
    return sorted(
        (
            (rule, method)
            for rule in app.url_map.iter_rules()
            for method in rule.methods - IGNORED_METHODS - {"GET"}
        ),
        key=lambda pair: (pair[0].rule, pair[1]),
    )


def allowed_role(rule, method) -> str:
    """The first role the authorization matrix lets through, so only the token is wrong."""
    row = (expected_rows(rule) or {})[method].split()
    for role, expected in zip(ROLES, row, strict=True):
        if expected in ("403", "404") or (role == "anonymous" and expected == "login"):
            continue
        return role
    raise AssertionError(f"nobody may {method} {rule.rule}")


def everything(db) -> dict:
    """Every row of every table."""
    return {
        table.name: sorted(map(repr, db.session.execute(sa.select(table)).all()))
        for table in db.metadata.sorted_tables
    }


def test_the_routes_are_all_there(app):
    found = {f"{rule.endpoint} {method}" for rule, method in state_changing(app)}
    assert {"auth.login POST", "admin.user_active POST", "discussions.book POST"} <= found
    assert len(found) >= 25


@pytest.mark.parametrize("token", ["none", "wrong", "another session's"])
def test_every_state_changing_route_refuses_a_bad_token(app, client, db, world, token):
    refs = Refs(app, world)
    db.session.commit()
    make = login_client_factory(app, db, world)
    clients = {role: make(role) for role in ROLES}  # logging in changes last_login_at
    stranger = make("anonymous")
    before = everything(db)
    accepted = []
    for rule, method in state_changing(app):
        as_role = clients[allowed_role(rule, method)]
        data = DATA.get(rule.endpoint, lambda r: {})(refs)
        data.update({"name": "Muutettu", "email": "x@example.fi", "password": "p" * 12})
        if token == "wrong":
            data["csrf_token"] = as_role.token[:-4] + "AAAA"
        elif token == "another session's":
            data["csrf_token"] = stranger.token
        url = url_of(app, rule, refs)
        response = as_role.client.open(url, method=method, data=data)
        page = response.get_data(as_text=True)
        if response.status_code != 400 or REFUSED not in page:
            accepted.append(f"{method} {url}: {response.status_code}")
    assert not accepted, "accepted without a valid CSRF token:\n" + "\n".join(accepted)
    db.session.expire_all()
    assert everything(db) == before

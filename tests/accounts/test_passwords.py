"""The password policy."""

from __future__ import annotations

import os
import tempfile

import pytest
from flask import Flask

from elearn.accounts.passwords import (
    DEFAULT_METHOD,
    PasswordProblem,
    check_policy,
    hash_password,
    set_method,
    verify_password,
)
from elearn.config import DEFAULTS, ConfigError, check_production, from_environment


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("lyhyt", "too_short"),
        ("salasana123", "common"),
        ("Password123", "common"),
        ("aaaaaaaaaaaa", "common"),
        ("x" * 300, "too_long"),
        ("maija.meikalainen2026", "personal"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    with pytest.raises(PasswordProblem) as problem:
        check_policy(password, min_length=10, email="maija.meikalainen@example.fi", name="Maija")
    assert problem.value.code == code


def test_a_good_passphrase_passes():
    check_policy("kolme iloista kettua", min_length=10, email="a@example.fi", name="Aino")


def test_hash_is_scrypt_and_verifies():
    production_like = Flask("production-like")
    production_like.config["ELEARN_PASSWORD_HASH"] = DEFAULT_METHOD
    with production_like.app_context():
        hashed = hash_password("kolme iloista kettua")
    assert hashed.startswith("scrypt:")
    assert verify_password(hashed, "kolme iloista kettua")
    assert not verify_password(hashed, "kolme iloista kettu")
    assert not verify_password(None, "anything")


def test_the_suite_hashes_cheaply_and_production_refuses_it():
    # The suite's cheap hash (tests/conftest.py) is for tests only
    # (ELEARN_TEST_PASSWORD_HASH=scrypt runs the suite at production cost).
    method = os.environ.get("ELEARN_TEST_PASSWORD_HASH") or TEST_METHOD
    assert hash_password("kolme iloista kettua").startswith(
        method + ("$" if ":" in method else ":")
    )
    config = {**DEFAULTS, **from_environment(tempfile.gettempdir()), "ELEARN_ENV": "production"}
    config.update(SECRET_KEY="x" * 40, MAIL_BACKEND="smtp", ELEARN_PASSWORD_HASH=TEST_METHOD)
    config.update(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    with pytest.raises(ConfigError, match="ELEARN_PASSWORD_HASH"):
        check_production(config)


TEST_METHOD = "pbkdf2:sha256:1000"


def test_each_app_hashes_with_its_own_method(app):
    """Another app started in the same process (a test's second app on its own database,
    with the default scrypt) does not change the method of the first."""
    other = Flask("other")
    other.config["ELEARN_PASSWORD_HASH"] = DEFAULT_METHOD
    before = hash_password("kolme iloista kettua")
    with other.app_context():
        assert hash_password("kolme iloista kettua").startswith("scrypt:")
    set_method(DEFAULT_METHOD)  # as another app's start-up does
    try:
        assert hash_password("kolme iloista kettua").split("$")[0] == before.split("$")[0]
        assert before.split("$")[0].startswith(app.config["ELEARN_PASSWORD_HASH"])
    finally:
        set_method(app.config["ELEARN_PASSWORD_HASH"])

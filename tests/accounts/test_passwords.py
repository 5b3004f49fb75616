"""The password policy."""

from __future__ import annotations

import tempfile

import pytest

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
    set_method(DEFAULT_METHOD)
    try:
        hashed = hash_password("kolme iloista kettua")
    finally:
        set_method(TEST_METHOD)
    assert hashed.startswith("scrypt:")
    assert verify_password(hashed, "kolme iloista kettua")
    assert not verify_password(hashed, "kolme iloista kettu")
    assert not verify_password(None, "anything")


def test_the_suite_hashes_cheaply_and_production_refuses_it():
    # The suite's cheap hash (tests/conftest.py) is for tests only.
    assert hash_password("kolme iloista kettua").startswith("pbkdf2:sha256:1000$")
    config = {**DEFAULTS, **from_environment(tempfile.gettempdir()), "ELEARN_ENV": "production"}
    config.update(SECRET_KEY="x" * 40, MAIL_BACKEND="smtp", ELEARN_PASSWORD_HASH=TEST_METHOD)
    config.update(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    with pytest.raises(ConfigError, match="ELEARN_PASSWORD_HASH"):
        check_production(config)


TEST_METHOD = "pbkdf2:sha256:1000"

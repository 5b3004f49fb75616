"""The password policy."""

from __future__ import annotations

import pytest

from elearn.accounts.passwords import PasswordProblem, check_policy, hash_password, verify_password


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
    hashed = hash_password("kolme iloista kettua")
    assert hashed.startswith("scrypt:")
    assert verify_password(hashed, "kolme iloista kettua")
    assert not verify_password(hashed, "kolme iloista kettu")
    assert not verify_password(None, "anything")

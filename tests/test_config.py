"""Configuration from the environment and the production safety check."""

from __future__ import annotations

import pytest

from elearn import create_app
from elearn.config import ConfigError


def test_production_refuses_a_missing_secret_key(monkeypatch):
    monkeypatch.setenv("ELEARN_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_the_development_key(monkeypatch):
    from elearn.config import DEV_SECRET_KEY

    monkeypatch.setenv("ELEARN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_with_a_real_key_gets_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("ELEARN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["MAIL_BACKEND"] == "smtp"


def test_defaults(monkeypatch):
    for name in ("ELEARN_ENV", "DATABASE_URL", "ELEARN_TIMEZONE", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    assert app.config["ELEARN_TIMEZONE"] == "Europe/Helsinki"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/elearn.sqlite3")
    assert app.config["MAIL_BACKEND"] == "log"


def test_postgres_urls_use_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_malformed_numbers_are_reported(monkeypatch):
    monkeypatch.setenv("ELEARN_INVITATION_DAYS", "seven")
    with pytest.raises(ConfigError, match="ELEARN_INVITATION_DAYS"):
        create_app()

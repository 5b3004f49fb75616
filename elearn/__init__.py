"""elearn: orientation training for personal assistants. ``create_app`` builds the Flask app."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from elearn import config as config_module
from elearn.core.db import configure_sqlite
from elearn.core.lifecycle import ElearnFlask
from elearn.extensions import babel, csrf, db, limiter, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the application: settings, extensions, then each package registers itself.

    Args:
        config: values that override the environment (tests pass a database URL here).

    Raises:
        ConfigError: the settings are unsafe for production or malformed.
        ContentError: the course content is invalid (every broken file and line is named).
    """
    app = ElearnFlask(__name__, instance_relative_config=False)
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.from_environment(app.instance_path))
    if config:
        if "DATABASE_URL" in config:
            config = dict(config)
            url = config.pop("DATABASE_URL")
            config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(url)
        app.config.update(config)
    config_module.check_production(app.config)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["ELEARN_TIMEZONE"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)

    if app.config["ELEARN_TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["ELEARN_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from elearn.core import charts, errors, i18n, lifecycle, security
    from elearn.core.urls import IdConverter

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    lifecycle.init_app(app)  # first: every request's transaction begins here
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.url_map.converters["int"] = IdConverter
    security.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    charts.init_app(app)
    if app.config.get("ELEARN_COUNT_QUERIES"):
        from elearn.core import querycount

        querycount.init_app(app)

    from elearn import (
        accounts,
        admin,
        audit,
        auth,
        authoring,
        certificates,
        contentstore,
        courses,
        demo_cli,
        discussions,
        feedback,
        journal,
        main,
        outbox,
        privacy,
        progress,
        quizzes,
        reports,
    )

    # Domains first (their models register their tables), then the blueprints.
    for package in (
        accounts,
        audit,
        outbox,
        contentstore,
        journal,
        progress,
        quizzes,
        certificates,
    ):
        package.init_app(app)
    for package in (main, auth, admin, courses, discussions, feedback, reports, privacy, authoring):
        package.init_app(app)
    demo_cli.init_app(app)
    from elearn.core.backup import backup_command

    app.cli.add_command(backup_command)
    return app

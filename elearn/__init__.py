"""elearn: orientation training for personal assistants. ``create_app`` builds the Flask app."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from elearn import config as config_module
from elearn.core.db import configure_sqlite, keep_prepared_statements
from elearn.extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the application: settings, extensions, blueprints; nothing else.

    Args:
        config: values that override the environment (tests pass a database URL here).

    Raises:
        ConfigError: the settings are unsafe for production or malformed.
        ContentError: the course content is invalid (every broken file and line is named).
    """
    app = Flask(__name__, instance_relative_config=False)
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

    from elearn.core import web

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    keep_prepared_statements(app, db)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    login_manager.init_app(app)
    web.init_app(app)
    if app.config.get("ELEARN_COUNT_QUERIES"):
        from elearn.core import querycount

        querycount.init_app(app)

    # Models first (they register their tables), then the views (they attach routes to bp).
    from elearn.accounts import models as _account_models  # noqa: F401
    from elearn.admin import bp as admin_bp
    from elearn.admin import views as _admin_views  # noqa: F401
    from elearn.auth import bp as auth_bp
    from elearn.auth import views as _auth_views  # noqa: F401
    from elearn.certificates import bp as certificates_bp
    from elearn.certificates import models as _certificate_models  # noqa: F401
    from elearn.certificates import views as _certificate_views  # noqa: F401
    from elearn.cli import register_commands
    from elearn.courses import bp as courses_bp
    from elearn.courses import services as courses
    from elearn.courses import views as _course_views  # noqa: F401
    from elearn.discussions import bp as discussions_bp
    from elearn.discussions import models as _discussion_models  # noqa: F401
    from elearn.discussions import views as _discussion_views  # noqa: F401
    from elearn.feedback import bp as feedback_bp
    from elearn.feedback import models as _feedback_models  # noqa: F401
    from elearn.feedback import views as feedback_views
    from elearn.main import bp as main_bp
    from elearn.main import views as _main_views  # noqa: F401
    from elearn.privacy import bp as privacy_bp
    from elearn.privacy import models as _privacy_models  # noqa: F401
    from elearn.privacy import views as _privacy_views  # noqa: F401
    from elearn.progress import models as _progress_models  # noqa: F401
    from elearn.quizzes import bp as quizzes_bp
    from elearn.quizzes import models as _quiz_models  # noqa: F401
    from elearn.quizzes import views as _quiz_views  # noqa: F401
    from elearn.reports import bp as reports_bp
    from elearn.reports import views as _report_views  # noqa: F401

    courses.init_app(app)
    from elearn.content.surveys import DEFAULT_SURVEY_DIR, load_surveys

    app.extensions[feedback_views.SURVEYS_KEY] = load_surveys(
        app.config.get("ELEARN_SURVEY_DIR") or DEFAULT_SURVEY_DIR
    )
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(courses_bp, url_prefix="/modules")
    app.register_blueprint(quizzes_bp, url_prefix="/modules")
    app.register_blueprint(certificates_bp)
    app.register_blueprint(discussions_bp, url_prefix="/discussions")
    app.register_blueprint(feedback_bp, url_prefix="/feedback")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(privacy_bp, url_prefix="/privacy")
    register_commands(app)
    return app

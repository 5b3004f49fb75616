"""People-readable names of roles and employment models, for pages, forms and exports."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from elearn.accounts.models import EmploymentModel, Role

ROLE_LABELS = {
    Role.ASSISTANT: _l("Assistant (learner)"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.TRAINER: _l("Trainer"),
    Role.ADMIN: _l("Administrator"),
}

EMPLOYMENT_MODEL_LABELS = {
    EmploymentModel.OWN_SERVICE: _l("Own service production"),
    EmploymentModel.EMPLOYER_MODEL: _l("Employer model"),
    EmploymentModel.SERVICE_VOUCHER: _l("Service voucher"),
    EmploymentModel.PURCHASED_SERVICE: _l("Purchased service"),
}


def init_app(app: Flask) -> None:
    """Make the roles and their labels available to every template."""

    @app.context_processor
    def _account_globals() -> dict[str, Any]:
        return {
            "Role": Role,
            "ROLE_LABELS": ROLE_LABELS,
            "EMPLOYMENT_MODEL_LABELS": EMPLOYMENT_MODEL_LABELS,
        }

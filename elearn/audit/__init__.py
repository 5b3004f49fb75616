"""The audit log of access to personal data and of changes to people's rights."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the audit log's table."""
    from elearn.audit import models as _models  # noqa: F401 - registers the table

"""Confirmation forms: nothing irreversible happens without a ticked box."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional


class DeletionRequestForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand and want my data deleted"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Send the deletion request"))


class AnonymiseForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked this is the right person. Anonymise them."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Anonymise"))


class DeleteForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked this is the right person. Delete them and their data."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    person = IntegerField(_l("Person (user number)"), validators=[Optional(), NumberRange(min=1)])
    submit = SubmitField(_l("Filter"))

"""The reports' filter form: read from the query string, so a filtered view can be shared."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError


class FilterForm(FlaskForm):
    """Group, employment model, period and (learners only) status; every field may stay
    empty ("all")."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    cohort = SelectField(_l("Group"), coerce=str, validators=[Optional()])
    model = SelectField(_l("Employment model"), validators=[Optional()])
    # Dates of their own msgids: "From" and "Until" are the discussion forms' times of day.
    start = DateField(
        _l("From date"),
        validators=[Optional()],
        description=_l("Only activity from this day on counts."),
    )
    end = DateField(_l("To date"), validators=[Optional()])
    # The learners list only (the other reports do not show it).
    status = SelectField(_l("Status"), validators=[Optional()])

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must not be before the start date."))

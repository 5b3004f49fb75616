"""Administration forms. Choices that come from the database are set by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from elearn.core.forms import LANGUAGE_CHOICES, MultiCheckboxField


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=120)])
    role = RadioField(_l("Role"), validators=[DataRequired()])
    cohort = SelectField(_l("Group"), coerce=int, validators=[Optional()])
    language = RadioField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES, default="fi")
    submit = SubmitField(_l("Send the invitation"))


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Search by name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), validators=[Optional()])
    submit = SubmitField(_l("Search"))


class UserRolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired()])
    cohort = SelectField(_l("Group (learners)"), coerce=int, validators=[Optional()])
    supervised = MultiCheckboxField(_l("Groups supervised"), coerce=int)
    submit = SubmitField(_l("Save roles"))


class UserActionForm(FlaskForm):
    """A button that changes one thing; the CSRF token is the whole form."""

    submit = SubmitField()


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    employment_model = RadioField(_l("Employment model"), validators=[DataRequired()])
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    ends_on = DateField(_l("Ends"), validators=[Optional()])
    supervisors = MultiCheckboxField(_l("Supervisors"), coerce=int)
    submit = SubmitField(_l("Save the group"))

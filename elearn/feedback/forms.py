"""Feedback forms (the survey itself is rendered from its definition)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class NoteForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("What we changed after your feedback"), validators=[DataRequired(), Length(max=5000)]
    )
    cohort = SelectField(_l("For"), coerce=int)
    submit = SubmitField(_l("Publish"))

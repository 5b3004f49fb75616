"""Discussion forms. Choices that come from the database or content are set by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from elearn.core.forms import MultiCheckboxField


class SlotFields(FlaskForm):
    """What every time needs: place, capacity, theme and note."""

    place_kind = RadioField(_l("Place"), validators=[DataRequired()])
    place_detail = StringField(
        _l("Address, video link or phone number"), validators=[Optional(), Length(max=300)]
    )
    capacity = IntegerField(
        _l("Places"),
        default=1,
        validators=[DataRequired(), NumberRange(min=1, max=30)],
        description=_l("1 for a one-to-one discussion, more for a group."),
    )
    module_key = SelectField(_l("Module (optional)"), validators=[Optional()])
    theme = StringField(_l("Theme (optional)"), validators=[Optional(), Length(max=200)])
    note = TextAreaField(
        _l("Note for learners (optional)"), validators=[Optional(), Length(max=2000)]
    )


class SlotForm(SlotFields):
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Start time"), validators=[DataRequired()])
    minutes = IntegerField(
        _l("Length in minutes"),
        default=45,
        validators=[DataRequired(), NumberRange(min=10, max=240)],
    )
    show_participants = BooleanField(_l("Participants of a group time may see each other's names"))
    submit = SubmitField(_l("Save the time"))


class SeriesForm(SlotFields):
    first_day = DateField(
        _l("First day"),
        validators=[DataRequired()],
        description=_l("The series repeats on this weekday."),
    )
    window_start = TimeField(_l("From"), validators=[DataRequired()])
    window_end = TimeField(_l("Until"), validators=[DataRequired()])
    minutes = IntegerField(
        _l("Length of one discussion in minutes"),
        default=45,
        validators=[DataRequired(), NumberRange(min=10, max=240)],
    )
    break_minutes = IntegerField(
        _l("Break between discussions in minutes"),
        default=15,
        validators=[Optional(), NumberRange(min=0, max=120)],
    )
    weeks = IntegerField(
        _l("Weeks"), default=6, validators=[DataRequired(), NumberRange(min=1, max=26)]
    )
    submit = SubmitField(_l("Create the times"))


class BookForm(FlaskForm):
    module_key = SelectField(_l("Module or theme to discuss"), validators=[Optional()])
    theme = StringField(_l("Own theme (optional)"), validators=[Optional(), Length(max=200)])
    share = MultiCheckboxField(_l("Journal entries to share with the supervisor"), coerce=int)
    message = TextAreaField(
        _l("Message to the supervisor (optional)"), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Book the time"))


class MemoForm(FlaskForm):
    attendance = RadioField(_l("Did the learner attend?"), validators=[DataRequired()])
    summary = TextAreaField(
        _l("Summary of the discussion"), validators=[Optional(), Length(max=5000)]
    )
    followups = TextAreaField(
        _l("Agreed follow-ups: what to put into practice and what to work on further"),
        validators=[Optional(), Length(max=5000)],
    )
    private = TextAreaField(
        _l("Private note (only you see it)"), validators=[Optional(), Length(max=5000)]
    )
    submit = SubmitField(_l("Save the memo"))


class MemoResponseForm(FlaskForm):
    comment = TextAreaField(
        _l("Your comment on the memo (optional)"), validators=[Optional(), Length(max=2000)]
    )
    confirm = BooleanField(_l("The memo matches what we agreed"))
    submit = SubmitField(_l("Save"))

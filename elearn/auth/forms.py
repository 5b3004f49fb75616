"""Forms for signing in, invitations, password reset and the profile."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from elearn.core.forms import LANGUAGE_CHOICES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Log in"))


class NewPasswordMixin:
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l("At least %(n)s characters. A few unrelated words make a good password."),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    language = RadioField(_l("Language"), choices=LANGUAGE_CHOICES, default="fi")
    submit = SubmitField(_l("Save and start"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send the link"))


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField(_l("Save the new password"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    language = RadioField(_l("Language"), choices=LANGUAGE_CHOICES)
    current_password = PasswordField(
        _l("Current password"),
        description=_l("Needed only when you change your e-mail address."),
        validators=[Length(max=256)],
    )
    submit = SubmitField(_l("Save"))


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=256)]
    )
    submit_password = SubmitField(_l("Change the password"))


class MailPreferencesForm(FlaskForm):
    """Optional messages about the learner's discussions (both on by default)."""

    mail_memo_ready = BooleanField(_l("Mail me when a memo is ready"))
    mail_memo_reminder = BooleanField(_l("Remind me of an unconfirmed memo"))
    submit_mail = SubmitField(_l("Save the e-mail settings"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))

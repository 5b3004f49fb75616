"""Views: log in and out, accept an invitation, reset a password, edit one's profile."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from elearn.accounts import services as accounts
from elearn.accounts.models import TokenPurpose
from elearn.accounts.passwords import PasswordProblem, verify_password
from elearn.auth import bp
from elearn.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    LoginForm,
    MailPreferencesForm,
    ProfileForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from elearn.core.errors import form_error
from elearn.core.security import mark_active
from elearn.core.time import utcnow
from elearn.core.urls import safe_next
from elearn.extensions import limiter


def password_problem_message(problem: PasswordProblem) -> str:
    """A person-readable explanation of a rejected password."""
    if problem.code == "too_short":
        return _("The password must be at least %(n)s characters long.", n=problem.min_length)
    if problem.code == "too_long":
        return _("The password is too long.")
    if problem.code == "personal":
        return _("The password must not contain your name or e-mail address.")
    return _("This password is too common and easy to guess. Choose another one.")


def _min_length() -> int:
    return current_app.config["ELEARN_PASSWORD_MIN_LENGTH"]


def _explain_length(field) -> None:  # noqa: ANN001 - a WTForms password field
    """Put the configured minimum length into the field's help text."""
    field.description = field.description % {"n": _min_length()}


def _login_failed(_response: Any) -> bool:
    return bool(g.get("login_failed"))


def _not_an_email_change() -> bool:
    """Only a profile post that asks for another e-mail address counts against its limit."""
    if request.method != "POST" or {"pw-submit_password", "mail-submit_mail"} & set(request.form):
        return True
    wanted = accounts.normalise_email(request.form.get("email", ""))
    return not current_user.is_authenticated or wanted == current_user.email


def _account_key() -> str:
    return "account:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def _person_key() -> str:
    return f"person:{current_user.get_id() or request.remote_addr}"


def _start_session(user: Any) -> None:
    # A fresh session: nothing from before signing in survives, apart from the language choice.
    session.clear()
    login_user(user)
    session["lang"] = user.language
    mark_active()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["ELEARN_LOGIN_LIMIT_ADDRESS"],
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-address",
)
@limiter.limit(
    lambda: current_app.config["ELEARN_LOGIN_LIMIT_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-account",
)
def login() -> Any:
    """Sign in with e-mail and password; one generic message for every failure."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data, now=utcnow())
        if user is not None:
            _start_session(user)
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
        g.login_failed = True
        form.password.data = ""
        flash(_("The e-mail address or password is wrong."), "error")
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Any:
    """Sign out and forget the whole session.

    The session lives in a signed cookie, so clearing it is not enough: a copy taken earlier
    would still be valid. A new session nonce makes every cookie of the person invalid.
    """
    lang = session.get("lang")
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def _token_error_page(exc: accounts.AccountError, purpose: TokenPurpose) -> Any:
    if purpose is TokenPurpose.INVITATION:
        texts = {
            "token_used": _(
                "This invitation link has already been used. If you have set your password, "
                "log in. Otherwise ask your trainer for a new invitation."
            ),
            "token_expired": _(
                "This invitation link has expired. Ask your trainer or the administrator to "
                "send a new invitation."
            ),
        }
        default = _(
            "This invitation link is not valid. Check that you copied the whole link from the "
            "message, or ask for a new invitation."
        )
    else:
        texts = {
            "token_used": _("This password reset link has already been used. Ask for a new one."),
            "token_expired": _("This password reset link has expired. Ask for a new one."),
        }
        default = _("This password reset link is not valid. Ask for a new one.")
    return render_template(
        "auth/link_invalid.html",
        text=texts.get(exc.code, default),
        purpose=purpose.value,
    ), 410 if exc.code in texts else 404


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
def accept(secret: str) -> Any:
    """Accept an invitation: choose name, password and language."""
    try:
        token = accounts.find_token(secret, TokenPurpose.INVITATION, now=utcnow())
    except accounts.AccountError as exc:
        return _token_error_page(exc, TokenPurpose.INVITATION)
    invited = token.user
    form = AcceptInvitationForm(name=invited.name or None, language=invited.language)
    _explain_length(form.password)
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(
                secret,
                name=form.name.data,
                password=form.password.data,
                language=form.language.data,
                now=utcnow(),
                min_length=_min_length(),
            )
        except PasswordProblem as problem:
            form_error(form.password, password_problem_message(problem))
        except accounts.AccountError as exc:
            return _token_error_page(exc, TokenPurpose.INVITATION)
        else:
            _start_session(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/accept.html", form=form, invited=invited)


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], scope="reset-request")
def reset_request() -> Any:
    """Ask for a password reset link.

    The answer is the same, and as fast, whether the account exists or not: the link is
    queued in the outbox with the token and sent after the response, so the mail server's
    speed (or absence) never shows in the answer.
    """
    form = ResetRequestForm()
    if form.validate_on_submit():
        now = utcnow()
        issued = accounts.request_password_reset(
            form.email.data,
            now=now,
            lifetime=timedelta(hours=current_app.config["ELEARN_RESET_HOURS"]),
        )
        if issued is not None:
            accounts.queue_password_reset(issued, now=now)
        flash(
            _(
                "If the address belongs to an account, a link to set a new password has been "
                "sent to it. Check your e-mail."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/password-reset/<secret>", methods=["GET", "POST"])
def reset_password(secret: str) -> Any:
    """Set a new password with a reset link."""
    try:
        accounts.find_token(secret, TokenPurpose.PASSWORD_RESET, now=utcnow())
    except accounts.AccountError as exc:
        return _token_error_page(exc, TokenPurpose.PASSWORD_RESET)
    form = ResetPasswordForm()
    _explain_length(form.password)
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(
                secret, form.password.data, now=utcnow(), min_length=_min_length()
            )
        except PasswordProblem as problem:
            form_error(form.password, password_problem_message(problem))
        except accounts.AccountError as exc:
            return _token_error_page(exc, TokenPurpose.PASSWORD_RESET)
        else:
            _start_session(user)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["ELEARN_EMAIL_CHANGE_LIMIT"],
    key_func=_person_key,
    methods=["POST"],
    exempt_when=_not_an_email_change,
    scope="email-change",
)
def profile() -> Any:
    """Edit one's own name, e-mail address, language and e-mail settings, and change the
    password.

    Trying another e-mail address is limited per person (``ELEARN_EMAIL_CHANGE_LIMIT``):
    the answer tells whether an address is taken, so it must not become a way to probe
    many addresses.
    """
    user = current_user._get_current_object()
    form = ProfileForm(obj=user if request.method == "GET" else None)
    pw_form = ChangePasswordForm(prefix="pw")
    _explain_length(pw_form.password)
    mail_form = MailPreferencesForm(prefix="mail", obj=user if request.method == "GET" else None)
    if request.method == "POST" and "mail-submit_mail" in request.form:
        if mail_form.validate_on_submit():
            accounts.set_mail_preferences(
                user,
                memo_ready=mail_form.mail_memo_ready.data,
                memo_reminder=mail_form.mail_memo_reminder.data,
            )
            flash(_("Your e-mail settings have been saved."), "success")
            return redirect(url_for("auth.profile") + "#mail-h")
        form = ProfileForm(obj=user)
    elif request.method == "POST" and "pw-submit_password" in request.form:
        if pw_form.validate_on_submit():
            if not verify_password(user.password_hash, pw_form.current_password.data):
                form_error(pw_form.current_password, _("The current password is wrong."))
            else:
                try:
                    accounts.change_password(user, pw_form.password.data, min_length=_min_length())
                except PasswordProblem as problem:
                    form_error(pw_form.password, password_problem_message(problem))
                else:
                    _start_session(user)
                    flash(_("Your password has been changed."), "success")
                    return redirect(url_for("auth.profile"))
        form = ProfileForm(obj=user)
    elif form.validate_on_submit():
        email_changes = accounts.normalise_email(form.email.data) != user.email
        if email_changes and not verify_password(
            user.password_hash, form.current_password.data or ""
        ):
            form_error(
                form.current_password,
                _("Enter your current password to change your e-mail address."),
            )
        else:
            try:
                accounts.update_profile(
                    user, name=form.name.data, email=form.email.data, language=form.language.data
                )
            except accounts.EmailTaken:
                form_error(form.email, _("This e-mail address is already in use."))
            else:
                session["lang"] = user.language
                flash(_("Your details have been saved."), "success")
                return redirect(url_for("auth.profile"))
    if request.method == "POST" and "mail-submit_mail" not in request.form:
        mail_form = MailPreferencesForm(prefix="mail", formdata=None, obj=user)
    return render_template("auth/profile.html", form=form, pw_form=pw_form, mail_form=mail_form)

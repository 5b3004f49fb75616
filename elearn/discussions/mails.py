"""Booking notifications to the learner and the supervisor, each with a calendar entry, and
the learner's notice that a memo is ready. Queued in the outbox with the change itself."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from elearn.core.i18n import format_local_datetime
from elearn.core.mail import Attachment
from elearn.discussions.calendar import booking_calendar
from elearn.discussions.models import Booking
from elearn.outbox import services as outbox

KINDS = ("booked", "changed", "cancelled", "reminder")


def _texts(kind: str, booking: Booking) -> tuple[str, str]:
    when = format_local_datetime(booking.slot.starts_at)
    place = booking.slot.place_detail or ""
    supervisor = booking.slot.supervisor.display_name
    learner = booking.learner.display_name
    subjects = {
        "booked": _("Reflective discussion booked: %(when)s", when=when),
        "changed": _("Reflective discussion changed: %(when)s", when=when),
        "cancelled": _("Reflective discussion cancelled: %(when)s", when=when),
        "reminder": _("Reminder: reflective discussion %(when)s", when=when),
    }
    body = _(
        "Reflective discussion\n\nTime: %(when)s (%(minutes)s min)\nPlace: %(place)s\n"
        "Supervisor: %(supervisor)s\nLearner: %(learner)s\n",
        when=when,
        minutes=booking.slot.minutes,
        place=place,
        supervisor=supervisor,
        learner=learner,
    )
    if kind == "cancelled":
        body = _("This discussion has been cancelled.") + "\n\n" + body
    return subjects[kind], body


def queue(booking: Booking, kind: str, *, now: datetime) -> None:
    """Queue the ``kind`` message of a booking to the learner and the supervisor.

    Each message has its own key (booking, kind, calendar sequence, person), so a retried
    request or a second reminder run never queues it twice.
    """
    for person in (booking.learner, booking.slot.supervisor):
        with force_locale(person.language):
            subject, body = _texts(kind, booking)
            ics = booking_calendar(
                booking,
                summary=_("Reflective discussion"),
                description=body,
                now=now,
                cancel=kind == "cancelled",
            )
        method = "CANCEL" if kind == "cancelled" else "REQUEST"
        outbox.enqueue(
            key=f"booking:{booking.id}:{kind}:{booking.sequence}:{person.id}",
            to=person.email,
            subject=subject,
            body=body,
            user_id=person.id,
            about_user_id=booking.learner_id,
            now=now,
            attachments=(
                Attachment(
                    "keskustelu.ics",
                    ics,
                    "text",
                    "calendar",
                    {"method": method, "charset": "utf-8"},
                ),
            ),
        )


def _booking_url(booking: Booking) -> str:
    endpoint = "discussions.learner_booking"
    if has_request_context():
        path = url_for(endpoint, booking_id=booking.id)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, booking_id=booking.id)
    return str(current_app.config["ELEARN_BASE_URL"]) + path


def queue_memo_ready(booking: Booking, *, now: datetime) -> None:
    """Tell the learner that the memo of their discussion is ready to read and confirm."""
    learner = booking.learner
    with force_locale(learner.language):
        subject = _("The memo of your reflective discussion is ready")
        body = _(
            "Hello,\n\n%(supervisor)s has written the memo of your reflective discussion on "
            "%(when)s. Read it, comment if you like, and confirm it here:\n%(url)s\n",
            supervisor=booking.slot.supervisor.display_name,
            when=format_local_datetime(booking.slot.starts_at),
            url=_booking_url(booking),
        )
    outbox.enqueue(
        key=f"booking:{booking.id}:memo:{now.isoformat()}",
        to=learner.email,
        subject=subject,
        body=body,
        user_id=learner.id,
        now=now,
    )


def queue_memo_reminder(booking: Booking, *, now: datetime) -> None:
    """Remind the learner of a memo they have not confirmed yet (once per memo)."""
    learner = booking.learner
    written = booking.memo_written_at or now
    with force_locale(learner.language):
        subject = _("Reminder: confirm the memo of your reflective discussion")
        body = _(
            "Hello,\n\nthe memo of your reflective discussion on %(when)s is waiting for you. "
            "Read it, comment if you like, and confirm it here:\n%(url)s\n\n"
            "You can turn these reminders off in your profile.\n",
            when=format_local_datetime(booking.slot.starts_at),
            url=_booking_url(booking),
        )
    outbox.enqueue(
        key=f"booking:{booking.id}:memo-reminder:{written.isoformat()}",
        to=learner.email,
        subject=subject,
        body=body,
        user_id=learner.id,
        now=now,
    )

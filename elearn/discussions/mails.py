"""Booking notifications to the learner and the supervisor, each with a calendar entry."""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from elearn.core.mail import Attachment, MailError, send_mail
from elearn.core.web import format_local_datetime
from elearn.discussions.calendar import booking_calendar
from elearn.discussions.models import Booking

log = logging.getLogger("elearn.discussions")

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


def notify(booking: Booking, kind: str, *, now: datetime) -> bool:
    """E-mail the learner and the supervisor; False when a message could not be sent.

    A failed message is logged and reported to the caller; the booking itself stands.
    """
    sent = True
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
        attachment = Attachment(
            "keskustelu.ics", ics, "text", "calendar", {"method": method, "charset": "utf-8"}
        )
        try:
            send_mail(person.email, subject, body, attachments=(attachment,))
        except MailError:
            log.warning("booking %s: %s mail to user %s failed", booking.id, kind, person.id)
            sent = False
    return sent

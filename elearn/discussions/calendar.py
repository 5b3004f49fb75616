"""iCalendar (RFC 5545) entries for bookings: one stable UID per booking, SEQUENCE raised on
every change, METHOD REQUEST or CANCEL, times in UTC so every calendar shows them right.

Each entry concerns one booking only: a learner's entry never names other participants.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

from elearn.discussions.models import Booking, BookingStatus

PRODID = "-//elearn//Reflective discussions//FI"


def place_text(booking: Booking) -> str:
    return booking.slot.place_detail or ""


def booking_calendar(
    booking: Booking, *, summary: str, description: str, now: datetime, cancel: bool = False
) -> bytes:
    """The booking as an .ics file (METHOD CANCEL when it or its time was cancelled)."""
    cancelled = (
        cancel or booking.status == BookingStatus.CANCELLED.value or booking.slot.is_cancelled
    )
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", booking.slot.starts_at)
    event.add("dtend", booking.slot.ends_at)
    event.add("summary", summary)
    event.add("description", description)
    if place_text(booking):
        event.add("location", place_text(booking))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("class", "PRIVATE")
    organizer = vCalAddress(f"mailto:{booking.slot.supervisor.email}")
    organizer.params["cn"] = vText(booking.slot.supervisor.display_name)
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{booking.learner.email}")
    attendee.params["cn"] = vText(booking.learner.display_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    return cal.to_ical()

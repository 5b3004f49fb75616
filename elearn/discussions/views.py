"""Discussion pages for learners (book, cancel, memo) and supervisors (times, preparation)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from elearn.accounts.models import Role
from elearn.auth.access import role_required
from elearn.core.errors import back_to, form_error
from elearn.core.forms import choice_list
from elearn.core.i18n import current_language, format_local_datetime
from elearn.core.lifecycle import writes
from elearn.core.time import NonexistentLocalTime, local_to_utc, local_zone, utcnow
from elearn.courses.services import find, get_course, learner_progress
from elearn.discussions import bp
from elearn.discussions import services as discussions
from elearn.discussions.calendar import booking_calendar
from elearn.discussions.forms import BookForm, MemoForm, MemoResponseForm, SeriesForm, SlotForm
from elearn.discussions.models import Attendance, BookingStatus, PlaceKind
from elearn.extensions import db
from elearn.journal import services as journal
from elearn.quizzes import services as quizzes_services


def _lang() -> str:
    return current_language()


def _place_choices():
    return choice_list(
        [
            (PlaceKind.IN_PERSON.value, _("In person")),
            (PlaceKind.VIDEO.value, _("Video call")),
            (PlaceKind.PHONE.value, _("Phone")),
        ]
    )


def _module_choices(empty_label: str) -> list[SelectChoice]:
    # An option whose title is in Finnish for want of a translation says so (lang="fi").
    return [SelectChoice("", empty_label)] + [
        SelectChoice(key, label, render_kw={"lang": "fi"} if fell_back else {})
        for key, (label, fell_back) in _module_titles().items()
    ]


def _module_titles() -> dict[str, tuple[str, bool]]:
    """Each module's "number. title" in the page's language, and whether it is in Finnish
    for want of a translation (the page marks it with ``lang``)."""
    titles = {}
    for m in get_course().modules:
        text, fell_back = m.text(_lang())
        titles[m.key] = (f"{m.number}. {text.title}", fell_back)
    return titles


def _nonexistent() -> str:
    return _(
        "This time does not exist: the clocks move forward an hour that night. Choose another time."
    )


def _nonexistent_end(error: NonexistentLocalTime) -> str:
    return _(
        "The end of this window, %(time)s on %(day)s, does not exist: the clocks move forward "
        "an hour that night. Choose an earlier or later end time, or start the series a week "
        "later.",
        time=f"{error.local:%H.%M}",
        day=f"{error.local:%d.%m.%Y}",
    )


# ------------------------------------------------------------------ learners


@bp.get("/")
@login_required
def index() -> Any:
    """The learner's discussions and the free times; supervisors get a link to their times."""
    now = utcnow()
    bookings = discussions.learner_bookings(current_user.id)
    upcoming = [
        b for b in bookings if b.status == BookingStatus.BOOKED.value and b.slot.ends_at > now
    ]
    past = [b for b in bookings if b not in upcoming]
    free = (
        discussions.free_slots(current_user, now=now)
        if current_user.has_role(Role.ASSISTANT)
        else []
    )
    return render_template(
        "discussions/index.html",
        upcoming=list(reversed(upcoming)),
        past=past,
        free=free,
        deadline_hours=current_app.config["ELEARN_CANCEL_HOURS"],
        form=FlaskForm(),
        now=now,
    )


@bp.errorhandler(discussions.SlotFull)
def _full_page(_error: discussions.SlotFull) -> Any:
    """A time that filled up meanwhile: say so and offer the next free ones."""
    db.session.rollback()
    g.elearn_rollback = True
    now = utcnow()
    return (
        render_template(
            "discussions/full.html",
            alternatives=discussions.next_free(current_user, now=now, after=now),
        ),
        409,
    )


@bp.route("/slots/<int:slot_id>/book", methods=["GET", "POST"])
@role_required(Role.ASSISTANT)
def book(slot_id: int) -> Any:
    """Book a time: choose a theme, share journal entries, add a message."""
    slot = db.session.get(discussions.DiscussionSlot, slot_id)
    if slot is None or slot.supervisor_id not in discussions.supervisors_for(current_user):
        abort(404)
    form = BookForm()
    form.module_key.choices = _module_choices(_("No particular module"))
    order = {m.key: m.number for m in get_course().modules}
    entries = sorted(
        journal.entries(current_user.id),
        key=lambda e: (order.get(e.module_key, len(order) + 1), e.module_key, e.question_no),
    )
    form.share.choices = choice_list([(e.id, e.question) for e in entries])
    if request.method == "GET" and slot.module_key:
        form.module_key.data = slot.module_key
    if form.validate_on_submit():
        back_to(url_for("discussions.index"))
        chosen = set(form.share.data or [])
        module, _s = find(form.module_key.data) if form.module_key.data else (None, None)
        theme = " – ".join(
            t for t in (module.text(_lang())[0].title if module else "", form.theme.data or "") if t
        )
        booking = discussions.book(
            slot_id,
            current_user._get_current_object(),
            now=utcnow(),
            theme=theme,
            message=form.message.data or "",
            share=[e for e in entries if e.id in chosen],
            one_upcoming=current_app.config["ELEARN_ONE_UPCOMING_BOOKING"],
        )
        flash(
            _(
                "The discussion is booked. A calendar invitation will be e-mailed to you in a "
                "moment; you can also add it to your calendar from this page."
            ),
            "success",
        )
        return redirect(url_for("discussions.learner_booking", booking_id=booking.id))
    return render_template(
        "discussions/book.html",
        slot=slot,
        form=form,
        entries=entries,
        titles=_module_titles(),
    )


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id: int) -> Any:
    """The learner cancels a booking up to the deadline."""
    booking = discussions.booking_for_learner(booking_id, current_user.id)
    if booking is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if booking.status != BookingStatus.BOOKED.value:
        return redirect(url_for("discussions.index"))
    back_to(url_for("discussions.learner_booking", booking_id=booking.id))
    hours = current_app.config["ELEARN_CANCEL_HOURS"]
    discussions.cancel_booking(booking, now=utcnow(), deadline=timedelta(hours=hours))
    flash(_("The booking is cancelled. Your supervisor is told by e-mail."), "success")
    return redirect(url_for("discussions.index"))


@bp.route("/bookings/<int:booking_id>", methods=["GET", "POST"])
@login_required
def learner_booking(booking_id: int) -> Any:
    """The learner's own booking: details, shared entries, the memo and a reply to it."""
    booking = discussions.booking_for_learner(booking_id, current_user.id)
    if booking is None:
        abort(404)
    form = MemoResponseForm(obj=booking if request.method == "GET" else None)
    if request.method == "GET":
        form.comment.data = booking.learner_comment
        form.confirm.data = booking.learner_confirmed_at is not None
    if booking.memo_written_at and form.validate_on_submit():
        discussions.respond_to_memo(
            booking, comment=form.comment.data or "", confirm=form.confirm.data, now=utcnow()
        )
        flash(_("Your reply is saved."), "success")
        return redirect(url_for("discussions.learner_booking", booking_id=booking.id))
    others = (
        [b.learner.display_name for b in booking.slot.active_bookings if b.id != booking.id]
        if booking.slot.show_participants
        else []
    )
    return render_template(
        "discussions/booking.html",
        booking=booking,
        form=form,
        cancel_form=FlaskForm(),
        others=others,
        can_cancel=booking.status == BookingStatus.BOOKED.value
        and booking.slot.starts_at - utcnow()
        >= timedelta(hours=current_app.config["ELEARN_CANCEL_HOURS"]),
        deadline_hours=current_app.config["ELEARN_CANCEL_HOURS"],
        titles=_module_titles(),
    )


@bp.get("/bookings/<int:booking_id>/calendar.ics")
@login_required
def booking_ics(booking_id: int) -> Any:
    """Add to calendar: the learner's or the supervisor's own booking only."""
    booking = discussions.booking_for_learner(
        booking_id, current_user.id
    ) or discussions.booking_for_supervisor(booking_id, current_user.id)
    if booking is None:
        abort(404)
    data = booking_calendar(
        booking, summary=_("Reflective discussion"), description=booking.theme, now=utcnow()
    )
    return Response(
        data,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": "attachment; filename=keskustelu.ics",
            "Cache-Control": "private, no-store",
        },
    )


# ------------------------------------------------------------------ supervisors


@bp.get("/supervise")
@role_required(Role.SUPERVISOR)
def supervise() -> Any:
    """The supervisor's times with their bookings."""
    now = utcnow()
    slots = discussions.supervisor_slots(current_user.id)
    return render_template(
        "discussions/supervise.html",
        upcoming=[s for s in slots if s.ends_at > now],
        past=list(reversed([s for s in slots if s.ends_at <= now])),
        now=now,
    )


def _plan(form, starts_at: datetime, ends_at: datetime, show: bool = False) -> discussions.SlotPlan:
    return discussions.SlotPlan(
        starts_at=starts_at,
        ends_at=ends_at,
        place_kind=PlaceKind(form.place_kind.data),
        place_detail=form.place_detail.data or "",
        capacity=form.capacity.data,
        module_key=form.module_key.data or None,
        theme=form.theme.data or "",
        note=form.note.data or "",
        show_participants=show,
    )


def _overlap_message(error: discussions.Overlaps) -> str:
    times = ", ".join(
        format_local_datetime(c.starts_at if hasattr(c, "starts_at") else c)
        for c in error.clashes[:5]
    )
    return _("This overlaps your other times: %(times)s", times=times)


def _slot_form(form) -> None:
    form.place_kind.choices = _place_choices()
    form.module_key.choices = _module_choices(_("No particular module"))


@bp.route("/slots/new", methods=["GET", "POST"], defaults={"slot_id": None})
@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def edit_slot(slot_id: int | None) -> Any:
    """Publish a new time or change one; booked learners are told of a change."""
    slot = None
    if slot_id is not None:
        slot = discussions.own_slot(slot_id, current_user.id)
        if slot is None or slot.is_cancelled:
            abort(404)
    form = SlotForm()
    _slot_form(form)
    zone = local_zone()
    if request.method == "GET" and slot is not None:
        local = slot.starts_at.astimezone(zone)
        form.day.data, form.start.data, form.minutes.data = local.date(), local.time(), slot.minutes
        form.place_kind.data, form.place_detail.data, form.capacity.data = (
            slot.place_kind,
            slot.place_detail,
            slot.capacity,
        )
        form.module_key.data, form.theme.data, form.note.data = (
            slot.module_key or "",
            slot.theme,
            slot.note,
        )
        form.show_participants.data = slot.show_participants
    elif request.method == "GET":
        form.place_kind.data = PlaceKind.IN_PERSON.value
    if form.validate_on_submit():
        try:
            starts = local_to_utc(datetime.combine(form.day.data, form.start.data), zone)
        except NonexistentLocalTime:
            form.start.errors.append(_nonexistent())
        else:
            plan = _plan(
                form,
                starts,
                starts + timedelta(minutes=form.minutes.data),
                form.show_participants.data,
            )
            if starts <= utcnow():
                form.day.errors.append(_("Choose a time in the future."))
            else:
                try:
                    if slot is None:
                        discussions.create_slots(current_user._get_current_object(), [plan])
                        changed = False
                    else:
                        changed = discussions.update_slot(slot, plan, now=utcnow())
                except discussions.Overlaps as error:
                    form_error(form.start, _overlap_message(error))
                except discussions.CapacityBelowBookings as error:
                    form_error(form.capacity, error)
                else:
                    if changed and slot is not None and slot.active_bookings:
                        flash(
                            _(
                                "The time is saved. The booked learners are told of the change "
                                "by e-mail."
                            ),
                            "success",
                        )
                    else:
                        flash(_("The time is saved."), "success")
                    return redirect(url_for("discussions.supervise"))
    return render_template("discussions/slot_form.html", form=form, slot=slot)


@bp.route("/slots/series", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
def series() -> Any:
    """Create a weekly series of times at once."""
    form = SeriesForm()
    _slot_form(form)
    if request.method == "GET":
        form.place_kind.data = PlaceKind.IN_PERSON.value
    if form.validate_on_submit():
        zone = local_zone()
        try:
            spans = discussions.series_starts(
                form.first_day.data,
                form.window_start.data,
                form.window_end.data,
                minutes=form.minutes.data,
                break_minutes=form.break_minutes.data or 0,
                weeks=form.weeks.data,
                zone=zone,
            )
        except NonexistentLocalTime as error:
            if error.part == "end":
                form.window_end.errors.append(_nonexistent_end(error))
            else:
                form.window_start.errors.append(_nonexistent())
        else:
            if not spans:
                form.window_end.errors.append(_("No discussion fits between these times."))
            elif spans[0][0] <= utcnow():
                form.first_day.errors.append(_("Choose a time in the future."))
            else:
                try:
                    created = discussions.create_slots(
                        current_user._get_current_object(), [_plan(form, s, e) for s, e in spans]
                    )
                except discussions.Overlaps as error:
                    form_error(form.window_start, _overlap_message(error))
                else:
                    flash(_("%(n)s times were created.", n=len(created)), "success")
                    return redirect(url_for("discussions.supervise"))
    return render_template("discussions/series_form.html", form=form)


@bp.post("/slots/<int:slot_id>/cancel")
@role_required(Role.SUPERVISOR)
def cancel_slot(slot_id: int) -> Any:
    """Cancel a time; booked learners get a cancelling calendar entry by e-mail."""
    slot = discussions.own_slot(slot_id, current_user.id)
    if slot is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not slot.is_cancelled:
        affected = discussions.cancel_slot(slot, now=utcnow())
        if len(affected) == 1:
            flash(_("The time is cancelled. The booked learner is told by e-mail."), "success")
        elif affected:
            flash(
                _(
                    "The time is cancelled. The %(num)s booked learners are told by e-mail.",
                    num=len(affected),
                ),
                "success",
            )
        else:
            flash(_("The time is cancelled."), "success")
    return redirect(url_for("discussions.supervise"))


@bp.route("/bookings/<int:booking_id>/prepare", methods=["GET", "POST"])
@role_required(Role.SUPERVISOR)
@writes
def prepare(booking_id: int) -> Any:
    """Preparation and memo: the learner's progress, what they shared, questions they missed.

    Opening it is recorded in the audit log (the page shows the learner's shared texts).
    """
    booking = discussions.booking_for_supervisor(booking_id, current_user.id)
    if booking is None:
        abort(404)
    form = MemoForm()
    form.attendance.choices = choice_list(
        [(Attendance.ATTENDED.value, _("Attended")), (Attendance.NO_SHOW.value, _("Did not come"))]
    )
    if request.method == "GET":
        form.attendance.data = booking.attendance
        form.summary.data, form.followups.data = booking.memo_summary, booking.memo_followups
        form.private.data = booking.memo_private
    if form.validate_on_submit():
        try:
            discussions.record_memo(
                booking,
                attendance=Attendance(form.attendance.data),
                summary=form.summary.data or "",
                followups=form.followups.data or "",
                private=form.private.data or "",
                now=utcnow(),
            )
        except discussions.MemoTooEarly as error:
            # Refused before anything changed: the audit entry below is still kept.
            form.attendance.errors.append(error.describe())
        else:
            flash(
                _("The memo is saved. The learner can now read it and is told by e-mail."),
                "success",
            )
            return redirect(url_for("discussions.prepare", booking_id=booking.id))
    discussions.open_preparation(booking, actor=current_user, now=utcnow())
    course = get_course()
    missed = []
    for module_key, question_key, times in quizzes_services.most_missed(booking.learner_id):
        module = course.module(module_key)
        question = module.quiz.question(question_key) if module else None
        if question is not None:
            missed.append((module, question, times))
    return render_template(
        "discussions/prepare.html",
        booking=booking,
        progress=learner_progress(booking.learner_id),
        missed=missed,
        form=form,
        lang=_lang(),
        titles=_module_titles(),
    )

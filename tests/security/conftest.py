"""A small world of real rows owned by known people, for the access and hostile-input tests.

"learner" owns everything with an id: a submitted quiz attempt, a journal entry shared in an
upcoming booking, a past attended booking with a memo, both in times of "supervisor".
"other_learner" shares the learner's group (the likeliest person to guess an id);
"other_supervisor" supervises another group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask

from elearn.accounts.models import Cohort, Role, User
from elearn.core.time import utcnow
from elearn.courses.services import get_course
from elearn.discussions import services as discussions
from elearn.discussions.models import Attendance, Booking, DiscussionSlot
from elearn.journal import services as journal
from elearn.journal.models import JournalEntry
from elearn.quizzes.models import QuizAttempt
from tests.discussions.util import plan
from tests.progress.test_completion import take_quiz

ROLES = (
    "anonymous",
    "learner",
    "other_learner",
    "supervisor",
    "other_supervisor",
    "trainer",
    "admin",
)


@dataclass
class World:
    """Everyone and everything the access tests point at."""

    people: dict[str, User]
    cohort: Cohort
    other_cohort: Cohort
    module_key: str
    attempt: QuizAttempt
    entry: JournalEntry
    slot: DiscussionSlot  # supervisor's, booked by the learner
    free_slot: DiscussionSlot  # supervisor's, nobody booked it
    booking: Booking  # upcoming
    past_booking: Booking  # attended, with a memo

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def world(app: Flask, db, make_user, make_cohort) -> World:
    """Build the world; every row is committed (savepoint) so views see it."""
    cohort = make_cohort("Oppijan ryhmä")
    other_cohort = make_cohort("Toinen ryhmä")
    people = {
        "learner": make_user(cohort=cohort, name="Liisa Oppija", email="liisa@example.fi"),
        "other_learner": make_user(cohort=cohort, name="Olli Utelias", email="olli@example.fi"),
        "supervisor": make_user(Role.SUPERVISOR, name="Sanna Ohjaaja", email="sanna@example.fi"),
        "other_supervisor": make_user(
            Role.SUPERVISOR, name="Toivo Ohjaaja", email="toivo@example.fi"
        ),
        "trainer": make_user(Role.TRAINER, name="Tiina Kouluttaja", email="tiina@example.fi"),
        "admin": make_user(Role.ADMIN, name="Aatu Ylläpitäjä", email="aatu@example.fi"),
    }
    people["supervisor"].supervised_cohorts.append(cohort)
    people["other_supervisor"].supervised_cohorts.append(other_cohort)
    db.session.commit()
    learner = people["learner"]
    with app.test_request_context():
        module = get_course().modules[0]
        attempt = take_quiz(learner.id, module)
        question = module.text("fi")[0].reflection[0]
    entry = journal.save_answer(learner.id, module.key, 1, question, "Oma pohdinta", now=utcnow())
    start = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
    slot, free_slot, past_slot = discussions.create_slots(
        people["supervisor"],
        [
            plan(start, capacity=2, note="Tuo kysymyksesi"),
            plan(start + timedelta(days=1)),
            plan(start + timedelta(days=2)),
        ],
    )
    booking = discussions.book(
        slot.id, learner, now=utcnow(), message="Viesti ohjaajalle", share=[entry]
    )
    past_booking = discussions.book(past_slot.id, learner, now=utcnow(), one_upcoming=False)
    past_slot.starts_at = utcnow() - timedelta(hours=3)
    past_slot.ends_at = utcnow() - timedelta(hours=2)
    discussions.record_memo(
        past_booking,
        attendance=Attendance.ATTENDED,
        summary="Muistio",
        followups="Jatko",
        private="Yksityinen",
        now=utcnow(),
    )
    db.session.commit()
    return World(
        people=people,
        cohort=cohort,
        other_cohort=other_cohort,
        module_key=module.key,
        attempt=attempt,
        entry=entry,
        slot=slot,
        free_slot=free_slot,
        booking=booking,
        past_booking=past_booking,
    )

"""Many concurrent bookings for the same time, through real connections and transactions."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from elearn import create_app
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.core.db import write_transaction
from elearn.core.time import utcnow
from elearn.discussions import services as discussions
from elearn.discussions.models import Booking, DiscussionSlot
from elearn.extensions import db as _db
from tests.discussions.util import plan


@pytest.mark.parametrize("capacity", [1, 3])
def test_concurrent_bookings_respect_capacity(database_url, capacity, tmp_path):
    racer = create_app({"DATABASE_URL": database_url, "TESTING": True})
    test_session = _db.session
    _db.session = _db._make_scoped_session({})  # real sessions, one per thread
    try:
        with racer.app_context():
            cohort = Cohort(name=f"Kilpailu {tmp_path.name}", employment_model="employer_model")
            supervisor = User(email=f"s-{tmp_path.name}@example.fi", session_nonce="x")
            supervisor.role_rows = [UserRole(role=Role.SUPERVISOR.value)]
            supervisor.supervised_cohorts = [cohort]
            learners = []
            for i in range(8):
                learner = User(
                    email=f"l{i}-{tmp_path.name}@example.fi", session_nonce="x", cohort=cohort
                )
                learner.role_rows = [UserRole(role=Role.ASSISTANT.value)]
                learners.append(learner)
            _db.session.add_all([cohort, supervisor, *learners])
            _db.session.flush()
            (slot,) = discussions.create_slots(
                supervisor, [plan(utcnow() + timedelta(days=3), capacity=capacity)]
            )
            _db.session.commit()
            slot_id, learner_ids = slot.id, [u.id for u in learners]
            ids = {"cohort": cohort.id, "users": [supervisor.id, *learner_ids]}

        outcomes: list[str] = []
        barrier = threading.Barrier(len(learner_ids))

        def attempt(learner_id: int) -> None:
            with racer.app_context():
                learner = _db.session.get(User, learner_id)
                barrier.wait()
                try:
                    write_transaction(_db.session)
                    discussions.book(slot_id, learner, now=utcnow())
                    _db.session.commit()
                    outcomes.append("booked")
                except discussions.SlotFull:
                    _db.session.rollback()
                    outcomes.append("full")
                finally:
                    _db.session.remove()

        threads = [threading.Thread(target=attempt, args=(i,)) for i in learner_ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with racer.app_context():
            booked = _db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Booking)
                .where(Booking.slot_id == slot_id, Booking.status == "booked")
            )
        assert booked == capacity
        assert (
            outcomes.count("booked") == capacity
            and outcomes.count("full") == len(learner_ids) - capacity
        )
    finally:
        with racer.app_context():
            _db.session.execute(sa.delete(Booking).where(Booking.slot_id == slot_id))
            _db.session.execute(sa.delete(DiscussionSlot).where(DiscussionSlot.id == slot_id))
            _db.session.execute(sa.delete(UserRole).where(UserRole.user_id.in_(ids["users"])))
            _db.session.execute(sa.delete(User).where(User.id.in_(ids["users"])))
            _db.session.execute(sa.delete(Cohort).where(Cohort.id == ids["cohort"]))
            _db.session.commit()
            _db.session.remove()
            _db.engine.dispose()
        _db.session = test_session

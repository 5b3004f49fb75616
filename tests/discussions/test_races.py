"""Many concurrent bookings for the same time, through real connections and transactions."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from elearn import create_app
from elearn.accounts.models import Cohort, User, UserRole
from elearn.core.db import begin_write
from elearn.core.time import utcnow
from elearn.discussions import services as discussions
from elearn.discussions.models import Booking, DiscussionSlot
from elearn.extensions import db as _db
from tests.discussions.util import live_bookings, race_setup, run_together


@pytest.mark.parametrize("capacity", [1, 3])
def test_concurrent_bookings_respect_capacity(database_url, capacity, tmp_path):
    racer = create_app({"DATABASE_URL": database_url, "TESTING": True})
    test_session = _db.session
    _db.session = _db._make_scoped_session({})  # real sessions, one per thread
    try:
        with racer.app_context():
            slot_id, emails, ids = race_setup(_db, tmp_path.name, capacity)
            learner_ids = ids["users"][1:]

        outcomes: list[str] = []
        barrier = threading.Barrier(len(learner_ids))

        def attempt(learner_id: int) -> None:
            with racer.app_context():
                learner = _db.session.get(User, learner_id)
                barrier.wait()
                try:
                    _db.session.rollback()  # end the read: the write lock is taken first
                    begin_write(_db.session)
                    discussions.book(slot_id, learner, now=utcnow())
                    _db.session.commit()
                    outcomes.append("booked")
                except discussions.SlotFull:
                    _db.session.rollback()
                    outcomes.append("full")
                finally:
                    _db.session.remove()

        run_together(attempt, [(i,) for i in learner_ids])
        with racer.app_context():
            booked = live_bookings(_db, slot_id)
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

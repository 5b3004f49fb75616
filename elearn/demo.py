"""Bulk demo data for load testing: ``flask --app elearn demo seed --learners N``.

Generates N learners in cohorts of both employment models with realistic progress: section
reads, quiz attempts answered against the real questions of the loaded course (graded by the
quiz domain's own ``grade``), discussion times and bookings with memos, survey participation
with anonymous responses, and certificates for those who completed the course. Rows go in with
SQLAlchemy Core bulk inserts in batches; everything is drawn from one seeded random generator,
so the same N and seed give the same data.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from elearn.accounts.models import Cohort, EmploymentModel, Role, User, UserRole, cohort_supervisors
from elearn.certificates.models import Certificate
from elearn.certificates.services import ALPHABET, CODE_LENGTH
from elearn.content.model import Course, Module, Question
from elearn.content.surveys import Survey
from elearn.core.db import table
from elearn.discussions.models import Booking, DiscussionSlot
from elearn.extensions import db
from elearn.feedback.models import SurveyParticipation, SurveyResponse
from elearn.progress.models import SectionRead
from elearn.progress.services import rebuild_activity
from elearn.quizzes.models import QuizAttempt
from elearn.quizzes.services import grade, make_layout, rebuild_first_answers

LEARNER_PASSWORD = "demo-oppija-2026"  # noqa: S105 - development password, printed by the CLI
EMAIL_PATTERN = "oppija{:05d}@example.fi"
SUPERVISOR_EMAIL = "ohjaaja{:03d}@example.fi"
COHORT_SIZE = 250
BATCH = 4000  # rows per INSERT call
CHUNK = 500  # learners generated between progress bar updates

FIRST = (
    "Aino",
    "Eino",
    "Helmi",
    "Onni",
    "Linnea",
    "Väinö",
    "Emma",
    "Leo",
    "Ella",
    "Elias",
    "Sofia",
    "Oliver",
    "Aada",
    "Eetu",
    "Iida",
    "Juho",
    "Saana",
    "Mikael",
    "Venla",
    "Niilo",
)
LAST = (
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
)
COMMENTS = (
    "Selkeä kokonaisuus.",
    "Esimerkit auttoivat.",
    "Teksti oli välillä raskasta.",
    "Haluaisin lisää tapausesimerkkejä.",
    "Hyvä, kiitos!",
    "Videot olivat hyödyllisiä.",
)
MEMOS = (
    "Keskusteltiin itsemääräämisoikeudesta arjen tilanteissa.",
    "Käytiin läpi työnantajamallin vastuut ja avustajan oikeudet.",
    "Pohdittiin rajojen asettamista ja vuorovaikutusta.",
)


class AlreadySeeded(Exception):
    """The database already has generated learners; use a fresh database."""


@dataclass
class _Ids:
    """Next free primary keys: rows get explicit ids so children can point at them."""

    user: int
    slot: int
    booking: int

    @classmethod
    def from_db(cls) -> _Ids:
        def top(col) -> int:
            return (db.session.scalar(sa.select(sa.func.max(col))) or 0) + 1

        return cls(top(User.id), top(DiscussionSlot.id), top(Booking.id))


class _Writer:
    """Collects rows per table and inserts them in batches."""

    def __init__(self) -> None:
        self.rows: dict[sa.Table, list[dict]] = {}
        self.counts: Counter[str] = Counter()

    def add(self, table: sa.Table, row: dict) -> None:
        rows = self.rows.setdefault(table, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Insert everything collected, parents first (tables in the order first seen)."""
        for t in self.rows:
            rows = self.rows.get(t)
            if rows:
                db.session.execute(sa.insert(t), rows)
                self.counts[t.name] += len(rows)
                self.rows[t] = []


def _answers(question: Question, p_correct: float, rng: random.Random) -> list[str]:
    """A learner's choice for one question: right with probability ``p_correct``; wrong
    answers favour the first wrong option, so analyses have a "most chosen wrong option"."""
    correct = [o.key for o in question.options if o.correct]
    wrong = [o.key for o in question.options if not o.correct]
    if rng.random() < p_correct or not wrong:
        return sorted(correct)
    if question.type == "multiple":
        picked = set(correct)
        if len(picked) > 1 and rng.random() < 0.5:
            picked.discard(rng.choice(correct))
        else:
            picked.add(wrong[0] if rng.random() < 0.6 else rng.choice(wrong))
        return sorted(picked)
    return [wrong[0] if rng.random() < 0.6 else rng.choice(wrong)]


def _difficulty(course: Course, seed: int) -> dict[tuple[str, str], float]:
    """A fixed difficulty per question (added to the learner's chance of answering right)."""
    rng = random.Random(seed * 7919)  # noqa: S311 - reproducible demo data
    out = {}
    for module in course.modules:
        for question in module.quiz.questions:
            out[(module.key, question.key)] = rng.choice((0.25, 0.1, 0.05, 0.0, -0.05, -0.45))
    return out


def _attempts(
    module: Module,
    user_id: int,
    start: datetime,
    ability: float,
    must_pass: bool,
    max_tries: int,
    difficulty: dict,
    rng: random.Random,
) -> tuple[list[dict], datetime]:
    """Submitted attempts until the quiz is passed (or ``max_tries`` run out)."""
    quiz = module.quiz
    rows = []
    when = start
    for n in range(max_tries):
        p = ability + 0.1 * n
        answers = {
            q.key: _answers(q, min(0.98, max(0.05, p + difficulty[(module.key, q.key)])), rng)
            for q in quiz.questions
        }
        last = n == max_tries - 1
        if must_pass and last:
            answers = {q.key: sorted(o.key for o in q.options if o.correct) for q in quiz.questions}
        result = grade(quiz, answers)
        taken = timedelta(seconds=rng.randint(180, 1200))
        rows.append(
            {
                "user_id": user_id,
                "module_key": module.key,
                "quiz_hash": quiz.content_hash,
                "status": "submitted",
                "layout": make_layout(quiz, rng),
                "answers": answers,
                "question_scores": result.question_scores,
                "score": result.score,
                "passed": result.passed,
                "started_at": when,
                "submitted_at": when + taken,
            }
        )
        when += taken + timedelta(hours=rng.randint(1, 72))
        if result.passed:
            break
    return rows, when


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def seed_learners(
    n: int,
    *,
    course: Course,
    surveys: dict[str, Survey],
    password_hash: str,
    now: datetime,
    seed: int = 2026,
    cohort_size: int = COHORT_SIZE,
    on_progress: Callable[[int], None] = lambda done: None,
) -> dict[str, int]:
    """Generate ``n`` learners with realistic progress; returns rows inserted per table.

    Raises:
        AlreadySeeded: generated learners exist already.
    """
    if db.session.scalar(sa.select(User.id).where(User.email == EMAIL_PATTERN.format(1))):
        raise AlreadySeeded()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data
    difficulty = _difficulty(course, seed)
    by_trigger = {s.trigger: s for s in surveys.values()}
    models = (EmploymentModel.EMPLOYER_MODEL, EmploymentModel.OWN_SERVICE)
    w = _Writer()
    ids = _Ids.from_db()

    # Cohorts (alternating employment models), each with a supervisor of its own.
    cohorts = []
    count = max(2, -(-n // cohort_size)) if n > 1 else 1
    per_cohort = -(-n // count)
    for i in range(count):
        model = models[i % 2]
        cohort = Cohort(
            name=f"Ryhmä {i + 1:03d} ({model.value})",
            employment_model=model.value,
            starts_on=(now - timedelta(days=365)).date(),
        )
        db.session.add(cohort)
        cohorts.append(cohort)
    db.session.flush()
    supervisors = {}
    for i, cohort in enumerate(cohorts):
        sid = ids.user
        ids.user += 1
        w.add(table(User), _user_row(sid, SUPERVISOR_EMAIL.format(i + 1), rng, password_hash, now))
        w.add(table(UserRole), {"user_id": sid, "role": Role.SUPERVISOR.value})
        w.add(cohort_supervisors, {"cohort_id": cohort.id, "user_id": sid})
        supervisors[cohort.id] = sid
    w.flush()

    # Free discussion times in the coming weeks, some of them groups.
    future: dict[int, list[list]] = {}  # cohort id -> [[slot id, capacity, starts_at, taken]]
    for cohort in cohorts:
        day = (now + timedelta(days=2)).replace(hour=7, minute=0, second=0, microsecond=0)
        future[cohort.id] = []
        for k in range(12):
            starts = day + timedelta(days=k // 2 * 2, hours=2 + (k % 2) * 4)
            capacity = rng.choice((1, 1, 1, 4))
            w.add(
                table(DiscussionSlot),
                _slot_row(ids.slot, supervisors[cohort.id], starts, capacity, rng),
            )
            future[cohort.id].append([ids.slot, capacity, starts, 0])
            ids.slot += 1
    past_slot: dict[int, list] = {}  # cohort id -> [slot id, capacity, taken, ends_at]
    run = _Run(
        course, by_trigger, w, ids, rng, difficulty, password_hash, now, supervisors, future,
        past_slot,
    )  # fmt: skip

    for first in range(0, n, CHUNK):
        for i in range(first, min(n, first + CHUNK)):
            cohort = cohorts[i // per_cohort]
            _learner(i, cohort, run)
        w.flush()
        on_progress(min(n, first + CHUNK) - first)
    w.flush()
    _fix_sequences()
    # The records went in without the services, so their summaries are computed here.
    rebuild_activity(db.session)
    rebuild_first_answers(db.session, course=course)
    # Fresh planner statistics: without them PostgreSQL plans for the empty tables it
    # last saw (nested loops over thousands of rows) until autovacuum gets round to it.
    db.session.execute(sa.text("ANALYZE"))
    return dict(w.counts)


def _user_row(uid: int, email: str, rng: random.Random, password_hash: str, now: datetime) -> dict:
    return {
        "id": uid,
        "email": email,
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "password_hash": password_hash,
        "language": "fi",
        "is_active": True,
        "session_nonce": f"{rng.getrandbits(128):032x}",
        "cohort_id": None,
        "created_at": now - timedelta(days=400),
        "last_login_at": None,
    }


def _slot_row(sid: int, supervisor: int, starts: datetime, capacity: int, rng) -> dict:
    return {
        "id": sid,
        "supervisor_id": supervisor,
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=45 if capacity == 1 else 90),
        "place_kind": rng.choice(("in_person", "video", "phone")),
        "place_detail": "",
        "capacity": capacity,
        "module_key": None,
        "theme": "" if capacity == 1 else "Ryhmäkeskustelu",
        "note": "",
        "show_participants": False,
        "cancelled_at": None,
        "lock_version": 0,
        "created_at": starts - timedelta(days=30),
    }


@dataclass
class _Run:
    """What every generated learner draws on: the course, the writer, ids, random numbers,
    and the discussion times handed out so far."""

    course: Course
    by_trigger: dict[str, Survey]
    w: _Writer
    ids: _Ids
    rng: random.Random
    difficulty: dict[tuple[str, str], float]
    password_hash: str
    now: datetime
    supervisors: dict[int, int]  # cohort id -> supervisor id
    future: dict[int, list[list]]  # cohort id -> [[slot id, capacity, starts_at, taken]]
    past_slot: dict[int, list]  # cohort id -> [slot id, capacity, taken, ends_at]


def _learner(i: int, cohort: Cohort, run: _Run) -> None:
    """All rows of one learner."""
    course, by_trigger, w, ids, rng = run.course, run.by_trigger, run.w, run.ids, run.rng
    difficulty, password_hash, now = run.difficulty, run.password_hash, run.now
    supervisors, future, past_slot = run.supervisors, run.future, run.past_slot
    uid = ids.user
    ids.user += 1
    started = now - timedelta(days=rng.randint(30, 330), hours=rng.randint(0, 23))
    row = _user_row(uid, EMAIL_PATTERN.format(i + 1), rng, password_hash, now)
    row.update(cohort_id=cohort.id, created_at=started - timedelta(days=3), last_login_at=started)
    w.add(table(User), row)
    w.add(table(UserRole), {"user_id": uid, "role": Role.ASSISTANT.value})

    # Profile: 15 % have not started, 45 % are part-way, 40 % have finished.
    roll = rng.random()
    modules = course.modules
    if roll < 0.15:
        full, partial = 0, rng.random() < 0.3
    elif roll < 0.60:
        full, partial = rng.randint(0, len(modules) - 1), True
    else:
        full, partial = len(modules), False
    ability = rng.uniform(0.3, 0.65)
    when = started
    last_done = started
    module_surveyed = by_trigger.get("module_quiz")
    for index, module in enumerate(modules[: full + (1 if partial else 0)]):
        done = index < full
        sections = (
            module.sections if done else module.sections[: rng.randint(1, len(module.sections))]
        )
        for section in sections:
            when += timedelta(minutes=rng.randint(5, 40))
            w.add(
                table(SectionRead),
                {
                    "user_id": uid,
                    "module_key": module.key,
                    "section_key": section.key,
                    "content_hash": section.content_hash,
                    "read_at": when,
                },
            )
        if not done and len(sections) < len(module.sections):
            break
        tries = rng.choice((2, 3, 3, 4, 4, 5)) if done else rng.randint(1, 3)
        rows, when = _attempts(module, uid, when, ability, done, tries, difficulty, rng)
        if not done:  # part-way learners have not passed this one yet
            rows = [r for r in rows if not r["passed"]]
        for r in rows:
            w.add(table(QuizAttempt), r)
        last_done = max(last_done, when)
        if rows and module_surveyed:
            _survey(w, rng, uid, module_surveyed, module.key, cohort, when.date())
        if not done:
            break

    sid = supervisors[cohort.id]
    if full == len(modules):
        # A past discussion, attended, often with a memo; then the certificate.
        slot = past_slot.get(cohort.id)
        if slot is None or slot[2] >= slot[1] or slot[3] < last_done:
            starts = max(last_done, now - timedelta(days=20)) + timedelta(days=rng.randint(1, 5))
            starts = min(starts, now - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
            capacity = rng.choice((1, 1, 3))
            w.add(table(DiscussionSlot), _slot_row(ids.slot, sid, starts, capacity, rng))
            slot = past_slot[cohort.id] = [ids.slot, capacity, 0, starts + timedelta(minutes=45)]
            ids.slot += 1
        slot[2] += 1
        bid = _booking(w, ids, rng, slot[0], uid, slot[3] - timedelta(days=7), attended=True)
        if by_trigger.get("discussion") and rng.random() < 0.5:
            _survey(w, rng, uid, by_trigger["discussion"], str(bid), cohort, slot[3].date())
        completed = max(last_done, slot[3])
        if by_trigger.get("course") and rng.random() < 0.6:
            _survey(w, rng, uid, by_trigger["course"], "course", cohort, completed.date())
        w.add(
            table(Certificate),
            {
                "user_id": uid,
                "code": "".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH)),
                "completed_at": completed,
                "issued_at": completed,
                "course_version": course.version,
            },
        )
    elif full >= 2 and rng.random() < 0.25:
        # An upcoming booking in one of the free times.
        free = [s for s in future[cohort.id] if s[3] < s[1]]
        if free:
            slot = rng.choice(free)
            slot[3] += 1
            _booking(w, ids, rng, slot[0], uid, now - timedelta(days=1), attended=False)


def _booking(w, ids, rng, slot_id: int, uid: int, created: datetime, *, attended: bool) -> int:
    bid = ids.booking
    ids.booking += 1
    memo = attended and rng.random() < 0.6
    w.add(
        table(Booking),
        {
            "id": bid,
            "uid": f"seed-{bid}-{rng.getrandbits(32):08x}@elearn",
            "sequence": 0,
            "slot_id": slot_id,
            "learner_id": uid,
            "status": "booked",
            "theme": "",
            "message": "",
            "created_at": created,
            "cancelled_at": None,
            "reminder_sent_at": None,
            "attendance": "attended" if attended else None,
            "memo_summary": rng.choice(MEMOS) if memo else "",
            "memo_followups": "Jatketaan seuraavalla kerralla." if memo else "",
            "memo_private": "",
            "memo_written_at": created + timedelta(days=8) if memo else None,
            "learner_comment": "",
            "learner_confirmed_at": None,
        },
    )
    return bid


def _survey(w, rng, uid: int, survey: Survey, context: str, cohort, day: date) -> None:
    """Participation (answered 60 %, skipped 15 %) and, when answered, an anonymous response."""
    roll = rng.random()
    if roll >= 0.75:
        return
    status = "answered" if roll < 0.6 else "skipped"
    w.add(
        table(SurveyParticipation),
        {
            "user_id": uid,
            "survey_key": survey.key,
            "context": context,
            "status": status,
        },
    )
    if status != "answered":
        return
    answers: dict[str, object] = {}
    for q in survey.questions:
        if q.type == "scale":
            answers[q.key] = rng.choice((2, 3, 4, 4, 4, 5, 5))
        elif q.type == "nps":
            answers[q.key] = rng.choice((5, 7, 8, 9, 9, 10, 10))
        elif q.type == "choice":
            answers[q.key] = rng.choice(q.values)
        elif rng.random() < 0.2:
            answers[q.key] = rng.choice(COMMENTS)
    w.add(
        table(SurveyResponse),
        {
            "id": f"{rng.getrandbits(128):032x}",
            "survey_key": survey.key,
            "context": context if survey.trigger == "module_quiz" else "",
            "cohort_id": cohort.id,
            "employment_model": cohort.employment_model,
            "week": _week(day),
            "user_id": None if survey.anonymous else uid,
            "answers": answers,
        },
    )


def _fix_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the new rows."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in ("users", "discussion_slots", "bookings"):
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed names
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
        )


def learner_emails(n: int) -> Iterable[str]:
    """The e-mail addresses of the first ``n`` generated learners."""
    return (EMAIL_PATTERN.format(i + 1) for i in range(n))

"""The content store: import and export byte for byte, drafts with optimistic locking,
publishing, history and restore, and learners' records noting the version they were made in.
On a database of its own with real commits (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from elearn import create_app
from elearn.accounts.models import Cohort, Role, User, UserRole
from elearn.accounts.passwords import hash_password
from elearn.content.loader import DEFAULT_CONTENT_DIR
from elearn.contentstore import services as store
from elearn.contentstore.models import ContentVersion
from elearn.core.time import utcnow
from elearn.courses import services as courses
from elearn.extensions import db as _db
from elearn.progress.models import SectionRead
from elearn.quizzes.models import FirstAnswer, QuizAttempt
from tests.dbutil import drop_database, fresh_database

CONTENT = DEFAULT_CONTENT_DIR.parent  # the repository's content/ folder
TODAY = date(2026, 11, 30)
PART = "modules/02-tyonantajamalli"
SECTION = f"{PART}/sections/01-avustettava-tyonantajana.md"
PASSWORD = "sisällön versiot pitävät"


@pytest.fixture
def real(app, tmp_path):
    url = fresh_database("contentstore", tmp_path)
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "ELEARN_PASSWORD_HASH": "pbkdf2:sha256:1000",
            "ELEARN_MAIL_DELIVERY": "cron",
            "ELEARN_CONTENT_CACHE": str(tmp_path / "content-cache"),
            "ELEARN_CONTENT_CHECK_SECONDS": 0,
        }
    )
    test_session = _db.session
    _db.session = _db._make_scoped_session({})
    try:
        with application.app_context():
            upgrade()
            _db.session.remove()
        yield application
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()
    finally:
        _db.session = test_session
        drop_database(url)


def cli(application, *args: str):
    # Inside this app's context: the suite's own app context is active around every test,
    # and a command would otherwise run against the suite's database.
    with application.app_context():
        result = application.test_cli_runner().invoke(args=list(args))
        _db.session.remove()
    assert result.exit_code == 0, result.output
    return result.output


def test_import_then_export_gives_the_shipped_files_byte_for_byte(real, tmp_path):
    assert "Published content version 1" in cli(real, "content", "import", str(CONTENT))
    assert "nothing imported" in cli(real, "content", "import", str(CONTENT))
    out = tmp_path / "exported"
    cli(real, "content", "export", str(out))
    assert store.read_tree(out) == store.read_tree(CONTENT)
    # ... and the exported files pass the content check (strictly).
    assert "6 modules, 1 page OK" in cli(
        real, "content", "check", "--strict", "--dir", str(out / "modules")
    )
    # Exporting again, into a new folder, gives the same bytes (stable).
    again = tmp_path / "again"
    cli(real, "content", "export", str(again))
    assert store.read_tree(again) == store.read_tree(out)


def test_a_fresh_install_imports_once(real):
    assert "Published content version 1" in cli(
        real, "content", "import", "--if-empty", str(CONTENT)
    )
    assert "nothing imported" in cli(real, "content", "import", "--if-empty", str(CONTENT))


def _edited(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(lines[:2] + ["Tämä lause lisättiin selaimessa.", ""] + lines[2:])


def test_a_draft_is_published_as_a_new_version_and_served(real):
    cli(real, "content", "import", str(CONTENT))
    with real.test_request_context():
        original = store.blob(store.latest().manifest[SECTION]).decode()
        draft = store.save_draft(
            PART, {SECTION: _edited(original)}, revision=None, author_id=None, now=utcnow()
        )
        assert draft.revision == 1 and draft.base_number == 1
        _db.session.commit()
        published = store.publish_draft(
            PART, note="Lisätty lause", revision=1, author_id=None, now=utcnow(), today=TODAY
        )
        _db.session.commit()
        assert published.number == 2 and published.changed == [PART]
        assert store.draft(PART) is None
        assert [v.number for v in store.history(PART)] == [2, 1]
    client = real.test_client()
    client.get("/healthz")  # each request first looks for a newer version
    with real.test_request_context():
        real.extensions[courses.SERVING_KEY].refresh_if_due()
        assert courses.content_version() == 2
        module = courses.get_course().module("tyonantajamalli")
        html = "".join(str(p) for p in module.sections[0].text("fi")[0].parts)
        assert "Tämä lause lisättiin selaimessa." in html


def test_two_trainers_saving_the_same_draft(real):
    cli(real, "content", "import", str(CONTENT))
    with real.test_request_context():
        original = store.blob(store.latest().manifest[SECTION]).decode()
        store.save_draft(
            PART, {SECTION: original + "\nA\n"}, revision=None, author_id=None, now=utcnow()
        )
        _db.session.commit()
        first = store.save_draft(
            PART, {SECTION: original + "\nB\n"}, revision=1, author_id=None, now=utcnow()
        )
        _db.session.commit()
        assert first.revision == 2
        # The second trainer still has revision 1 open: refused, told what is there now.
        with pytest.raises(store.DraftConflict) as conflict:
            store.save_draft(
                PART, {SECTION: original + "\nC\n"}, revision=1, author_id=None, now=utcnow()
            )
        _db.session.rollback()
        kept = store.blob(conflict.value.draft.files[SECTION]).decode()
        assert kept.endswith("\nB\n") and conflict.value.draft.revision == 2


def test_nothing_invalid_can_be_published(real):
    cli(real, "content", "import", str(CONTENT))
    quiz = f"{PART}/quiz.toml"
    with real.test_request_context():
        store.save_draft(
            PART, {quiz: 'options = ["a", "b"]\n'}, revision=None, author_id=None, now=utcnow()
        )
        _db.session.commit()
        with pytest.raises(store.InvalidContent) as invalid:
            store.publish_draft(
                PART, note="", revision=1, author_id=None, now=utcnow(), today=TODAY
            )
        _db.session.rollback()
        assert any("02-tyonantajamalli/quiz.toml" in str(p) for p in invalid.value.problems)
        assert store.latest_number() == 1


def test_an_earlier_version_is_restored_as_a_new_draft(real):
    cli(real, "content", "import", str(CONTENT))
    with real.test_request_context():
        original = store.blob(store.latest().manifest[SECTION]).decode()
        store.save_draft(
            PART, {SECTION: _edited(original)}, revision=None, author_id=None, now=utcnow()
        )
        _db.session.commit()
        store.publish_draft(
            PART, note="Muutos", revision=1, author_id=None, now=utcnow(), today=TODAY
        )
        _db.session.commit()
        restored = store.restore(PART, 1, author_id=None, now=utcnow())
        _db.session.commit()
        assert store.blob(restored.files[SECTION]).decode() == original
        back = store.publish_draft(
            PART, note="Palautettu versio 1", revision=restored.revision, author_id=None,
            now=utcnow(), today=TODAY,
        )  # fmt: skip
        _db.session.commit()
        assert back.number == 3
        assert back.manifest == _db.session.scalar(
            sa.select(ContentVersion.manifest).where(ContentVersion.number == 1)
        )


def test_learners_records_note_the_version_they_were_made_in(real):
    cli(real, "content", "import", str(CONTENT))
    with real.app_context():
        learner = User(
            email="versio@example.fi",
            name="V",
            session_nonce="v",
            password_hash=hash_password(PASSWORD),
            cohort=Cohort(name="Versiot", employment_model="employer_model"),
        )
        learner.role_rows = [UserRole(role=Role.ASSISTANT.value)]
        _db.session.add(learner)
        _db.session.commit()
    client = real.test_client()
    assert (
        client.post("/login", data={"email": "versio@example.fi", "password": PASSWORD}).status_code
        == 302
    )
    with real.test_request_context():
        real.extensions[courses.SERVING_KEY].refresh_if_due()
        module = courses.get_course().modules[0]
    assert client.post(f"/modules/{module.key}/{module.sections[0].key}/read").status_code == 302
    page = client.get(f"/modules/{module.key}/quiz").get_data(as_text=True)
    import re

    attempt = re.search(r'name="attempt" value="(\d+)"', page).group(1)
    answers = {
        f"q-{q.key}": [o.key for o in q.options if o.correct][:1] for q in module.quiz.questions
    }
    assert (
        client.post(f"/modules/{module.key}/quiz", data={"attempt": attempt, **answers}).status_code
        == 302
    )
    with real.app_context():
        assert _db.session.scalar(sa.select(SectionRead.content_version)) == 1
        assert _db.session.scalar(sa.select(QuizAttempt.content_version)) == 1
        rows = _db.session.execute(
            sa.select(
                FirstAnswer.question_key, FirstAnswer.question_hash, FirstAnswer.content_version
            )
        ).all()
        hashes = {q.key: q.content_hash for q in module.quiz.questions}
        assert rows and all(h == hashes[k] and v == 1 for k, h, v in rows)
        _db.session.remove()

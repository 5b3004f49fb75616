"""Two trainers press Save on the same section at the same moment, through real connections
and transactions (one session per thread, committed): exactly one save goes through, the
other is refused with the text that won, and nothing is lost silently."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from elearn import create_app
from elearn.authoring import documents as docs
from elearn.authoring import services
from elearn.contentstore import services as store
from elearn.contentstore.models import ContentBlob, ContentDraft, ContentVersion
from elearn.core.db import begin_write
from elearn.core.time import utcnow
from elearn.extensions import db as _db
from tests.authoring.conftest import CONTENT, PART, SECTION, SECTION_KEY
from tests.discussions.util import run_together


def _edit(files, body: str) -> docs.Changes:
    section = next(s for s in docs.read_sections(files, PART) if s.key == SECTION_KEY)
    texts = {lang: t for lang, t in section.texts.items() if t}
    texts["fi"] = docs.MarkdownText(texts["fi"].title, body)
    return docs.write_section(section, texts, files, PART)


@pytest.mark.parametrize("draft_exists", [False, True], ids=["first-save", "draft-saved-before"])
def test_two_saves_from_the_same_page_at_once_one_wins_one_is_told(database_url, draft_exists):
    racer = create_app({"DATABASE_URL": database_url, "TESTING": True})
    test_session = _db.session
    _db.session = _db._make_scoped_session({})  # real sessions, one per thread
    scope = docs.section_scope(PART, SECTION_KEY)
    with racer.app_context():
        blobs_before = set(_db.session.scalars(sa.select(ContentBlob.sha256)))
        versions_before = set(_db.session.scalars(sa.select(ContentVersion.number)))
        _db.session.remove()
    try:
        with racer.app_context():
            store.import_tree(CONTENT, note="race", author_id=None, now=utcnow())
            _db.session.commit()
            if draft_exists:
                files = services.current_files(PART)
                services.save(
                    PART, _edit(files, "Aiempi luonnos."), scope=scope,
                    seen=services.digest(files, scope), actor_id=None, now=utcnow(),
                )  # fmt: skip
                _db.session.commit()
            _db.session.remove()

        outcomes: dict[str, object] = {}
        barrier = threading.Barrier(2)

        def save(body: str) -> None:
            with racer.app_context():
                files = services.current_files(PART)  # the page both trainers opened
                seen = services.digest(files, scope)
                changes = _edit(files, body)
                _db.session.rollback()
                barrier.wait()
                try:
                    begin_write(_db.session)  # as a request does (BEGIN IMMEDIATE on SQLite)
                    services.save(
                        PART, changes, scope=scope, seen=seen, actor_id=None, now=utcnow()
                    )
                    _db.session.commit()
                    outcomes[body] = "saved"
                except services.EditConflict as refused:
                    _db.session.rollback()
                    outcomes[body] = refused
                finally:
                    _db.session.remove()

        run_together(save, [("Ensimmäisen teksti.",), ("Toisen teksti.",)])

        saved = [body for body, outcome in outcomes.items() if outcome == "saved"]
        refused = [o for o in outcomes.values() if isinstance(o, services.EditConflict)]
        assert len(saved) == 1 and len(refused) == 1, outcomes
        # the refused trainer is shown the text that won (their own stays in their form)
        assert refused[0].theirs[SECTION].decode().endswith(f"\n\n{saved[0]}\n")
        with racer.app_context():
            kept = store.blob(store.draft(PART).files[SECTION]).decode()
            assert kept.endswith(f"\n\n{saved[0]}\n")
            assert store.draft(PART).revision == (2 if draft_exists else 1)
            _db.session.remove()
    finally:
        with racer.app_context():
            _db.session.execute(sa.delete(ContentDraft).where(ContentDraft.part == PART))
            _db.session.execute(
                sa.delete(ContentVersion).where(ContentVersion.number.not_in(versions_before))
            )
            _db.session.execute(
                sa.delete(ContentBlob).where(ContentBlob.sha256.not_in(blobs_before))
            )
            _db.session.commit()
            _db.session.remove()
            _db.engine.dispose()
        _db.session = test_session

"""Store, version, materialise and load the course content. Functions flush; the caller (the
request handler or a command) commits.

A *tree* is every file of the course by its path under ``content/`` (``modules/…``,
``pages/…``, ``surveys/…``). A version's tree is written once to
``<instance>/content/<tree hash>/`` and loaded from there with the same loader as the
shipped files, so a published course is checked and rendered exactly like ``content/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from elearn.content.checks import QualityReport, check_quality
from elearn.content.loader import LoadedContent, load_content
from elearn.content.model import Course
from elearn.content.problems import ContentError, Problem
from elearn.content.surveys import Survey, load_surveys
from elearn.contentstore.models import ContentBlob, ContentDraft, ContentVersion
from elearn.core.db import affected
from elearn.core.errors import DomainError
from elearn.extensions import db

TOP_LEVELS = ("modules", "pages", "surveys")


class DraftConflict(DomainError):
    """Someone else saved the draft after you opened it; ``draft`` is what they saved."""

    code = "draft_conflict"

    def __init__(self, draft: ContentDraft) -> None:
        super().__init__(draft.part)
        self.draft = draft


class NothingToPublish(DomainError):
    code = "nothing_to_publish"


class InvalidContent(DomainError):
    """The draft does not load: ``problems`` name the files and lines."""

    code = "invalid_content"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(len(problems))
        self.problems = problems


@dataclass(frozen=True)
class Loaded:
    """A version made ready to serve."""

    number: int  # 0: the shipped files (the store is empty)
    course: Course
    surveys: dict[str, Survey]
    root: Path


# ------------------------------------------------------------------ trees and blobs


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def part_of(path: str) -> str:
    """The part a file belongs to: ``modules/<folder>``, ``pages/<key>`` or ``surveys/<file>``."""
    top, _, rest = path.partition("/")
    if top == "surveys":
        return path
    return f"{top}/{rest.partition('/')[0]}"


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root``'s ``modules/``, ``pages/`` and ``surveys/`` by its path.

    Hidden files and folders (names starting with a dot) are not content.
    """
    files: dict[str, bytes] = {}
    for top in TOP_LEVELS:
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(root)
            if path.is_file() and not any(p.startswith(".") for p in rel.parts):
                files[rel.as_posix()] = path.read_bytes()
    return files


def store_blobs(files: Mapping[str, bytes]) -> dict[str, str]:
    """Store the files' contents (each once) and return their manifest: path -> sha256."""
    manifest = {path: sha256(data) for path, data in files.items()}
    wanted = set(manifest.values())
    have = set(
        db.session.scalars(sa.select(ContentBlob.sha256).where(ContentBlob.sha256.in_(wanted)))
    )
    by_hash = {manifest[p]: data for p, data in files.items()}
    for digest in sorted(wanted - have):
        db.session.add(ContentBlob(sha256=digest, size=len(by_hash[digest]), data=by_hash[digest]))
    db.session.flush()
    return dict(sorted(manifest.items()))


def blob(digest: str) -> bytes:
    found = db.session.get(ContentBlob, digest)
    if found is None:
        raise LookupError(digest)
    return found.data


def blob_sizes(digests: Iterable[str]) -> dict[str, int]:
    """The sizes of stored files by their hash, without reading their bytes."""
    wanted = sorted(set(digests))
    if not wanted:
        return {}
    rows = db.session.execute(
        sa.select(ContentBlob.sha256, ContentBlob.size).where(ContentBlob.sha256.in_(wanted))
    )
    return {digest: size for digest, size in rows}


def blob_file(digest: str, app: Flask | None = None) -> Path:
    """One stored file written out once under ``<content cache>/blobs/<sha256>`` (atomically,
    so several processes may ask at once), to be served with range requests.

    Raises:
        LookupError: no such blob.
    """
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise LookupError(digest)
    folder = content_base(app) / "blobs"
    target = folder / digest
    if target.is_file():
        return target
    data = blob(digest)
    folder.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(scratch, target)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)
    return target


def tree_hash(manifest: Mapping[str, str]) -> str:
    return sha256(json.dumps(sorted(manifest.items())).encode("utf-8"))


# ------------------------------------------------------------------ versions


def latest() -> ContentVersion | None:
    """The published version learners see (the newest)."""
    return db.session.scalar(sa.select(ContentVersion).order_by(ContentVersion.number.desc()))


def latest_number() -> int:
    """The newest version's number, 0 when nothing has been published (one cheap query)."""
    return db.session.scalar(sa.select(sa.func.max(ContentVersion.number))) or 0


def version(number: int) -> ContentVersion | None:
    return db.session.scalar(sa.select(ContentVersion).where(ContentVersion.number == number))


def changed_parts(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """The parts whose files differ between two manifests."""
    paths = set(old) | set(new)
    return sorted({part_of(p) for p in paths if old.get(p) != new.get(p)})


def publish_manifest(
    manifest: Mapping[str, str],
    *,
    note: str,
    author_id: int | None,
    now: datetime,
    restored_from: int | None = None,
) -> ContentVersion:
    """Publish a tree as the next version (the caller has validated it).

    Raises:
        NothingToPublish: the tree is the same as the latest version's.
    """
    current = latest()
    before = dict(current.manifest) if current else {}
    changed = changed_parts(before, manifest)
    if current is not None and not changed:
        raise NothingToPublish()
    published = ContentVersion(
        number=(current.number if current else 0) + 1,
        manifest=dict(sorted(manifest.items())),
        tree_hash=tree_hash(manifest),
        changed=changed,
        note=note.strip()[:2000],
        author_id=author_id,
        created_at=now,
        restored_from=restored_from,
    )
    db.session.add(published)
    db.session.flush()
    return published


def import_tree(root: Path, *, note: str, author_id: int | None, now: datetime) -> ContentVersion:
    """Store the files under ``root`` (a ``content/`` folder) as a new version.

    Raises:
        ContentError: the files do not load (every problem named).
        NothingToPublish: they are the same as the latest version.
    """
    _load_dir(root)  # refuses what the app could not serve
    files = read_tree(root)
    return publish_manifest(store_blobs(files), note=note, author_id=author_id, now=now)


def write_tree(manifest: Mapping[str, str], target: Path) -> None:
    """Write every file of a manifest under ``target`` (which must not exist or be empty)."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    for path, digest in sorted(manifest.items()):
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(blob(digest))


# ------------------------------------------------------------------ loading


def _load_dir(root: Path) -> tuple[LoadedContent, dict[str, Survey]]:
    content = load_content(root / "modules", display_root=root, pages_dir=root / "pages")
    surveys = load_surveys(root / "surveys", display_root=root)
    return content, surveys


def materialise(manifest: Mapping[str, str], base: Path) -> Path:
    """The tree's files on disk under ``base/<tree hash>`` (written once, atomically, so
    several processes may ask at the same time)."""
    target = base / tree_hash(manifest)
    if target.is_dir():
        return target
    base.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".tmp-", dir=base))
    try:
        write_tree(manifest, scratch)
        try:
            os.rename(scratch, target)
        except OSError:  # another process got there first
            if not target.is_dir():
                raise
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def content_base(app: Flask | None = None) -> Path:
    app = app or current_app
    return Path(app.config.get("ELEARN_CONTENT_CACHE") or Path(app.instance_path) / "content")


def load_version(found: ContentVersion, app: Flask | None = None) -> Loaded:
    """Make a published version ready to serve."""
    root = materialise(found.manifest, content_base(app))
    content, surveys = _load_dir(root)
    return Loaded(number=found.number, course=content.course, surveys=surveys, root=root)


def validate_manifest(
    manifest: Mapping[str, str], *, today: Any
) -> tuple[LoadedContent | None, list[Problem], QualityReport | None]:
    """Load a tree as ``flask content check`` does: (content, errors, quality report)."""
    with tempfile.TemporaryDirectory(prefix="elearn-draft-") as scratch:
        root = Path(scratch) / "tree"
        write_tree(manifest, root)
        try:
            content, _surveys = _load_dir(root)
        except ContentError as error:
            return None, list(error.problems), None
        return content, [], check_quality(content, today=today)


# ------------------------------------------------------------------ drafts


def part_files(manifest: Mapping[str, str], part: str) -> dict[str, str]:
    """The files of one part in a manifest."""
    return {p: d for p, d in manifest.items() if part_of(p) == part}


def draft(part: str) -> ContentDraft | None:
    return db.session.get(ContentDraft, part)


def draft_manifest(part: str, files: Mapping[str, str]) -> dict[str, str]:
    """The latest published tree with ``part`` replaced by ``files``."""
    current = latest()
    base = {p: d for p, d in (current.manifest if current else {}).items() if part_of(p) != part}
    return dict(sorted({**base, **files}.items()))


def save_draft(
    part: str,
    texts: Mapping[str, bytes | str],
    *,
    revision: int | None,
    author_id: int | None,
    now: datetime,
    removed: Iterable[str] = (),
) -> ContentDraft:
    """Write changed files of a part into its draft (created from the latest version).

    Args:
        texts: path -> new content of the files that changed.
        revision: the draft revision the editor started from (None: a new draft).
        removed: paths to delete from the part.

    Raises:
        DraftConflict: the draft was saved by someone else since ``revision``.
    """
    current = draft(part)
    if current is not None and revision is not None and current.revision != revision:
        raise DraftConflict(current)
    if current is None:
        published = latest()
        files = part_files(published.manifest, part) if published else {}
        current = ContentDraft(
            part=part,
            files=files,
            base_number=published.number if published else 0,
            revision=0,
            updated_by_id=author_id,
            updated_at=now,
        )
        db.session.add(current)
    changed = store_blobs(
        {p: t.encode("utf-8") if isinstance(t, str) else t for p, t in texts.items()}
    )
    files = {p: d for p, d in dict(current.files).items() if p not in set(removed)}
    files.update(changed)
    # A conditional UPDATE: of two saves from the same revision only one gets through.
    if current.revision:
        won = db.session.execute(
            sa.update(ContentDraft)
            .where(ContentDraft.part == part, ContentDraft.revision == current.revision)
            .values(
                files=dict(sorted(files.items())),
                revision=current.revision + 1,
                updated_by_id=author_id,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if affected(won) != 1:
            db.session.expire(current)
            latest_draft = db.session.get(ContentDraft, part, populate_existing=True)
            raise DraftConflict(latest_draft or current)
        db.session.refresh(current)
        return current
    current.files = dict(sorted(files.items()))
    current.revision = 1
    current.updated_by_id, current.updated_at = author_id, now
    db.session.flush()
    return current


def discard_draft(part: str) -> None:
    found = draft(part)
    if found is not None:
        db.session.delete(found)
        db.session.flush()


def publish_draft(
    part: str, *, note: str, revision: int, author_id: int | None, now: datetime, today: Any
) -> ContentVersion:
    """Publish a draft as the next version and remove the draft.

    Raises:
        DraftConflict: the draft changed since the trainer looked at it.
        InvalidContent: the draft does not load (errors by file and line).
        NothingToPublish: it is the same as what is published.
    """
    current = draft(part)
    if current is None:
        raise NothingToPublish()
    if current.revision != revision:
        raise DraftConflict(current)
    manifest = draft_manifest(part, current.files)
    _content, errors, _quality = validate_manifest(manifest, today=today)
    if errors:
        raise InvalidContent(errors)
    published = publish_manifest(manifest, note=note, author_id=author_id, now=now)
    db.session.delete(current)
    db.session.flush()
    return published


def restore(part: str, number: int, *, author_id: int | None, now: datetime) -> ContentDraft:
    """Start a draft of ``part`` with the files it had in version ``number``.

    Raises:
        LookupError: no such version.
    """
    old = version(number)
    if old is None:
        raise LookupError(number)
    files = part_files(old.manifest, part)
    existing = draft(part)
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    published = latest()
    restored = ContentDraft(
        part=part,
        files=files,
        base_number=published.number if published else 0,
        revision=1,
        updated_by_id=author_id,
        updated_at=now,
    )
    db.session.add(restored)
    db.session.flush()
    return restored


def versions() -> list[ContentVersion]:
    """Every published version, newest first."""
    return list(
        db.session.scalars(sa.select(ContentVersion).order_by(ContentVersion.number.desc()))
    )


def drafts() -> list[ContentDraft]:
    """Every unpublished draft, by part."""
    return list(db.session.scalars(sa.select(ContentDraft).order_by(ContentDraft.part)))


def history(part: str) -> list[ContentVersion]:
    """The versions that changed ``part``, newest first."""
    versions = db.session.scalars(sa.select(ContentVersion).order_by(ContentVersion.number.desc()))
    return [v for v in versions if part in (v.changed or [])]


# ------------------------------------------------------------------ serving


class Serving:
    """The version an app process serves, checked against the database now and then."""

    def __init__(self, app: Flask, loaded: Loaded, *, reload: Any) -> None:
        self.app = app
        self.loaded = loaded
        self.reload = reload  # (app) -> Loaded: the latest version, or the shipped files
        self.checked_at = time.monotonic()
        self.lock = threading.Lock()

    def refresh_if_due(self) -> bool:
        """Serve a newer published version if there is one (checked at most every
        ``ELEARN_CONTENT_CHECK_SECONDS``); True when it changed."""
        interval = self.app.config.get("ELEARN_CONTENT_CHECK_SECONDS", 1)
        now = time.monotonic()
        if now - self.checked_at < interval:
            return False
        self.checked_at = now
        try:
            newest = latest_number()
        except sa.exc.SQLAlchemyError:
            # A missing table (before migrations) or a lost connection: keep serving what is
            # loaded. The failed statement left the session's transaction invalid; roll it
            # back, or the request's next query fails on it (PendingRollbackError, a 500).
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                db.session.rollback()
            return False
        if newest == self.loaded.number:
            return False
        with self.lock:
            if newest == self.loaded.number:
                return False
            self.loaded = self.reload(self.app)
        return True

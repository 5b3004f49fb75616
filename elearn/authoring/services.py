"""Editing the course in the browser: parts, drafts, checks, publishing and history.

Functions flush; the request handler commits. The content store (``elearn.contentstore``)
keeps versions and drafts; this module adds what the editor needs on top of it:

- which parts there are, and the files of a part as the editor sees them (its draft, else
  the published version, else the shipped files while nothing is published yet: the first
  save stores the shipped course as version 1, so editing needs no set-up);
- saving with conflict detection: the form carries a digest of the files it shows, and a
  save is refused when another trainer has changed those files since (``EditConflict``);
  changes to other files of the part (another section) go through;
- the same checks as ``flask content check`` on the draft (cached per tree), each problem
  placed at the field it concerns;
- publishing (errors block; quality problems need the trainer's confirmation) and restoring,
  both in the audit log with their actor; readable differences between versions.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from elearn.audit import services as audit
from elearn.authoring import documents as docs
from elearn.content.loader import DEFAULT_CONTENT_DIR, SECTION_FILE, LoadedContent
from elearn.content.problems import ContentError, Problem
from elearn.content.surveys import DEFAULT_SURVEY_DIR, Survey, load_survey_file
from elearn.content.tomlpos import positions
from elearn.contentstore import services as store
from elearn.core.errors import DomainError
from elearn.extensions import db

CHECKS_KEY = "elearn.authoring.checks"
CHECKS_KEPT = 8  # validated trees kept per process (a course loads in about a second)
SHIPPED_NOTE = "The shipped course, stored when it was first edited in the browser"
MODULE_KINDS = ("modules", "pages", "surveys")


# ---------------------------------------------------------------------------- errors


class EditConflict(DomainError):
    """Another trainer changed what this form shows since it was opened; nothing was saved.

    ``draft`` is the draft as it is now (who saved it, when); ``theirs`` the files the form
    covers as they are now.
    """

    code = "edit_conflict"
    message = _l(
        "Another trainer saved changes to this part after you opened it. Your text was not "
        "saved: it is kept in the form below, next to what they changed."
    )

    def __init__(self, draft: Any, theirs: dict[str, bytes]) -> None:
        super().__init__(draft.part if draft is not None else "")
        self.draft = draft
        self.theirs = theirs


class QualityNotConfirmed(DomainError):
    code = "quality_not_confirmed"
    message = _l("Confirm that you want to publish although quality problems remain.")


class KeyTaken(DomainError):
    code = "key_taken"
    message = _l("This key is already used here; choose another.")


class BadKey(DomainError):
    code = "bad_key"
    message = _l("Use lower-case letters a-z, digits and dashes, e.g. %(example)s.")


class NothingToRestore(DomainError):
    code = "nothing_to_restore"
    message = _l("This part did not exist in that version.")
    status = 404


# ---------------------------------------------------------------------------- parts


@dataclass(frozen=True)
class PartInfo:
    """A module, page or survey the editor can open."""

    part: str  # "modules/01-henkilokohtainen-apu", "pages/kun-tarvitset-apua", "surveys/x.toml"
    kind: str  # "modules", "pages" or "surveys"
    key: str  # the module's, page's or survey's key (in the editor's addresses)
    title: str  # in Finnish

    @property
    def url_args(self) -> dict[str, Any]:
        """The address arguments of this part's pages (``module_key=…`` etc.)."""
        return {
            {"modules": "module_key", "pages": "page_key", "surveys": "survey_key"}[
                self.kind
            ]: self.key
        }


class PartFiles(Mapping[str, bytes]):
    """A part's files by path, read when asked for (a module's videos are large)."""

    def __init__(self, shas: Mapping[str, str], disk: Mapping[str, Path] | None = None) -> None:
        self.shas = dict(shas)  # path -> sha256 (from the store, or computed from disk)
        self.disk = dict(disk or {})
        self._cache: dict[str, bytes] = {}

    def __getitem__(self, path: str) -> bytes:
        if path not in self.shas:
            raise KeyError(path)
        if path not in self._cache:
            self._cache[path] = (
                self.disk[path].read_bytes() if path in self.disk else store.blob(self.shas[path])
            )
        return self._cache[path]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.shas))

    def __len__(self) -> int:
        return len(self.shas)


def shipped_paths(app: Any = None) -> dict[str, Path]:
    """The shipped content files by their path in the tree (what is served while the store
    is empty)."""
    app = app or current_app
    modules = Path(app.config.get("ELEARN_CONTENT_DIR") or DEFAULT_CONTENT_DIR)
    surveys = Path(app.config.get("ELEARN_SURVEY_DIR") or DEFAULT_SURVEY_DIR)
    found: dict[str, Path] = {}
    for top, base in (
        ("modules", modules),
        ("pages", modules.parent / "pages"),
        ("surveys", surveys),
    ):
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(base)
            if path.is_file() and not any(p.startswith(".") for p in rel.parts):
                found[f"{top}/{rel.as_posix()}"] = path
    return found


def _shipped_files() -> PartFiles:
    paths = shipped_paths()
    return PartFiles({p: store.sha256(f.read_bytes()) for p, f in paths.items()}, paths)


def published_manifest() -> dict[str, str] | None:
    """The latest version's files (path -> sha256), None while nothing is published."""
    latest = store.latest()
    return dict(latest.manifest) if latest is not None else None


def published_files(part: str) -> PartFiles:
    """The part's files as learners see them."""
    manifest = published_manifest()
    if manifest is None:
        shipped = shipped_paths()
        mine = {p: f for p, f in shipped.items() if store.part_of(p) == part}
        return PartFiles({p: store.sha256(f.read_bytes()) for p, f in mine.items()}, mine)
    return PartFiles(store.part_files(manifest, part))


def current_files(part: str) -> PartFiles:
    """The part's files as the editor shows them: the draft, else the published ones."""
    draft = store.draft(part)
    if draft is not None:
        return PartFiles(draft.files)
    return published_files(part)


def _title_of(kind: str, part: str, files: Mapping[str, bytes]) -> tuple[str, str]:
    """(key, Finnish title) of a part, read leniently."""
    try:
        if kind == "modules":
            data = docs.toml_of(files, docs.module_file(part)) or {}
            return str(data.get("key", "")), str(data.get("title", ""))
        if kind == "pages":
            text = docs.parse_markdown(docs.text_of(files, f"{part}/page.md"))
            return part.split("/", 1)[1], text.title if text else ""
        data = docs.toml_of(files, part) or {}
        title = data.get("title")
        return str(data.get("key", "")), str(title.get("fi", "")) if isinstance(title, dict) else ""
    except docs.Unreadable:
        return part.rsplit("/", 1)[-1], part


PARTS_KEY = "elearn.authoring.parts"


def parts() -> list[PartInfo]:
    """Every module, page and survey, in the course's order (worked out once per published
    tree in each process: every editor page looks its part up here)."""
    latest = store.latest()
    key = latest.tree_hash if latest is not None else "shipped"
    cache: dict[str, list[PartInfo]] = current_app.extensions.setdefault(PARTS_KEY, {})
    if key not in cache:
        if len(cache) > CHECKS_KEPT:
            cache.clear()
        cache[key] = _parts(dict(latest.manifest) if latest is not None else None)
    return cache[key]


def _parts(manifest: dict[str, str] | None) -> list[PartInfo]:
    files: Mapping[str, bytes]
    if manifest is None:
        files = _shipped_files()
        paths = list(files)
    else:
        paths = sorted(manifest)
        files = PartFiles(manifest)
    names = sorted({store.part_of(p) for p in paths})
    found = []
    for part in names:
        kind = part.split("/", 1)[0]
        if kind not in MODULE_KINDS:
            continue
        key, title = _title_of(kind, part, files)
        if key:
            found.append(PartInfo(part=part, kind=kind, key=key, title=title or key))
    order = {kind: i for i, kind in enumerate(MODULE_KINDS)}
    return sorted(found, key=lambda p: (order[p.kind], p.part))


def find_part(kind: str, key: str) -> PartInfo | None:
    """The module, page or survey with this key."""
    return next((p for p in parts() if p.kind == kind and p.key == key), None)


# ---------------------------------------------------------------------------- status


@dataclass(frozen=True)
class PartStatus:
    """What the module list shows about a part."""

    info: PartInfo
    published_number: int | None  # the version that last changed it (None: shipped files)
    published_at: datetime | None
    published_by: str | None
    draft_by: str | None
    draft_at: datetime | None
    has_draft: bool


def statuses() -> list[PartStatus]:
    """Every part with its published version and its draft (two queries)."""
    last: dict[str, Any] = {}
    for published in store.versions():  # newest first
        for part in published.changed or []:
            last.setdefault(part, published)
    drafts = {d.part: d for d in store.drafts()}
    result = []
    for info in parts():
        version = last.get(info.part)
        draft = drafts.get(info.part)
        result.append(
            PartStatus(
                info=info,
                published_number=version.number if version else None,
                published_at=version.created_at if version else None,
                published_by=_name(version.author) if version else None,
                draft_by=_name(draft.updated_by) if draft else None,
                draft_at=draft.updated_at if draft else None,
                has_draft=draft is not None,
            )
        )
    return result


def _name(person: Any) -> str | None:
    if person is None:
        return None
    return str(getattr(person, "display_name", None) or getattr(person, "name", "") or "")


def draft_state(part: str) -> Any:
    """The part's draft (who saved it, when, its revision), or None."""
    return store.draft(part)


# ---------------------------------------------------------------------------- saving


def digest(files: Mapping[str, bytes], scope: docs.Scope) -> str:
    """A fingerprint of the files a form shows: it changes when any of them changes."""
    shas = (
        files.shas
        if isinstance(files, PartFiles)
        else {p: store.sha256(b) for p, b in files.items()}
    )
    pairs = sorted((p, s) for p, s in shas.items() if scope(p))
    return hashlib.sha256(repr(pairs).encode("utf-8")).hexdigest()[:32]


def _ensure_published(actor_id: int | None, now: datetime) -> None:
    """Store the shipped course as version 1 when nothing is published yet (the first save
    in the browser), so that drafts have a version to start from."""
    if store.latest_number():
        return
    paths = shipped_paths()
    manifest = store.store_blobs({p: f.read_bytes() for p, f in paths.items()})
    version = store.publish_manifest(manifest, note=SHIPPED_NOTE, author_id=actor_id, now=now)
    audit.record(
        audit.AuditAction.PUBLISHED, "content_version", version.number,
        actor_id=actor_id, subject_id=None, now=now,
    )  # fmt: skip


def save(
    part: str,
    changes: docs.Changes,
    *,
    scope: docs.Scope,
    seen: str,
    actor_id: int | None,
    now: datetime,
) -> Any:
    """Save changed files into the part's draft (made from the published version if needed).

    Args:
        changes: new texts by path, and paths to remove.
        scope: which files the form showed.
        seen: their ``digest`` when the form was opened.

    Returns:
        The draft (or None when there was nothing to change and no draft).

    Raises:
        EditConflict: another trainer changed those files since (nothing is saved).
    """
    texts, removed = changes
    draft = store.draft(part)
    files = PartFiles(draft.files) if draft is not None else published_files(part)
    if digest(files, scope) != seen:
        raise EditConflict(draft, {p: files[p] for p in files if scope(p)})
    if not texts and not removed:
        return draft
    _ensure_published(actor_id, now)
    try:
        with db.session.begin_nested():
            return store.save_draft(
                part,
                texts,
                revision=draft.revision if draft is not None else 0,
                author_id=actor_id,
                now=now,
                removed=removed,
            )
    except store.DraftConflict as conflict:  # saved by another request a moment ago
        theirs = PartFiles(conflict.draft.files)
        raise EditConflict(conflict.draft, {p: theirs[p] for p in theirs if scope(p)}) from None
    except sa.exc.IntegrityError:  # two first saves at once: the other one made the draft
        found = store.draft(part)
        theirs = PartFiles(found.files) if found is not None else files
        raise EditConflict(found, {p: theirs[p] for p in theirs if scope(p)}) from None


def check_key(key: str, taken: set[str], *, example: str) -> None:
    """A new section, question or term key: the right shape and not taken.

    Raises:
        BadKey, KeyTaken.
    """
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", key):
        raise BadKey(example=example)
    if key in taken:
        raise KeyTaken()


# ---------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Finding:
    """One problem the checks found, and where."""

    severity: str  # "error" (blocks publishing), "quality" (needs confirming), "warning"
    path: str
    line: int | None
    message: str
    anchor: str | None  # the field it concerns in the editor (None: the part as a whole)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class Check:
    """The checks of the part's current state (the draft, else the published version)."""

    part: str
    content: LoadedContent | None  # None: the tree does not load
    findings: list[Finding] = field(default_factory=list)  # this part's
    elsewhere: list[Finding] = field(default_factory=list)  # errors in other parts
    checked: bool = True  # False: nothing published yet (the shipped files are served)

    def at(self, anchor: str) -> list[Finding]:
        return [f for f in self.findings if f.anchor == anchor]

    def under(self, prefix: str) -> list[Finding]:
        return [f for f in self.findings if (f.anchor or "").startswith(prefix)]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"] + self.elsewhere

    @property
    def quality(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "quality"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


_checks_lock = threading.Lock()


def _validated(manifest: dict[str, str], today: date) -> tuple[Any, list[Problem], Any]:
    """``validate_manifest`` once per tree and day in each process."""
    cache: OrderedDict = current_app.extensions.setdefault(CHECKS_KEY, OrderedDict())
    key = (store.tree_hash(manifest), today)
    with _checks_lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    result = store.validate_manifest(manifest, today=today)
    with _checks_lock:
        cache[key] = result
        while len(cache) > CHECKS_KEPT:
            cache.popitem(last=False)
    return result


def check(part: str, *, today: date) -> Check:
    """Run the content checks on the part as the editor shows it."""
    manifest = published_manifest()
    if manifest is None:
        return Check(part=part, content=None, checked=False)
    draft = store.draft(part)
    if draft is not None:
        manifest = store.draft_manifest(part, draft.files)
    content, errors, report = _validated(manifest, today)
    files = PartFiles(store.part_files(manifest, part))
    result = Check(part=part, content=content)
    for severity, problems in (
        ("error", errors),
        ("quality", report.problems if report else ()),
        ("warning", report.warnings if report else ()),
    ):
        for problem in problems:
            if store.part_of(problem.path) == part:
                result.findings.append(
                    Finding(severity, problem.path, problem.line, problem.message,
                            anchor_of(problem, part, files))
                )  # fmt: skip
            elif severity == "error":
                result.elsewhere.append(
                    Finding(severity, problem.path, problem.line, problem.message, None)
                )
    return result


def preview(part: str, *, today: date) -> tuple[LoadedContent | None, Check]:
    """The part's current state loaded as learners would get it (None: it does not load)."""
    result = check(part, today=today)
    return result.content, result


def preview_survey(part: str, *, today: date) -> tuple[Survey | None, Check]:
    """A survey's current state (the draft, else the published one) as learners would get
    it; None when it does not load (the check says why)."""
    result = check(part, today=today)
    if result.checked and result.content is None:
        return None, result
    files = current_files(part)
    paths = [p for p in files if p.endswith(".toml")]
    if len(paths) != 1:
        return None, result
    with tempfile.TemporaryDirectory(prefix="elearn-survey-") as scratch:
        target = Path(scratch) / paths[0]
        target.parent.mkdir(parents=True)
        target.write_bytes(files[paths[0]])
        try:
            return load_survey_file(target, display_root=Path(scratch)), result
        except ContentError:
            return None, result


_QUESTION = re.compile(r'question "([^"]+)"')
_FIELD = re.compile(r"^(title|summary|objectives|reflection|reviewed|minutes|review_months)\b")
_TRANSLATION = re.compile(r"^(module|quiz)\.(sv|en)\.toml$")


def _locate(text: str, line: int | None) -> tuple[str | int, ...]:
    """The TOML path (``("questions", 3, "options", 1)``) that ``line`` falls in."""
    if not line:
        return ()
    try:
        found = positions(text)
    except Exception:  # noqa: BLE001 - a locator never breaks a page
        return ()
    best: tuple[int, int, tuple[str | int, ...]] = (0, 0, ())
    for loc, where in found.items():
        if where <= line and (where, len(loc)) > best[:2]:
            best = (where, len(loc), loc)
    return best[2]


def anchor_of(problem: Problem, part: str, files: Mapping[str, bytes]) -> str | None:
    """The editor field a problem concerns: ``module:title:sv``, ``source:2``,
    ``section:<key>:<lang>``, ``quiz``, ``question:<key>``, ``term:<index>``, ``page:<lang>``,
    ``t-questions-0-text`` (a survey text), or a page-wide anchor."""
    kind = part.split("/", 1)[0]
    rel = problem.path[len(part) + 1 :] if problem.path.startswith(part + "/") else ""
    try:
        text = docs.text_of(files, problem.path) if problem.path.endswith(".toml") else None
    except docs.Unreadable:
        text = None
    loc = _locate(text, problem.line) if text is not None else ()
    if not loc:  # "title is missing", "reviewed is missing": the field the message names
        named = _FIELD.match(problem.message)
        loc = (named.group(1),) if named else ()
    if kind == "surveys":
        if len(loc) >= 2 and loc[0] == "questions":
            path = loc[:5] if len(loc) >= 5 and loc[2] == "options" else loc[:3]
            return (
                "t-" + "-".join(str(p) for p in path)
                if len(path) in (3, 5)
                else f"survey-question:{loc[1]}"
            )
        if loc and loc[0] in ("title", "intro"):
            return f"t-{loc[0]}"
        return "survey"
    if kind == "pages":
        if rel == "page.toml":
            if len(loc) >= 2 and loc[0] == "sources":
                return f"source:{loc[1]}"
            return f"page:{loc[0]}" if loc else "page"
        match = re.fullmatch(r"page(?:\.(sv|en))?\.md", rel)
        return f"page:{match.group(1) or 'fi'}" if match else None
    if rel == "module.toml":
        if len(loc) >= 2 and loc[0] == "sources":
            return f"source:{loc[1]}"
        if loc and loc[0] in ("title", "summary", "objectives", "reflection"):
            return f"module:{loc[0]}:fi"
        return f"module:{loc[0]}" if loc else "module"
    translation = _TRANSLATION.match(rel)
    if rel == "quiz.toml" or (translation and translation.group(1) == "quiz"):
        key = _question_key(text, loc)
        if key is None:
            match = _QUESTION.search(problem.message)
            key = match.group(1) if match else None
        return f"question:{key}" if key else "quiz"
    if translation:
        lang = translation.group(2)
        if loc and loc[0] in ("title", "summary", "objectives", "reflection"):
            return f"module:{loc[0]}:{lang}"
        return f"module::{lang}"
    if rel == "glossary.toml":
        return f"term:{loc[1]}" if len(loc) >= 2 and loc[0] == "terms" else "glossary"
    if rel.startswith("sections/"):
        match = SECTION_FILE.match(rel[len("sections/") :])
        if match:
            return f"section:{match.group(2)}:{match.group(3) or 'fi'}"
        return "sections"
    if rel.startswith("media/"):
        return "media"
    return None


def _question_key(text: str | None, loc: tuple[str | int, ...]) -> str | None:
    if text is None or len(loc) < 2 or loc[0] != "questions" or not isinstance(loc[1], int):
        return None
    try:
        data = docs.toml_of({"f": text.encode("utf-8")}, "f") or {}
        return str(data["questions"][loc[1]]["key"])
    except (docs.Unreadable, KeyError, IndexError, TypeError):
        return None


# ---------------------------------------------------------------------------- publishing


def publish(
    part: str,
    *,
    note: str,
    revision: int,
    confirmed: bool,
    actor_id: int | None,
    now: datetime,
    today: date,
) -> Any:
    """Publish the part's draft as the next version, in the audit log with its actor.

    Raises:
        NothingToPublish: there is no draft, or it equals the published version.
        DraftConflict: the draft changed since the trainer looked at it.
        InvalidContent: the draft does not load (errors by file and line).
        QualityNotConfirmed: quality problems remain and the trainer did not confirm them.
    """
    draft = store.draft(part)
    if draft is None:
        raise store.NothingToPublish()
    if draft.revision != revision:
        raise store.DraftConflict(draft)
    result = check(part, today=today)
    if result.errors:
        raise store.InvalidContent([Problem(f.path, f.line, f.message) for f in result.errors])
    if result.quality and not confirmed:
        raise QualityNotConfirmed()
    version = store.publish_draft(
        part, note=note, revision=revision, author_id=actor_id, now=now, today=today
    )
    audit.record(
        audit.AuditAction.PUBLISHED, "content_version", version.number,
        actor_id=actor_id, subject_id=None, now=now,
    )  # fmt: skip
    return version


def restore(part: str, number: int, *, actor_id: int | None, now: datetime) -> Any:
    """Start a draft of the part with the files it had in version ``number`` (in the audit
    log with its actor). It replaces the part's draft, if any.

    Raises:
        NothingToRestore: no such version, or the part was not in it.
    """
    old = store.version(number)
    if old is None or not store.part_files(old.manifest, part):
        raise NothingToRestore()
    restored = store.restore(part, number, author_id=actor_id, now=now)
    audit.record(
        audit.AuditAction.RESTORED, "content_version", number,
        actor_id=actor_id, subject_id=None, now=now,
    )  # fmt: skip
    return restored


def discard(part: str) -> None:
    """Throw the part's draft away (what is published stays)."""
    store.discard_draft(part)


def history(part: str) -> list[Any]:
    """The versions that changed the part, newest first."""
    return store.history(part)


def version_files(part: str, number: int) -> PartFiles | None:
    """The part's files in version ``number`` (None: no such version)."""
    found = store.version(number)
    if found is None:
        return None
    return PartFiles(store.part_files(found.manifest, part))


def previous_files(part: str, number: int) -> PartFiles:
    """The part's files just before version ``number`` (empty before the first)."""
    earlier = store.version(number - 1) if number > 1 else None
    return PartFiles(store.part_files(earlier.manifest, part) if earlier else {})


# ---------------------------------------------------------------------------- differences


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    old: int | None  # line numbers
    new: int | None
    text: str


@dataclass(frozen=True)
class FileDiff:
    path: str
    status: str  # "added", "removed", "changed"
    lines: tuple[DiffLine, ...]
    binary: bool = False

    @property
    def name(self) -> str:
        return self.path.split("/", 2)[-1] if self.path.startswith("modules/") else self.path


def _as_text(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None


def diff_files(
    old: Mapping[str, bytes], new: Mapping[str, bytes], *, context: int = 3
) -> list[FileDiff]:
    """What changed between two sets of files, line by line (difflib), file by file."""
    old_shas = old.shas if isinstance(old, PartFiles) else None
    new_shas = new.shas if isinstance(new, PartFiles) else None
    result = []
    for path in sorted(set(old) | set(new)):
        if old_shas is not None and new_shas is not None:
            if old_shas.get(path) == new_shas.get(path):
                continue
        elif old.get(path) == new.get(path):
            continue
        status = "added" if path not in old else "removed" if path not in new else "changed"
        before, after = _as_text(old.get(path)), _as_text(new.get(path))
        if before is None or after is None:
            result.append(FileDiff(path, status, (), binary=True))
            continue
        lines: list[DiffLine] = []
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for group in matcher.get_grouped_opcodes(context):
            if lines:
                lines.append(DiffLine("gap", None, None, ""))
            for tag, i1, i2, j1, j2 in group:
                if tag == "equal":
                    lines += [
                        DiffLine("same", i1 + n + 1, j1 + n + 1, before[i1 + n])
                        for n in range(i2 - i1)
                    ]
                    continue
                lines += [DiffLine("removed", i + 1, None, before[i]) for i in range(i1, i2)]
                lines += [DiffLine("added", None, j + 1, after[j]) for j in range(j1, j2)]
        result.append(FileDiff(path, status, tuple(lines)))
    return result

"""A module's videos, captions and transcripts in the editor: what there is and who uses it,
uploads checked by their content, removal, and video blocks put into sections.

Files go into the module's draft in the content store (``services.save``), like every other
change: they are checked, previewed, published, versioned, restored and exported with the
rest of the module, and nothing is written under the web root. Functions flush; the request
commits.

- An upload is read up to the limit (``ELEARN_MEDIA_MAX_BYTES``, passed in) and checked by
  its bytes (``elearn.content.media``); the name a browser sent is only a hint for the
  stored name, which is a slug plus the extension of what the bytes are.
- A new video or transcript never overwrites a file: a taken name gets ``-2``, ``-3`` ….
  Captions are named after their video (``clip.fi.vtt``), so uploading a language's
  captions again replaces them. Replacing a video keeps its name (and so every section
  that shows it); the replacement must be of the same type.
- A file a section still uses (directly, or as a language track beside the captions a
  section names) cannot be removed: the refusal names the sections.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, cast

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from elearn.authoring import documents as docs
from elearn.authoring import services
from elearn.authoring.tomlwriter import string as toml_string
from elearn.content import media as sniffing
from elearn.content.loader import FENCE_CLOSE, FENCE_OPEN
from elearn.content.model import LANGUAGES
from elearn.contentstore import services as store
from elearn.core.errors import DomainError

TEXT_MAX_BYTES = 5 * 1024 * 1024  # captions and transcripts are text: this is plenty
CAPTIONS = re.compile(r"^(.+)\.(fi|sv|en)\.vtt$")
TRANSCRIPT = re.compile(r"^(.+)\.transcript(?:\.(sv|en))?\.md$")
VIDEO = re.compile(r"^(.+)\.(webm|mp4)$")
SERVED_TYPES = {".webm": "video/webm", ".mp4": "video/mp4", ".vtt": "text/vtt"}
SHOWN_NAME_MAX = 80


# ---------------------------------------------------------------------------- refusals


REASONS: dict[str, Any] = {
    "empty": _l("“%(name)s” is empty."),
    "too_large": _l("“%(name)s” is %(size)s, larger than the limit of %(limit)s."),
    "executable": _l("“%(name)s” is a program (an executable file)."),
    "svg": _l("“%(name)s” is an SVG image."),
    "html": _l("“%(name)s” is a web page (HTML)."),
    "matroska": _l("“%(name)s” is a Matroska (MKV) video, not WebM or MP4."),
    "other": _l("“%(name)s” is not a WebM or MP4 video."),
    "not_utf8": _l("“%(name)s” is not UTF-8 text."),
    "not_webvtt": _l("“%(name)s” is not WebVTT captions: the file must begin with WEBVTT."),
    "no_cues": _l(
        "“%(name)s” has no captions: a WebVTT file needs at least one cue (a time and a text)."
    ),
    "wrong_type": _l("“%(name)s” is a %(found)s video, but the file it replaces is %(expected)s."),
}
ADVICE: dict[str, Any] = {
    "video": _l("Upload a WebM or MP4 video. Nothing was saved."),
    "captions": _l("Upload WebVTT captions (a .vtt file). Nothing was saved."),
    "transcript": _l("Upload the transcript as Markdown text (a .md file). Nothing was saved."),
    "replace": _l(
        "Replace it with a file of the same type, or upload the new file as a new video. "
        "Nothing was saved."
    ),
}


def shown_name(client_name: str | None) -> str:
    """The name a browser sent, as messages show it (its last part, shortened)."""
    name = re.split(r"[\\/]", client_name or "")[-1].strip() or "?"
    return name if len(name) <= SHOWN_NAME_MAX else name[: SHOWN_NAME_MAX - 1] + "…"


def size_text(size: int) -> str:
    """A file size for people: ``640 kB``, ``1.5 MB`` (in the interface's language)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{format_decimal(round(size / 1024, 1), '#,##0.#')} kB"
    return f"{format_decimal(round(size / 1024 / 1024, 1), '#,##0.#')} MB"


class MediaRefused(DomainError):
    """An upload was refused for what its bytes are (or are not); the message names the file
    and says what to upload instead."""

    code = "media_refused"
    status = 422

    def __init__(self, reason: str, slot: str, name: str | None, **params: Any) -> None:
        super().__init__(reason, name=shown_name(name), **params)
        self.reason = reason
        self.slot = slot

    def describe(self) -> str:
        return f"{REASONS[self.reason] % self.params} {ADVICE[self.slot]}"


class FileInUse(DomainError):
    code = "media_in_use"
    message = _l(
        "“%(name)s” is used in %(sections)s. Remove the video from the section first; the "
        "file was not removed."
    )


class MediaChanged(DomainError):
    code = "media_changed"
    message = _l(
        "Another trainer changed this file after you opened the page, so nothing was done. "
        "Look at the list again and repeat what you wanted to do."
    )


class BadVideoAddress(DomainError):
    code = "bad_video_address"
    status = 422
    message = _l(
        "“%(address)s” is not a YouTube or Vimeo video address. Paste the address of the "
        "video's page, e.g. https://www.youtube.com/watch?v=… or https://vimeo.com/…"
    )


class TranscriptNeeded(DomainError):
    code = "transcript_needed"
    status = 422
    message = _l(
        "A YouTube or Vimeo video needs a transcript. Upload it under “Upload a transcript” "
        "first, then choose it here."
    )


class VideoNeeded(DomainError):
    code = "video_needed"
    status = 422
    message = _l("Choose one of this module's videos, or upload the video first.")


# ---------------------------------------------------------------------------- what there is


@dataclass(frozen=True)
class Use:
    """A video block that shows or names a file."""

    section_key: str
    section_title: str  # in Finnish
    language: str
    line: int  # of the block's opening fence in the section file


@dataclass(frozen=True)
class Block:
    """A video block in a section file, as written (read leniently)."""

    section_key: str
    section_title: str
    language: str
    path: str  # the section file
    line: int  # the opening fence (1-based)
    end: int  # the closing fence
    data: Mapping[str, Any]  # the TOML inside; empty when it does not parse

    def value(self, name: str) -> str:
        found = self.data.get(name)
        return str(found) if found is not None else ""

    def names(self) -> set[str]:
        """The media files the block names (``clip.webm``, ``clip.fi.vtt``, …)."""
        found = set()
        for name in ("src", "captions", "transcript"):
            value = self.value(name)
            if value.startswith("media/") and "/" not in value[len("media/") :]:
                found.add(value[len("media/") :])
        return found


@dataclass(frozen=True)
class MediaFile:
    """A file in the module's ``media/`` folder."""

    name: str  # "clip.webm"
    path: str  # "modules/02-…/media/clip.webm"
    kind: str  # "video", "captions", "transcript", "script", "other"
    size: int
    language: str | None  # of captions and transcripts
    sha: str
    used_by: tuple[Use, ...] = ()

    def sections(self) -> list[tuple[str, list[str]]]:
        """The sections that use the file, each with its languages: ``[("Title", ["fi",
        "sv"])]``."""
        return sections_of(self.used_by)


@dataclass(frozen=True)
class VideoFile:
    """An uploaded video with its captions and transcripts by language (None: missing)."""

    file: MediaFile
    captions: dict[str, MediaFile | None]
    transcripts: dict[str, MediaFile | None]

    @property
    def stem(self) -> str:
        return self.file.name.rsplit(".", 1)[0]


@dataclass
class Overview:
    """What the media page shows."""

    files: list[MediaFile] = field(default_factory=list)
    videos: list[VideoFile] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    @property
    def transcripts(self) -> list[MediaFile]:
        return [f for f in self.files if f.kind == "transcript"]

    def file(self, name: str) -> MediaFile | None:
        return next((f for f in self.files if f.name == name), None)


def media_dir(part: str) -> str:
    return f"{part}/media/"


def _kind(name: str) -> tuple[str, str | None]:
    if VIDEO.match(name):
        return "video", None
    captions = CAPTIONS.match(name)
    if captions:
        return "captions", captions.group(2)
    transcript = TRANSCRIPT.match(name)
    if transcript:
        return "transcript", transcript.group(2) or "fi"
    if name.endswith(".md"):
        return "transcript", None
    if name.endswith(".slides.toml"):
        return "script", None
    return "other", None


def video_blocks(files: Mapping[str, bytes], part: str) -> list[Block]:
    """Every video block in the module's sections, in reading order and language."""
    found = []
    for section in docs.read_sections(files, part):
        title = section.title("fi")
        for lang in LANGUAGES:
            path = section.paths.get(lang)
            if path is None:
                continue
            try:
                text = docs.text_of(files, path) or ""
            except docs.Unreadable:
                continue
            lines = text.splitlines()
            i = 0
            while i < len(lines):
                if not FENCE_OPEN.match(lines[i]):
                    i += 1
                    continue
                end = next(
                    (j for j in range(i + 1, len(lines)) if FENCE_CLOSE.match(lines[j])), None
                )
                body = "\n".join(lines[i + 1 : end if end is not None else len(lines)])
                try:
                    data: Mapping[str, Any] = tomllib.loads(body)
                except (tomllib.TOMLDecodeError, RecursionError):
                    data = {}
                last = end if end is not None else len(lines) - 1
                found.append(Block(section.key, title, lang, path, i + 1, last + 1, data))
                i = last + 1
    return found


def _uses(blocks: list[Block]) -> dict[str, list[Use]]:
    """Who uses each file: the files a block names, and every language's captions beside
    the captions it names (the player offers them as tracks)."""
    uses: dict[str, list[Use]] = {}
    for block in blocks:
        names = block.names()
        for name in list(names):
            captions = CAPTIONS.match(name)
            if captions:
                names |= {f"{captions.group(1)}.{lang}.vtt" for lang in LANGUAGES}
        for name in sorted(names):
            use = Use(block.section_key, block.section_title, block.language, block.line)
            uses.setdefault(name, []).append(use)
    return uses


def file_sizes(files: services.PartFiles, paths: list[str]) -> dict[str, int]:
    """Sizes of the part's files without reading them (the store knows them; shipped files
    are on disk)."""
    sizes = {p: files.disk[p].stat().st_size for p in paths if p in files.disk}
    stored = store.blob_sizes(files.shas[p] for p in paths if p not in files.disk)
    sizes.update({p: stored.get(files.shas[p], 0) for p in paths if p not in files.disk})
    return sizes


def overview(files: services.PartFiles, part: str) -> Overview:
    """The module's media files with their sizes and users, its videos with their captions,
    and every video block of its sections."""
    prefix = media_dir(part)
    paths = [p for p in files if p.startswith(prefix) and "/" not in p[len(prefix) :]]
    sizes = file_sizes(files, paths)
    blocks = video_blocks(files, part)
    uses = _uses(blocks)
    result = Overview(blocks=blocks)
    for path in paths:
        name = path[len(prefix) :]
        kind, language = _kind(name)
        result.files.append(
            MediaFile(name, path, kind, sizes.get(path, 0), language, files.shas[path],
                      tuple(uses.get(name, ())))
        )  # fmt: skip
    for video in (f for f in result.files if f.kind == "video"):
        stem = video.name.rsplit(".", 1)[0]
        result.videos.append(
            VideoFile(
                file=video,
                captions={lang: result.file(f"{stem}.{lang}.vtt") for lang in LANGUAGES},
                transcripts={
                    lang: result.file(sniffing.transcript_name(stem, lang)) for lang in LANGUAGES
                },
            )
        )
    return result


def scope_of(*paths: str) -> docs.Scope:
    return set(paths).__contains__


def digest_of(files: Mapping[str, bytes], *paths: str) -> str:
    """The fingerprint a form carries of the files it acts on."""
    return services.digest(files, scope_of(*paths))


# ---------------------------------------------------------------------------- uploads


def read_upload(stream: IO[bytes], limit: int) -> tuple[bytes, int]:
    """The upload's bytes (none when it is larger than ``limit``) and its size."""
    try:
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
    except (OSError, AttributeError):
        data = stream.read(limit + 1)
        return (b"", len(data)) if len(data) > limit else (data, len(data))
    if size > limit:
        return b"", size
    data = stream.read(limit + 1)
    return data, len(data)


@dataclass(frozen=True)
class Upload:
    """A file a trainer sent: its bytes, its size and the name the browser gave it."""

    data: bytes
    size: int
    client_name: str | None


def _refuse_size(upload: Upload, slot: str, limit: int) -> None:
    if upload.size > limit:
        raise MediaRefused(
            "too_large", slot, upload.client_name, size=size_text(upload.size),
            limit=size_text(limit),
        )  # fmt: skip
    if upload.size == 0 or not upload.data:
        raise MediaRefused("empty", slot, upload.client_name)


def check_video(upload: Upload, limit: int) -> str:
    """``webm`` or ``mp4``.

    Raises:
        MediaRefused: too large, empty, or not a WebM or MP4 video by its bytes.
    """
    _refuse_size(upload, "video", limit)
    kind = sniffing.sniff(upload.data)
    if kind not in sniffing.VIDEO_EXTENSIONS:
        raise MediaRefused(kind if kind in REASONS else "other", "video", upload.client_name)
    return kind


def check_captions(upload: Upload, limit: int) -> sniffing.CaptionsCheck:
    """The captions' cues (and how many are too long to read).

    Raises:
        MediaRefused: too large, empty, or not WebVTT with at least one cue.
    """
    _refuse_size(upload, "captions", min(limit, TEXT_MAX_BYTES))
    found = sniffing.check_captions(upload.data)
    if found.problem is not None:
        raise MediaRefused(found.problem, "captions", upload.client_name)
    return found


def check_transcript(upload: Upload, limit: int) -> None:
    """Raises:
    MediaRefused: too large, empty, or not UTF-8 Markdown text.
    """
    _refuse_size(upload, "transcript", min(limit, TEXT_MAX_BYTES))
    problem = sniffing.check_transcript(upload.data)
    if problem is not None:
        raise MediaRefused(problem, "transcript", upload.client_name)


def _free_name(files: Mapping[str, bytes], part: str, make: Callable[[str], str], stem: str) -> str:
    """``make(stem)``, or ``make(stem-2)``, … : the first name not taken in ``media/``."""
    n = 1
    while True:
        candidate = make(stem if n == 1 else f"{stem}-{n}")
        if media_dir(part) + candidate not in files:
            return candidate
        n += 1


def _save(
    part: str,
    files: Mapping[str, bytes],
    changes: tuple[dict[str, bytes], set[str]],
    *,
    paths: tuple[str, ...],
    seen: str | None,
    actor_id: int | None,
    now: datetime,
) -> None:
    """Save into the draft; ``seen`` is what the form showed of ``paths`` (None: what this
    request read, for a new file).

    Raises:
        MediaChanged: another trainer changed those files since.
    """
    scope = scope_of(*paths)
    try:
        services.save(
            part,
            # The store takes bytes as well as text; the editor's forms only ever send text.
            cast(docs.Changes, changes),
            scope=scope,
            seen=seen if seen is not None else services.digest(files, scope),
            actor_id=actor_id,
            now=now,
        )
    except services.EditConflict:
        raise MediaChanged() from None


def upload_video(
    part: str, files: Mapping[str, bytes], upload: Upload, *, limit: int, actor_id: int | None,
    now: datetime,
) -> str:  # fmt: skip
    """Store a new video in the module's draft; returns its name (``clip.webm``).

    Raises:
        MediaRefused: see ``check_video``.
    """
    kind = check_video(upload, limit)
    stem = sniffing.stored_stem(upload.client_name, default="video")
    name = _free_name(files, part, lambda s: s + sniffing.VIDEO_EXTENSIONS[kind], stem)
    path = media_dir(part) + name
    _save(part, files, ({path: upload.data}, set()), paths=(path,), seen=None,
          actor_id=actor_id, now=now)  # fmt: skip
    return name


def upload_captions(
    part: str, files: Mapping[str, bytes], video: str, language: str, upload: Upload, *,
    limit: int, actor_id: int | None, now: datetime,
) -> tuple[str, int]:  # fmt: skip
    """Store a video's captions in one language (replacing that language's captions);
    returns their name and how many cues are too long to read.

    Raises:
        LookupError: the module has no such video, or no such language.
        MediaRefused: see ``check_captions``.
    """
    if not VIDEO.match(video) or media_dir(part) + video not in files or language not in LANGUAGES:
        raise LookupError(video)
    found = check_captions(upload, limit)
    name = sniffing.captions_name(video, language)
    path = media_dir(part) + name
    _save(part, files, ({path: upload.data}, set()), paths=(path,), seen=None,
          actor_id=actor_id, now=now)  # fmt: skip
    return name, found.long_cues


def upload_transcript(
    part: str, files: Mapping[str, bytes], language: str, upload: Upload, *, limit: int,
    actor_id: int | None, now: datetime,
) -> str:  # fmt: skip
    """Store a new transcript (Markdown) in one language; returns its name.

    Raises:
        LookupError: no such language.
        MediaRefused: see ``check_transcript``.
    """
    if language not in LANGUAGES:
        raise LookupError(language)
    check_transcript(upload, limit)
    stem = sniffing.stored_stem(upload.client_name, default="transcript")
    name = _free_name(files, part, lambda s: sniffing.transcript_name(s, language), stem)
    path = media_dir(part) + name
    _save(part, files, ({path: upload.data}, set()), paths=(path,), seen=None,
          actor_id=actor_id, now=now)  # fmt: skip
    return name


def replace_file(
    part: str, files: Mapping[str, bytes], name: str, upload: Upload, *, seen: str,
    limit: int, actor_id: int | None, now: datetime,
) -> int:  # fmt: skip
    """Replace a video, captions or transcript with a file of the same kind (the name, and
    so every section that shows it, stays); returns how many cues are too long to read.

    Raises:
        LookupError: no such file, or one of another kind (a script).
        MediaRefused: the new file is not what the old one is (a WebM for a WebM …).
        MediaChanged: another trainer changed the file since ``seen``.
    """
    path = media_dir(part) + name
    kind, _language = _kind(name)
    if path not in files or kind not in ("video", "captions", "transcript"):
        raise LookupError(name)
    long_cues = 0
    if kind == "video":
        found = check_video(upload, limit)
        expected = name.rsplit(".", 1)[1]
        if found != expected:
            raise MediaRefused(
                "wrong_type", "replace", upload.client_name, found=found.upper(),
                expected=expected.upper(),
            )  # fmt: skip
    elif kind == "captions":
        long_cues = check_captions(upload, limit).long_cues
    else:
        check_transcript(upload, limit)
    _save(part, files, ({path: upload.data}, set()), paths=(path,), seen=seen,
          actor_id=actor_id, now=now)  # fmt: skip
    return long_cues


def sections_of(uses: tuple[Use, ...] | list[Use]) -> list[tuple[str, list[str]]]:
    """Uses grouped by section (its Finnish title), with the languages of each."""
    seen: dict[str, list[str]] = {}
    for use in uses:
        langs = seen.setdefault(use.section_title, [])
        if use.language not in langs:
            langs.append(use.language)
    return list(seen.items())


def _sections_text(uses: list[Use]) -> str:
    return ", ".join(f"“{title}” ({', '.join(langs)})" for title, langs in sections_of(uses))


def remove_file(
    part: str, files: services.PartFiles, name: str, *, seen: str, actor_id: int | None,
    now: datetime,
) -> None:  # fmt: skip
    """Remove a file from the module's draft (published versions keep it).

    Raises:
        LookupError: no such file.
        FileInUse: a section still shows or names it (the message names the sections).
        MediaChanged: another trainer changed the file since ``seen``.
    """
    path = media_dir(part) + name
    if "/" in name or path not in files:
        raise LookupError(name)
    uses = _uses(video_blocks(files, part)).get(name)
    if uses:
        raise FileInUse(name=name, sections=_sections_text(uses))
    _save(part, files, ({}, {path}), paths=(path,), seen=seen, actor_id=actor_id, now=now)


# ---------------------------------------------------------------------------- video blocks


@dataclass(frozen=True)
class NewVideo:
    """A video block to add: an uploaded file (``video``) or an address (``address``)."""

    titles: dict[str, str]  # by language; Finnish required, the others default to it
    duration: str  # "m:ss"
    video: str = ""  # "clip.webm"
    address: str = ""
    transcript: str = ""  # "clip.transcript.md" (the Finnish one; its translations follow)


def _transcript_for(files: Mapping[str, bytes], part: str, name: str, lang: str) -> str:
    """The transcript of ``lang`` beside the Finnish one, if there is one, else the Finnish."""
    if lang != "fi":
        match = TRANSCRIPT.match(name)
        if match and not match.group(2):
            translated = sniffing.transcript_name(match.group(1), lang)
            if media_dir(part) + translated in files:
                return translated
    return name


def block_text(fields: list[tuple[str, str]]) -> str:
    """A fenced video block with these ``name = "value"`` lines."""
    lines = [f"{name} = {toml_string(value)}" for name, value in fields]
    return "\n".join(["```video", *lines, "```"])


def insert_video(
    part: str, files: services.PartFiles, section_key: str, new: NewVideo, *,
    actor_id: int | None, now: datetime,
) -> list[str]:  # fmt: skip
    """Add a video block at the end of a section, in each language the section has; returns
    the languages it went into.

    Raises:
        LookupError: no such section.
        VideoNeeded: the uploaded video named is not in the module.
        BadVideoAddress: the address is not a YouTube or Vimeo video we know.
        TranscriptNeeded: a YouTube or Vimeo video without a transcript.
    """
    section = next((s for s in docs.read_sections(files, part) if s.key == section_key), None)
    if section is None:
        raise LookupError(section_key)
    transcript = new.transcript
    if transcript and (
        media_dir(part) + transcript not in files or _kind(transcript)[0] != "transcript"
    ):
        transcript = ""
    external = None
    if new.address.strip():
        external = sniffing.parse_video_url(new.address)
        if external is None:
            raise BadVideoAddress(address=shown_name(new.address.strip()))
        if not transcript:
            raise TranscriptNeeded()
    elif not VIDEO.match(new.video) or media_dir(part) + new.video not in files:
        raise VideoNeeded()
    texts: dict[str, str] = {}
    for lang, path in sorted(section.paths.items()):
        text = docs.text_of(files, path) or ""
        title = (new.titles.get(lang) or "").strip() or new.titles["fi"].strip()
        fields: list[tuple[str, str]]
        if external is not None:
            fields = [("provider", external.provider), ("id", external.id)]
        else:
            fields = [
                ("provider", "file"),
                ("src", f"media/{new.video}"),
                ("captions", f"media/{sniffing.captions_name(new.video, lang)}"),
            ]
        fields += [("title", title), ("duration", new.duration.strip())]
        if transcript:
            fields.append(("transcript", f"media/{_transcript_for(files, part, transcript, lang)}"))
        texts[path] = text.rstrip("\n") + "\n\n" + block_text(fields) + "\n"
    scope = docs.section_scope(part, section_key)
    try:
        services.save(
            part, (texts, set()), scope=scope, seen=services.digest(files, scope),
            actor_id=actor_id, now=now,
        )  # fmt: skip
    except services.EditConflict:
        raise MediaChanged() from None
    return [lang for lang in LANGUAGES if section.paths.get(lang) in texts]

"""Media files from outside: what a file is by its bytes (never by its name), WebVTT captions
checked as the loader checks them, safe stored names, and YouTube / Vimeo addresses.

No Flask here: the editor (``elearn.authoring.mediafiles``) turns each finding into a
localized message that names the file.

- A video is a WebM (the EBML magic ``1A 45 DF A3`` with the DocType ``webm``) or an MP4 (an
  ``ftyp`` box at offset 4 with a known brand). Matroska, QuickTime, images, programs and
  everything else are not.
- Captions are UTF-8 text that begins with ``WEBVTT`` (a byte order mark may come first) and
  has at least one cue (``parse_vtt``), as ``flask content check`` requires; cues longer than
  two lines of 42 characters are a quality problem there and a warning here.
- A transcript is UTF-8 Markdown (rendered through the one sanitiser), not an HTML or SVG
  document and not a program.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from elearn.content.captions import Cue, cue_problem, parse_vtt
from elearn.content.schema import VIMEO_ID, YOUTUBE_ID

VIDEO_EXTENSIONS = {"webm": ".webm", "mp4": ".mp4"}
VIDEO_MIME = {"webm": "video/webm", "mp4": "video/mp4"}
# ISO base media brands of files browsers play as video/mp4 (the major brand, or one of the
# compatible brands, must be one of these). M4A (audio), QuickTime (qt) and 3GP are not.
MP4_BRANDS = frozenset(
    {
        b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9",
        b"mp41", b"mp42", b"avc1", b"dash", b"M4V ", b"M4VH", b"M4VP", b"mmp4", b"msnv",
    }
)  # fmt: skip
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE = 0x4282
EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux and other Unix programs
    b"MZ",  # Windows programs and libraries (PE)
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal binaries, Java classes
    b"#!",  # scripts
)  # fmt: skip
SNIFF_BYTES = 1024
NAME_MAX = 60
LANGUAGE_SUFFIX = re.compile(r"\.(fi|sv|en)$")


# ---------------------------------------------------------------------------- what a file is


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at ``pos``: (value, its length), or None."""
    if pos >= len(data):
        return None
    first = data[pos]
    length = next((n for n in range(1, 9) if first & (0x80 >> (n - 1))), 0)
    if not length or pos + length > len(data):
        return None
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    return value, length


def webm_doctype(data: bytes) -> str | None:
    """The DocType of an EBML file (``webm``, ``matroska``), or None when it is not one."""
    if not data.startswith(EBML_MAGIC):
        return None
    size = _vint(data, len(EBML_MAGIC), keep_marker=False)
    if size is None:
        return None
    pos = len(EBML_MAGIC) + size[1]
    end = min(len(data), pos + size[0])
    while pos < end:
        element = _vint(data, pos, keep_marker=True)
        if element is None:
            return None
        length = _vint(data, pos + element[1], keep_marker=False)
        if length is None:
            return None
        start = pos + element[1] + length[1]
        if element[0] == EBML_DOCTYPE:
            raw = data[start : start + length[0]].rstrip(b"\x00")
            return raw.decode("ascii", "replace")
        pos = start + length[0]
    return None


def mp4_brands(data: bytes) -> tuple[bytes, ...] | None:
    """The major and compatible brands of an ISO base media file (``ftyp`` at offset 4)."""
    if len(data) < 12 or data[4:8] != b"ftyp":
        return None
    size = int.from_bytes(data[0:4], "big")
    end = min(len(data), size if size >= 16 else 16, 4096)
    compatible = tuple(data[i : i + 4] for i in range(16, end - 3, 4))
    return (data[8:12], *compatible)


def _markup(data: bytes, *, anywhere: bool) -> str | None:
    """``svg`` or ``html`` for a document of that kind, else None (``anywhere``: an HTML tag
    anywhere in the first kilobyte counts, not only at the start)."""
    head = data[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"<svg", b"<!doctype svg")) or (
        head.startswith(b"<?xml") and b"<svg" in head
    ):
        return "svg"
    html_starts = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")
    if head.startswith(html_starts):
        return "html"
    if anywhere and any(tag in head for tag in (b"<html", b"<script", b"<svg")):
        return "html"
    return None


def sniff(data: bytes) -> str:
    """What ``data`` is: ``empty``, ``executable``, ``svg``, ``html``, ``webm``, ``mp4``,
    ``matroska`` or ``other``."""
    if not data:
        return "empty"
    if data.startswith(EXECUTABLE_MAGIC) and (
        not data.startswith(b"MZ") or b"\x00" in data[:64]  # a DOS header, not a word
    ):
        return "executable"
    markup = _markup(data, anywhere=False)
    if markup is not None:
        return markup
    doctype = webm_doctype(data)
    if doctype is not None:
        return "webm" if doctype == "webm" else "matroska"
    brands = mp4_brands(data)
    if brands is not None and any(b in MP4_BRANDS for b in brands):
        return "mp4"
    return _markup(data, anywhere=True) or "other"


# ---------------------------------------------------------------------------- captions


@dataclass(frozen=True)
class CaptionsCheck:
    """What checking a WebVTT file found: ``problem`` refuses it; ``long_cues`` is a warning."""

    problem: str | None  # "not_utf8", "executable", "svg", "html", "not_webvtt", "no_cues"
    cues: tuple[Cue, ...] = ()
    long_cues: int = 0


def check_captions(data: bytes) -> CaptionsCheck:
    """Check a WebVTT captions file as ``flask content check`` does."""
    kind = sniff(data)
    if kind in ("empty", "executable", "svg", "html"):
        return CaptionsCheck(kind)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return CaptionsCheck("not_utf8")
    header = text.split("\n", 1)[0].rstrip("\r")
    if not (header == "WEBVTT" or header.startswith(("WEBVTT ", "WEBVTT\t"))):
        return CaptionsCheck("not_webvtt")
    cues = tuple(parse_vtt(text))
    if not cues:
        return CaptionsCheck("no_cues")
    return CaptionsCheck(None, cues, sum(1 for c in cues if cue_problem(c)))


def check_transcript(data: bytes) -> str | None:
    """Why a transcript cannot be used (``empty``, ``executable``, ``svg``, ``html``,
    ``not_utf8``), or None."""
    kind = sniff(data)
    if kind in ("empty", "executable", "svg", "html"):
        return kind
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return "not_utf8"
    if "\x00" in text:
        return "not_utf8"
    return "empty" if not text.strip() else None


# ---------------------------------------------------------------------------- names


def slug(text: str, *, default: str) -> str:
    """Lower-case letters a-z, digits and dashes (``Työsopimus 2.webm`` -> ``tyosopimus-2``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    found = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return found[:NAME_MAX].strip("-") or default


def base_name(client_name: str | None) -> str:
    """The last part of a name a browser sent, without its folders or its extension.

    Browsers send only the name, but a request can carry anything (``../../app.py``,
    ``C:\\temp\\x.webm``): only the final part counts, and only as a hint.
    """
    name = re.split(r"[\\/]", client_name or "")[-1]
    stem, dot, _ext = name.rpartition(".")
    return stem if dot and stem else name


def stored_stem(client_name: str | None, *, default: str) -> str:
    """The slug a file is stored under; a language or ``transcript`` suffix is dropped
    (``Osallistuminen.transcript.sv`` -> ``osallistuminen``), the name adds its own."""
    stem = base_name(client_name)
    stem = LANGUAGE_SUFFIX.sub("", stem)
    stem = re.sub(r"[.\-_ ]transcript$", "", stem, flags=re.IGNORECASE)
    return slug(stem, default=default)


def captions_name(video_name: str, lang: str) -> str:
    """``clip.webm`` -> ``clip.fi.vtt``: the name the loader finds a language's track by."""
    return f"{video_name.rsplit('.', 1)[0]}.{lang}.vtt"


def transcript_name(stem: str, lang: str) -> str:
    """``clip`` -> ``clip.transcript.md`` (Finnish), ``clip.transcript.sv.md``."""
    return f"{stem}.transcript.md" if lang == "fi" else f"{stem}.transcript.{lang}.md"


# ---------------------------------------------------------------------------- addresses


@dataclass(frozen=True)
class ExternalVideo:
    """A YouTube or Vimeo video named by its id."""

    provider: str  # "youtube" or "vimeo"
    id: str


YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})
YOUTUBE_EMBED_HOSTS = YOUTUBE_HOSTS | {"youtube-nocookie.com", "www.youtube-nocookie.com"}
VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com"})
YOUTUBE_PATHS = frozenset({"embed", "shorts", "live", "v"})  # /embed/ID, /shorts/ID …


def parse_video_url(address: str) -> ExternalVideo | None:
    """The video an address a trainer pasted names, or None when it is not one we know.

    YouTube: ``youtu.be/ID``, ``youtube.com/watch?v=ID``, ``youtube.com/embed/ID``,
    ``youtube.com/shorts/ID``, ``youtube-nocookie.com/embed/ID``. Vimeo: ``vimeo.com/ID``,
    ``vimeo.com/channels/<name>/ID``, ``player.vimeo.com/video/ID``.
    """
    text = address.strip()
    if "://" not in text and not text.startswith("//"):
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return None
    try:
        if parts.port not in (None, 80, 443):
            return None
    except ValueError:
        return None
    steps = [p for p in parts.path.split("/") if p]
    found: ExternalVideo | None = None
    if host == "youtu.be" and len(steps) == 1:
        found = ExternalVideo("youtube", steps[0])
    elif host in YOUTUBE_HOSTS and steps == ["watch"]:
        ids = parse_qs(parts.query).get("v", [])
        found = ExternalVideo("youtube", ids[0]) if len(ids) == 1 else None
    elif host in YOUTUBE_EMBED_HOSTS and len(steps) == 2 and steps[0] in YOUTUBE_PATHS:
        embed = steps[0] == "embed"
        found = ExternalVideo("youtube", steps[1]) if embed or host in YOUTUBE_HOSTS else None
    elif host in VIMEO_HOSTS and len(steps) == 1:
        found = ExternalVideo("vimeo", steps[0])
    elif host in VIMEO_HOSTS and len(steps) == 3 and steps[0] == "channels":
        found = ExternalVideo("vimeo", steps[2])
    elif host == "player.vimeo.com" and len(steps) == 2 and steps[0] == "video":
        found = ExternalVideo("vimeo", steps[1])
    if found is None:
        return None
    pattern = YOUTUBE_ID if found.provider == "youtube" else VIMEO_ID
    return found if pattern.match(found.id) else None

"""WebVTT captions: reading cues, and splitting text into cues people can read.

A cue has at most ``MAX_LINES`` lines of at most ``MAX_LINE`` characters (the usual subtitle
limits; characters, not bytes). ``tools/make_videos.py`` writes captions with these
functions and ``flask content check`` holds the files to the same limits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_LINE = 42
MAX_LINES = 2
TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})\.(\d{3})$")
SLIDE_NOTE = re.compile(r"^NOTE slide (\d+)\s*$")


@dataclass(frozen=True)
class Cue:
    """One caption: when it shows, its lines, and the line of the file its text starts on."""

    start: float
    end: float
    lines: tuple[str, ...]
    line: int  # 1-based line of the first text line in the file
    slide: int | None = None  # from a ``NOTE slide N`` block before it, if any

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def parse_timestamp(value: str) -> float | None:
    """``01:02.500`` or ``00:01:02.500`` in seconds; None when it is not a timestamp."""
    match = TIMESTAMP.match(value.strip())
    if not match:
        return None
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def format_timestamp(seconds: float) -> str:
    """Seconds as ``mm:ss.mmm`` (``hh:mm:ss.mmm`` from an hour on)."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    text = f"{minutes:02d}:{secs:02d}.{millis:03d}"
    return f"{hours:02d}:{text}" if hours else text


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file; blocks that are not cues (NOTE, STYLE, REGION) are skipped.

    A ``NOTE slide N`` block (written by ``tools/make_videos.py``) marks the cues after it as
    belonging to slide N.
    """
    cues: list[Cue] = []
    slide: int | None = None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 1  # line 0 is the WEBVTT header
    while i < len(lines):
        while i < len(lines) and not lines[i].strip():
            i += 1
        start_of_block = i
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i].strip())
            i += 1
        if not block:
            break
        note = SLIDE_NOTE.match(block[0])
        if note:
            slide = int(note.group(1))
            continue
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_index = next((n for n, line in enumerate(block) if "-->" in line), None)
        if timing_index is None:
            continue
        start_text, _, rest = block[timing_index].partition("-->")
        start = parse_timestamp(start_text)
        end = parse_timestamp(rest.split()[0]) if rest.split() else None
        cue_lines = tuple(block[timing_index + 1 :])
        if cue_lines:
            cues.append(
                Cue(
                    start=start if start is not None else 0.0,
                    end=end if end is not None else 0.0,
                    lines=cue_lines,
                    line=start_of_block + timing_index + 2,
                    slide=slide,
                )
            )
    return cues


def cue_problem(cue: Cue) -> str | None:
    """What makes a cue too long to read, or None."""
    if len(cue.lines) > MAX_LINES:
        return f"a cue has {len(cue.lines)} lines (at most {MAX_LINES})"
    longest = max(cue.lines, key=len)
    if len(longest) > MAX_LINE:
        return f"a caption line has {len(longest)} characters (at most {MAX_LINE})"
    return None


def sentences(text: str) -> list[str]:
    """Sentences of a caption text (each becomes one or more cues)."""
    parts = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [p for p in parts if p]


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than ``width`` is cut into pieces."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _balance(words: list[str], width: int) -> list[str]:
    """Two lines from ``words``, as even as the width allows (one line when it fits)."""
    whole = " ".join(words)
    if len(whole) <= width or len(words) < 2:
        return _wrap(whole, width)
    best: list[str] | None = None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        fits = len(first) <= width and len(second) <= width
        if fits and (
            best is None or abs(len(first) - len(second)) < abs(len(best[0]) - len(best[1]))
        ):
            best = [first, second]
    return best or _wrap(whole, width)


def split_cue(text: str, *, width: int = MAX_LINE, max_lines: int = MAX_LINES) -> list[list[str]]:
    """Split a sentence into cues of at most ``max_lines`` lines of at most ``width`` characters.

    Breaks only between words (a single word longer than a line is cut). The cues are about
    the same size: a sentence that needs three lines becomes two cues of one or two lines,
    not a full cue and a short tail.
    """
    words = text.split()
    if not words:
        return []
    needed = math.ceil(len(_wrap(text, width)) / max_lines)
    for count in range(needed, len(words) + 1):
        # Cut the words into ``count`` runs of about equal length, then wrap each.
        target = len(" ".join(words)) / count
        runs: list[list[str]] = [[]]
        length = 0
        for word in words:
            if runs[-1] and length + len(word) / 2 > target * len(runs) and len(runs) < count:
                runs.append([])
            runs[-1].append(word)
            length += len(word) + 1
        cues = [_balance(run, width) for run in runs if run]
        if all(len(c) <= max_lines and all(len(x) <= width for x in c) for c in cues):
            return cues
    return [[line] for line in _wrap(text, width)]  # pragma: no cover - one word a line fits


def timed_cues(
    text: str, start: float, end: float, *, width: int = MAX_LINE, max_lines: int = MAX_LINES
) -> list[tuple[float, float, list[str]]]:
    """The cues of ``text`` shown between ``start`` and ``end``.

    Each sentence gets a share of the time in proportion to its length; a sentence split
    into several cues divides its share the same way.
    """
    pieces = [
        cue
        for sentence in sentences(text)
        for cue in split_cue(sentence, width=width, max_lines=max_lines)
    ]
    total = sum(len(" ".join(p)) for p in pieces)
    if not pieces or total == 0:
        return []
    out = []
    clock = start
    for n, piece in enumerate(pieces):
        share = (end - start) * len(" ".join(piece)) / total
        stop = end if n == len(pieces) - 1 else clock + share
        out.append((clock, stop, piece))
        clock = stop
    return out


def render_vtt(slides: list[list[tuple[float, float, list[str]]]]) -> str:
    """A WebVTT file: each slide's cues after a ``NOTE slide N`` marker."""
    out = ["WEBVTT", ""]
    for number, cues in enumerate(slides, start=1):
        out += [f"NOTE slide {number}", ""]
        for start, end, lines in cues:
            out += [f"{format_timestamp(start)} --> {format_timestamp(end)}", *lines, ""]
    return "\n".join(out)


def slide_spans(text: str) -> list[tuple[float, float]]:
    """When each slide of a rendered clip is spoken, read back from its captions.

    With ``NOTE slide N`` markers the cues say their slide. Older files have none: a slide's
    cues follow each other without a gap and a pause separates slides, so a gap between two
    cues starts a new slide.
    """
    cues = parse_vtt(text)
    spans: list[tuple[float, float]] = []
    if cues and all(c.slide is not None for c in cues):
        by_slide: dict[int, tuple[float, float]] = {}
        for cue in cues:
            first, last = by_slide.get(cue.slide, (cue.start, cue.end))  # type: ignore[arg-type]
            by_slide[cue.slide] = (min(first, cue.start), max(last, cue.end))  # type: ignore[index]
        return [by_slide[n] for n in sorted(by_slide)]
    for cue in cues:
        if spans and abs(cue.start - spans[-1][1]) < 0.0005:
            spans[-1] = (spans[-1][0], cue.end)
        else:
            spans.append((cue.start, cue.end))
    return spans

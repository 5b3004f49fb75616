"""Load and validate ``content/modules/``: every problem names its file and line.

The loader never returns half a course: it collects every problem it finds and raises one
``ContentError`` listing them all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from markupsafe import Markup

from elearn.content.model import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Course,
    Module,
    ModuleText,
    Option,
    OptionText,
    Question,
    Quiz,
    Section,
    SectionText,
    Source,
    Video,
)
from elearn.content.question_types import QUESTION_TYPES
from elearn.core.markup import render_markdown

URL_PREFIX = "/modules"  # where the courses blueprint serves modules and sections
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content" / "modules"
RESERVED_SECTION_KEYS = frozenset({"print", "media", "quiz"})  # taken by module-level pages
MODULE_DIR = re.compile(r"^(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(sv|en))?\.md$")
KEY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
DURATION = re.compile(r"^\d{1,3}:[0-5]\d$")
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d{4,12}$")
INTERNAL_LINK = re.compile(r"\]\((module|section):([^)\s]*)\)")
FENCE_OPEN = re.compile(r"^```\s*video\s*$")
FENCE_CLOSE = re.compile(r"^```\s*$")
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


class Problem(NamedTuple):
    """One thing wrong with the content, at a file and (where known) a line."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content tree is invalid; ``problems`` lists everything found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _Context:
    """Problems found so far, and links to check once every module is loaded."""

    display_root: Path
    problems: list[Problem] = field(default_factory=list)
    links: list[tuple[Path, int, str, str]] = field(default_factory=list)

    def show(self, path: Path) -> str:
        rel = os.path.relpath(path, self.display_root)
        return str(path) if rel.startswith("..") else rel

    def add(self, path: Path, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.show(path), line, message))


def _hash(data: Any) -> str:
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def _read_text(path: Path, ctx: _Context) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        ctx.add(path, None, "file is missing")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        ctx.add(path, line, "the file is not UTF-8 text; save it as UTF-8")
    return None


def _toml(text: str, path: Path, ctx: _Context, line_offset: int = 0) -> dict | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match.group(1)) + line_offset if match else line_offset or None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        ctx.add(path, line, f"TOML syntax error: {message}")
        return None


def _line_of(text: str, pattern: str, start: int = 0) -> int | None:
    """The 1-based line of the first match of ``pattern`` at or after offset ``start``."""
    match = re.compile(pattern, re.MULTILINE).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def count_words(markdown_text: str) -> int:
    """Words a learner reads: link targets and Markdown punctuation do not count."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown_text)
    text = re.sub(r"https?://\S+", " ", text)
    return len(WORD.findall(text))


# ---------------------------------------------------------------------------- videos


def _vtt_cues(text: str) -> list[str]:
    """The spoken text of a WebVTT file, cue by cue."""
    cues, current = [], []
    for line in text.splitlines()[1:]:
        line = line.strip()
        if "-->" in line:
            current = []
            cues.append(current)
        elif line and cues and not line.startswith(("NOTE", "STYLE", "REGION")):
            current.append(line)
    return [" ".join(c) for c in cues if c]


def _media_file(module_dir: Path, value: Any, what: str, path: Path, line: int, ctx: _Context):
    if not isinstance(value, str) or not value:
        ctx.add(path, line, f"video: {what} is missing")
        return None
    target = (module_dir / value).resolve()
    if module_dir.resolve() not in target.parents:
        ctx.add(path, line, f"video: {what} {value!r} must be a file inside the module folder")
        return None
    if not target.is_file():
        ctx.add(path, line, f"video: {what} file {value!r} does not exist")
        return None
    return target


def _video(
    data: dict, module_dir: Path, path: Path, line: int, key: str, ctx: _Context
) -> Video | None:
    provider = data.get("provider")
    title, duration = data.get("title"), data.get("duration")
    before = len(ctx.problems)
    if provider not in ("file", "youtube", "vimeo"):
        ctx.add(path, line, f"video: unknown provider {provider!r} (use file, youtube or vimeo)")
        return None
    if not isinstance(title, str) or not title.strip():
        ctx.add(path, line, "video: title is missing")
    if not isinstance(duration, str) or not DURATION.match(duration):
        ctx.add(path, line, 'video: duration must be minutes:seconds, e.g. "3:45"')
    fields: dict[str, Any] = {}
    if provider == "file":
        src = _media_file(module_dir, data.get("src"), "src", path, line, ctx)
        if src is not None and src.suffix.lower() not in VIDEO_TYPES:
            ctx.add(path, line, "video: src must be an .mp4 or .webm file")
        if data.get("captions") is None:
            ctx.add(path, line, "video: a self-hosted video needs captions (a WebVTT .vtt file)")
            return None
        captions = _media_file(module_dir, data.get("captions"), "captions", path, line, ctx)
        if captions is not None:
            vtt = _read_text(captions, ctx) or ""
            if not vtt.startswith("WEBVTT") or not _vtt_cues(vtt):
                ctx.add(captions, 1, "captions must be a WebVTT file with at least one cue")
            else:
                lang = re.search(r"\.([a-z]{2})\.vtt$", captions.name)
                fields["captions_lang"] = lang.group(1) if lang else DEFAULT_LANGUAGE
                # One paragraph per cue, sanitised like every other text.
                fields["transcript"] = render_markdown("\n\n".join(_vtt_cues(vtt)))
        if len(ctx.problems) > before or src is None or captions is None:
            return None
        fields.update(
            src=str(src.relative_to(module_dir.resolve())),
            mime=VIDEO_TYPES[src.suffix.lower()],
            captions=str(captions.relative_to(module_dir.resolve())),
        )
    else:
        video_id = str(data.get("id", ""))
        pattern = YOUTUBE_ID if provider == "youtube" else VIMEO_ID
        if not pattern.match(video_id):
            ctx.add(path, line, f"video: {video_id!r} is not a valid {provider} id")
        if data.get("transcript") is None:
            ctx.add(path, line, f"video: a {provider} video needs a transcript (a .md file)")
            return None
        transcript = _media_file(module_dir, data.get("transcript"), "transcript", path, line, ctx)
        text = _read_text(transcript, ctx) if transcript else None
        if len(ctx.problems) > before or text is None:
            return None
        fields.update(video_id=video_id, transcript=render_markdown(text))
    return Video(key=key, provider=provider, title=title, duration=duration, **fields)


# ---------------------------------------------------------------------------- sections


def _chunks(lines: list[str], path: Path, ctx: _Context) -> Iterator[tuple[str, int, str]]:
    """Split a section into ("text", line, markdown) and ("video", line, toml) chunks."""
    buffer: list[str] = []
    start = 2
    i = 1  # line 0 is the title
    while i < len(lines):
        if FENCE_OPEN.match(lines[i]):
            if buffer:
                yield "text", start, "\n".join(buffer)
            end = next((j for j in range(i + 1, len(lines)) if FENCE_CLOSE.match(lines[j])), None)
            if end is None:
                ctx.add(path, i + 1, "video block is not closed with ```")
                return
            yield "video", i + 1, "\n".join(lines[i + 1 : end])
            buffer, start, i = [], end + 2, end + 1
            continue
        buffer.append(lines[i])
        i += 1
    if buffer:
        yield "text", start, "\n".join(buffer)


def _rewrite_links(markdown_text: str, first_line: int, path: Path, ctx: _Context) -> str:
    def replace(match: re.Match) -> str:
        kind, target = match.group(1), match.group(2)
        line = first_line + markdown_text.count("\n", 0, match.start())
        ctx.links.append((path, line, kind, target))
        return f"]({URL_PREFIX}/{target})"

    return INTERNAL_LINK.sub(replace, markdown_text)


def _section_text(path: Path, module_dir: Path, ctx: _Context) -> tuple[SectionText, str] | None:
    raw = _read_text(path, ctx)
    if raw is None:
        return None
    lines = raw.splitlines()
    if not lines or not lines[0].startswith("# ") or not lines[0][2:].strip():
        ctx.add(path, 1, 'the first line must be the section title, e.g. "# Työsopimus"')
        return None
    parts: list[Markup | Video] = []
    words = count_words(lines[0][2:])
    for kind, line, body in _chunks(lines, path, ctx):
        if kind == "text":
            words += count_words(body)
            html = render_markdown(_rewrite_links(body, line, path, ctx))
            if html.strip():
                parts.append(html)
        else:
            data = _toml(body, path, ctx, line_offset=line)
            if data is not None:
                index = sum(isinstance(p, Video) for p in parts) + 1
                video = _video(data, module_dir, path, line, f"{path.stem}-{index}", ctx)
                if video is not None:
                    parts.append(video)
    return SectionText(title=lines[0][2:].strip(), parts=tuple(parts), words=words), raw


def _sections(module_dir: Path, ctx: _Context) -> list[Section]:
    folder = module_dir / "sections"
    if not folder.is_dir():
        ctx.add(folder, None, "the module has no sections folder")
        return []
    found: dict[str, dict[str, Path]] = {}
    numbers: dict[str, int] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        match = SECTION_FILE.match(path.name)
        if not match:
            ctx.add(path, None, "section file names look like 01-key.md or 01-key.en.md")
            continue
        number, key, lang = int(match.group(1)), match.group(2), match.group(3) or "fi"
        if key in RESERVED_SECTION_KEYS:
            ctx.add(path, None, f'"{key}" is reserved; give the section another key')
            continue
        if lang == "fi" and key in found and "fi" in found[key]:
            ctx.add(path, None, f'duplicate section key "{key}"')
            continue
        found.setdefault(key, {})[lang] = path
        if lang == "fi":
            numbers[key] = number
    sections = []
    for key, files in found.items():
        if "fi" not in files:
            for path in files.values():
                ctx.add(path, None, f'translation without a Finnish section "{key}"')
            continue
        texts: dict[str, SectionText] = {}
        digest = ""
        for lang, path in sorted(files.items()):
            result = _section_text(path, module_dir, ctx)
            if result is not None:
                texts[lang] = result[0]
                if lang == "fi":
                    digest = _hash(result[1])
        if "fi" in texts:
            sections.append(Section(key, numbers[key], files["fi"], texts, digest))
    if not sections and not ctx.problems:
        ctx.add(folder, None, "the module has no sections")
    return sorted(sections, key=lambda s: (s.number, s.key))


# ---------------------------------------------------------------------------- quiz


def _quiz_texts(module_dir: Path, ctx: _Context) -> dict[str, tuple[Path, str, dict]]:
    loaded = {}
    for lang in LANGUAGES:
        path = module_dir / ("quiz.toml" if lang == "fi" else f"quiz.{lang}.toml")
        if lang != "fi" and not path.exists():
            continue
        raw = _read_text(path, ctx)
        data = _toml(raw, path, ctx) if raw is not None else None
        if data is not None:
            loaded[lang] = (path, raw, data)
    return loaded


def _quiz(module_dir: Path, ctx: _Context) -> Quiz | None:
    files = _quiz_texts(module_dir, ctx)
    if "fi" not in files:
        return None
    path, raw, data = files["fi"]
    pass_mark = data.get("pass_mark", 80)
    if not isinstance(pass_mark, int) or not 0 < pass_mark <= 100:
        ctx.add(path, _line_of(raw, r"^pass_mark"), "pass_mark must be a whole number 1-100")
    max_attempts = data.get("max_attempts")
    if max_attempts is not None and (not isinstance(max_attempts, int) or max_attempts < 1):
        line = _line_of(raw, r"^max_attempts")
        ctx.add(
            path, line, "max_attempts must be a whole number above 0 (leave it out for no limit)"
        )
    items = data.get("questions")
    if not isinstance(items, list) or not items:
        ctx.add(path, None, "the quiz has no [[questions]]")
        return None
    translations = {
        lang: {q.get("key"): q for q in d.get("questions", []) if isinstance(q, dict)}
        for lang, (_p, _r, d) in files.items()
        if lang != "fi"
    }
    questions, seen = [], set()
    offset = 0
    for item in items:
        key = item.get("key")
        line = (
            _line_of(raw, r"^\s*key\s*=\s*" + re.escape(json.dumps(key)), offset) if key else None
        )
        line = line or _line_of(raw, r"^\[\[questions\]\]", offset)
        if line:
            offset = sum(len(x) + 1 for x in raw.split("\n")[:line])
        question = _question(item, translations, path, line, seen, ctx)
        if question is not None:
            questions.append(question)
    for lang, by_key in translations.items():
        for key in by_key:
            if key not in seen:
                tpath, traw, _ = files[lang]
                ctx.add(tpath, _line_of(traw, r"key\s*=\s*" + re.escape(json.dumps(key))),
                        f'question "{key}" is not in quiz.toml')  # fmt: skip
    if not isinstance(pass_mark, int):
        return None
    return Quiz(
        pass_mark=pass_mark,
        max_attempts=max_attempts if isinstance(max_attempts, int) else None,
        questions=tuple(questions),
        content_hash=_hash([q.content_hash for q in questions] + [pass_mark]),
    )


def _question(
    item: dict, translations: dict, path: Path, line: int | None, seen: set, ctx: _Context
) -> Question | None:
    key, qtype, text = item.get("key"), item.get("type"), item.get("text")
    label = f'question "{key}"' if key else "a question"
    before = len(ctx.problems)
    if not isinstance(key, str) or not KEY.match(key):
        ctx.add(path, line, f"{label}: key must be lower-case letters, digits and dashes")
    elif key in seen:
        ctx.add(path, line, f'duplicate question key "{key}"')
    if qtype not in QUESTION_TYPES:
        ctx.add(path, line, f"{label}: type must be one of {', '.join(QUESTION_TYPES)}")
    if not isinstance(text, str) or not text.strip():
        ctx.add(path, line, f"{label} has no text")
    options = item.get("options")
    if not isinstance(options, list) or len(options) < 2:
        ctx.add(path, line, f"{label} needs at least two [[questions.options]]")
        return None
    option_keys = [o.get("key") for o in options]
    if len(set(option_keys)) != len(option_keys) or not all(
        isinstance(k, str) and KEY.match(k) for k in option_keys
    ):
        ctx.add(path, line, f"{label}: every option needs its own key, e.g. a, b, c")
    for option in options:
        if not isinstance(option.get("text"), str) or not option["text"].strip():
            ctx.add(path, line, f"{label}: option {option.get('key')!r} has no text")
        if not isinstance(option.get("explanation"), str) or not option["explanation"].strip():
            ctx.add(path, line, f"{label}: option {option.get('key')!r} has no explanation")
        if not isinstance(option.get("correct", False), bool):
            ctx.add(path, line, f"{label}: correct must be true or false")
    correct = sum(1 for o in options if o.get("correct") is True)
    if correct == 0:
        ctx.add(path, line, f"{label} has no correct option")
    elif qtype in QUESTION_TYPES:
        for problem in QUESTION_TYPES[qtype].authoring_problems(len(options), correct):
            ctx.add(path, line, f"{label}: {problem}")
    if len(ctx.problems) > before:
        return None
    seen.add(key)
    texts = {"fi": text}
    option_texts: dict[str, dict[str, OptionText]] = {
        o["key"]: {"fi": OptionText(o["text"], o["explanation"])} for o in options
    }
    for lang, by_key in translations.items():
        translated = by_key.get(key)
        if not translated:
            continue
        if isinstance(translated.get("text"), str):
            texts[lang] = translated["text"]
        for t in translated.get("options", []):
            if t.get("key") in option_texts and isinstance(t.get("text"), str):
                base = option_texts[t["key"]]["fi"]
                option_texts[t["key"]][lang] = OptionText(
                    t["text"], t.get("explanation") or base.explanation
                )
    graded = [[o["key"], o.get("correct") is True, o["text"]] for o in options]
    digest = _hash({"type": qtype, "text": text, "options": graded})
    return Question(
        key=key,
        type=qtype,
        texts=texts,
        options=tuple(
            Option(o["key"], o.get("correct") is True, option_texts[o["key"]]) for o in options
        ),
        content_hash=digest,
    )


# ---------------------------------------------------------------------------- modules


def _module_texts(module_dir: Path, ctx: _Context) -> tuple[dict, dict[str, ModuleText]] | None:
    path = module_dir / "module.toml"
    raw = _read_text(path, ctx)
    data = _toml(raw, path, ctx) if raw is not None else None
    if data is None:
        return None

    def check(data: dict, path: Path, raw: str, required: bool) -> ModuleText | None:
        before = len(ctx.problems)
        for name in ("title", "summary"):
            value = data.get(name)
            if (required or name in data) and (not isinstance(value, str) or not value.strip()):
                ctx.add(path, _line_of(raw, rf"^{name}\b"), f"{name} must be a non-empty text")
        for name in ("objectives", "reflection"):
            if (required or name in data) and not _strings(data.get(name)):
                ctx.add(path, _line_of(raw, rf"^{name}\b"), f"{name} must be a list of texts")
        reflection = data.get("reflection")
        if _strings(reflection) and not 2 <= len(reflection) <= 4:
            ctx.add(path, _line_of(raw, r"^reflection\b"), "give 2-4 reflection questions")
        if len(ctx.problems) > before:
            return None
        return ModuleText(
            title=data.get("title", ""),
            summary=data.get("summary", ""),
            objectives=tuple(data.get("objectives", ())),
            reflection=tuple(data.get("reflection", ())),
        )

    base = check(data, path, raw, required=True)
    if base is None:
        return None
    texts = {"fi": base}
    for lang in LANGUAGES[1:]:
        tpath = module_dir / f"module.{lang}.toml"
        if tpath.exists():
            traw = _read_text(tpath, ctx)
            tdata = _toml(traw, tpath, ctx) if traw is not None else None
            translated = check(tdata, tpath, traw, required=False) if tdata is not None else None
            if translated is not None:
                texts[lang] = ModuleText(
                    title=translated.title or base.title,
                    summary=translated.summary or base.summary,
                    objectives=translated.objectives or base.objectives,
                    reflection=translated.reflection or base.reflection,
                )
    return data, texts


def _sources(data: dict, path: Path, raw: str, ctx: _Context) -> tuple[Source, ...]:
    items = data.get("sources")
    if not isinstance(items, list) or not items:
        ctx.add(path, None, "list the module's sources as [[sources]] with a title")
        return ()
    sources = []
    for item in items:
        title, url = item.get("title"), item.get("url", "")
        if not isinstance(title, str) or not title.strip():
            ctx.add(path, _line_of(raw, r"^\[\[sources\]\]"), "every source needs a title")
            continue
        if url and not re.match(r"^https?://\S+$", str(url)):
            ctx.add(
                path, _line_of(raw, re.escape(str(url))), f"source url {url!r} is not a web address"
            )
            continue
        sources.append(Source(title=title, publisher=str(item.get("publisher", "")), url=str(url)))
    return tuple(sources)


def _module(module_dir: Path, ctx: _Context) -> Module | None:
    match = MODULE_DIR.match(module_dir.name)
    if not match:
        ctx.add(module_dir, None, "module folder names look like 01-henkilokohtainen-apu")
        return None
    before = len(ctx.problems)
    loaded = _module_texts(module_dir, ctx)
    sections = _sections(module_dir, ctx)
    quiz = _quiz(module_dir, ctx)
    if loaded is None:
        return None
    data, texts = loaded
    path = module_dir / "module.toml"
    raw = path.read_text(encoding="utf-8")
    key, minutes = data.get("key"), data.get("minutes")
    if not isinstance(key, str) or not KEY.match(key):
        ctx.add(path, _line_of(raw, r"^key\b"), "key must be lower-case letters, digits and dashes")
    if not isinstance(minutes, int) or minutes <= 0:
        ctx.add(path, _line_of(raw, r"^minutes\b"), "minutes must be a whole number above 0")
    sources = _sources(data, path, raw, ctx)
    if len(ctx.problems) > before or quiz is None:
        return None
    media = frozenset(
        p for s in sections for t in s.texts.values() for v in t.parts if isinstance(v, Video)
        for p in (v.src, v.captions) if p
    )  # fmt: skip
    return Module(
        key=key,
        folder=module_dir.name,
        number=int(match.group(1)),
        path=module_dir,
        minutes=minutes,
        texts=texts,
        sections=tuple(sections),
        quiz=quiz,
        sources=sources,
        content_hash=_hash(
            [texts["fi"].title, [s.content_hash for s in sections], quiz.content_hash]
        ),
        media=media,
    )


def load_course(root: Path, *, display_root: Path | None = None) -> Course:
    """Load every module under ``root`` (``content/modules``).

    Args:
        root: the folder holding one folder per module.
        display_root: paths in problems are shown relative to this (default: two levels up,
            the repository root for ``content/modules``).

    Raises:
        ContentError: listing every problem with its file and line.
    """
    root = Path(root)
    ctx = _Context(display_root=display_root or root.parent.parent)
    if not root.is_dir():
        ctx.add(root, None, "the content folder does not exist")
        raise ContentError(ctx.problems)
    modules = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for folder in folders:
        module = _module(folder, ctx)
        if module is not None:
            modules.append(module)
    all_loaded = len(modules) == len(folders)
    keys: dict[str, Module] = {}
    for module in modules:
        if module.key in keys:
            ctx.add(module.path / "module.toml", None, f'duplicate module key "{module.key}"')
        keys[module.key] = module
    for path, line, kind, target in ctx.links:
        module_key, _, section_key = target.partition("/")
        module = keys.get(module_key)
        if module is None and not all_loaded:
            continue  # the target may be the module that failed; its problem is reported
        wrong_shape = (kind == "module") == bool(section_key)
        if module is None or wrong_shape or (kind == "section" and not module.section(section_key)):
            ctx.add(path, line, f"broken internal link {kind}:{target}")
    if not modules and not ctx.problems:
        ctx.add(root, None, "there are no modules")
    if ctx.problems:
        raise ContentError(ctx.problems)
    return Course(modules=tuple(modules), version=_hash([m.content_hash for m in modules]))

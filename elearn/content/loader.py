"""Load and validate ``content/modules/`` and ``content/pages/``; problems name file and line.

Each file is parsed into its pydantic model (``elearn.content.schema``); the loader then
checks what spans files (keys, links, translations matching the Finnish) and builds the
frozen dataclasses the app renders from (``elearn.content.model``) together with the
side-by-side documents (``ModuleDoc``, ``PageDoc``) the quality checks and, later, the editor
use. It never returns half a course: it collects every problem it finds and raises one
``ContentError`` listing them all. Whatever the files hold (wrong types, bytes that are not
UTF-8, a folder where a file should be), the result is a course or a ``ContentError``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from elearn.content.captions import parse_vtt
from elearn.content.files import (
    INTERNAL_ERROR,
    Collector,
    line_in,
    load_toml,
    parse_toml,
    read_text,
    validate,
)
from elearn.content.model import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    CaptionTrack,
    Course,
    Module,
    ModuleText,
    Option,
    OptionText,
    Page,
    Question,
    Quiz,
    Section,
    SectionText,
    Source,
    Term,
    TermText,
    Video,
)
from elearn.content.problems import ContentError, Problem
from elearn.content.schema import (
    KEY_PATTERN,
    CourseDoc,
    GlossaryFile,
    ModuleDoc,
    ModuleFile,
    ModuleTexts,
    ModuleTranslationFile,
    OptionDoc,
    OptionTextDoc,
    PageDoc,
    PageFile,
    QuestionDoc,
    QuizDoc,
    QuizFile,
    QuizTranslationFile,
    ScriptDoc,
    SectionDoc,
    SlidesFile,
    SourceFile,
    TermFile,
    VideoBlock,
)
from elearn.content.tomlpos import line_of
from elearn.core.markup import render_markdown as _render_markdown

__all__ = ["ContentError", "LoadedContent", "Problem", "load_content", "load_course"]

URL_PREFIX = "/modules"  # where the courses blueprint serves modules and sections
GLOSSARY_URL = f"{URL_PREFIX}/glossary"  # the glossary page; a term is at #term-<key>
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content" / "modules"
RESERVED_SECTION_KEYS = frozenset({"print", "media", "quiz"})  # taken by module-level pages
RESERVED_MODULE_KEYS = frozenset({"glossary", "pages"})  # course-level pages under /modules
MODULE_DIR = re.compile(r"^(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(sv|en))?\.md$")
PAGE_TEXT_FILE = re.compile(r"^page(?:\.(sv|en))?\.md$")
SLIDES_SUFFIX = ".slides.toml"
KEY = KEY_PATTERN
INTERNAL_LINK = re.compile(r"\]\((module|section|term):([^)\s]*)\)")
FENCE_OPEN = re.compile(r"^```\s*video\s*$")
FENCE_CLOSE = re.compile(r"^```\s*$")
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}
CAPTIONS_LANGUAGE = re.compile(r"\.([a-z]{2})\.vtt$")


@lru_cache(maxsize=8192)
def render_markdown(text: str) -> Markup:
    """Course Markdown rendered and sanitised, remembered by its text: a published version
    re-renders only the texts it changed, in each worker (course texts only; never a
    person's own writing, which is not kept in memory)."""
    return _render_markdown(text)


@dataclass(frozen=True)
class LoadedContent:
    """A loaded course: what the app renders from, the documents, and where each came from."""

    course: Course
    doc: CourseDoc
    display_root: Path
    texts: dict[Path, str]  # every file read, by path (for finding lines later)
    # Quality problems found while loading, with the unit and language they leave incomplete.
    deferred: tuple[tuple[Problem, str | None, str | None], ...] = ()

    def show(self, path: Path) -> str:
        """``path`` as problems show it (relative to the repository root)."""
        rel = os.path.relpath(path, self.display_root)
        return str(path) if rel.startswith("..") else rel

    def line(self, path: Path, loc: tuple[str | int, ...]) -> int | None:
        """The line of ``loc`` in the TOML file ``path`` (None if unknown)."""
        text = self.texts.get(path)
        return line_of(text, loc) if text is not None and loc else None


def _hash(data: Any) -> str:
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def count_words(markdown_text: str) -> int:
    """Words a learner reads: link targets and Markdown punctuation do not count."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown_text)
    text = re.sub(r"https?://\S+", " ", text)
    return len(WORD.findall(text))


# ---------------------------------------------------------------------------- videos


def _media_file(
    base_dir: Path, value: str, what: str, path: Path, line: int, ctx: Collector
) -> Path | None:
    try:
        target = (base_dir / value).resolve()
        inside = base_dir.resolve() in target.parents
        exists = inside and target.is_file()
    except (OSError, ValueError):  # a NUL byte, a name too long for the file system
        ctx.add(path, line, f"video: {what} {value!r} is not a usable file name")
        return None
    if not inside:
        ctx.add(path, line, f"video: {what} {value!r} must be a file inside the module folder")
        return None
    if not exists:
        ctx.add(path, line, f"video: {what} file {value!r} does not exist")
        return None
    return target


def _read_captions(captions: Path, ctx: Collector) -> list | None:
    vtt = read_text(captions, ctx)
    if vtt is None:
        return None
    cues = parse_vtt(vtt) if vtt.startswith("WEBVTT") else []
    if not cues:
        ctx.add(captions, 1, "captions must be a WebVTT file with at least one cue")
        return None
    return cues


def _transcript_from_cues(cues: list) -> Markup:
    """The captions as text under the video: a paragraph per slide, or else per sentence."""
    paragraphs: list[list[str]] = []
    previous_slide: object = object()
    for cue in cues:
        text = cue.text
        if cue.slide is not None:
            if cue.slide != previous_slide:
                paragraphs.append([])
            previous_slide = cue.slide
        elif not paragraphs or paragraphs[-1][-1].rstrip().endswith((".", "!", "?", ":")):
            paragraphs.append([])
        paragraphs[-1].append(text)
    # One paragraph per group, sanitised like every other text.
    return render_markdown("\n\n".join(" ".join(p) for p in paragraphs))


def _tracks(captions: Path, language: str, module_dir: Path, ctx: Collector) -> list[CaptionTrack]:
    """The block's captions and every other language's ``<stem>.<lang>.vtt`` beside it."""
    match = CAPTIONS_LANGUAGE.search(captions.name)
    stem = captions.name[: match.start()] if match else captions.name.removesuffix(".vtt")
    root = module_dir.resolve()
    tracks = []
    for lang in LANGUAGES:
        candidate = captions.parent / f"{stem}.{lang}.vtt"
        if lang == language:
            tracks.append(CaptionTrack(lang, str(captions.relative_to(root))))
        elif candidate.is_file() and _read_captions(candidate, ctx) is not None:
            tracks.append(CaptionTrack(lang, str(candidate.relative_to(root))))
    return tracks


def _translated_captions(value: str, base_dir: Path, path: Path, line: int, ctx: Collector) -> str:
    """The captions to use: a Swedish or English file not made yet falls back to the Finnish.

    Authors point the sv/en section's video at ``<name>.sv.vtt`` before the captions are
    generated from the script; until then the Finnish captions are shown and the check lists
    the missing file as a quality problem.
    """
    match = CAPTIONS_LANGUAGE.search(value)
    if not match or match.group(1) == DEFAULT_LANGUAGE:
        return value
    fallback = f"{value[: match.start()]}.{DEFAULT_LANGUAGE}.vtt"
    try:
        if (base_dir / value).is_file() or not (base_dir / fallback).is_file():
            return value
    except (OSError, ValueError):
        return value
    message = (
        f"video: captions file {value!r} does not exist yet; the Finnish captions are shown "
        "until it does (tools/make_videos.py --captions-only writes it from the script)"
    )
    ctx.defer(path, line, message, base_dir.name, match.group(1))
    return fallback


def _video(
    block: VideoBlock,
    body: str,
    base_dir: Path,
    path: Path,
    fence_line: int,
    key: str,
    ctx: Collector,
) -> Video | None:
    def line(name: str) -> int:
        found = line_of(body, (name,))
        return fence_line + found if found else fence_line

    before = len(ctx.problems)
    fields: dict[str, Any] = {}
    if block.provider == "file":
        assert block.src is not None and block.captions is not None  # noqa: S101 - validated
        src = _media_file(base_dir, block.src, "src", path, line("src"), ctx)
        if src is not None and src.suffix.lower() not in VIDEO_TYPES:
            ctx.add(path, line("src"), "video: src must be an .mp4 or .webm file")
        value = _translated_captions(block.captions, base_dir, path, line("captions"), ctx)
        captions = _media_file(base_dir, value, "captions", path, line("captions"), ctx)
        if captions is not None:
            cues = _read_captions(captions, ctx)
            if cues is not None:
                lang = CAPTIONS_LANGUAGE.search(captions.name)
                fields["captions_lang"] = lang.group(1) if lang else DEFAULT_LANGUAGE
                fields["transcript"] = _transcript_from_cues(cues)
                fields["tracks"] = tuple(_tracks(captions, fields["captions_lang"], base_dir, ctx))
        if block.transcript is not None:  # optional: a written text version replaces the cues
            where = line("transcript")
            transcript = _media_file(base_dir, block.transcript, "transcript", path, where, ctx)
            text = read_text(transcript, ctx) if transcript else None
            if text is not None:
                fields["transcript"] = render_markdown(text)
        if len(ctx.problems) > before or src is None or captions is None:
            return None
        fields.update(
            src=str(src.relative_to(base_dir.resolve())),
            mime=VIDEO_TYPES[src.suffix.lower()],
            captions=str(captions.relative_to(base_dir.resolve())),
        )
    else:
        assert block.transcript is not None and block.id is not None  # noqa: S101 - validated
        where = line("transcript")
        transcript = _media_file(base_dir, block.transcript, "transcript", path, where, ctx)
        text = read_text(transcript, ctx) if transcript else None
        if len(ctx.problems) > before or text is None:
            return None
        fields.update(video_id=block.id, transcript=render_markdown(text))
    return Video(
        key=key, provider=block.provider, title=block.title, duration=block.duration, **fields
    )


# ---------------------------------------------------------------------------- Markdown texts


def _chunks(lines: list[str], path: Path, ctx: Collector) -> Iterator[tuple[str, int, str]]:
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


def _rewrite_links(markdown_text: str, first_line: int, path: Path, ctx: Collector) -> str:
    def replace(match: re.Match) -> str:
        kind, target = match.group(1), match.group(2)
        line = first_line + markdown_text.count("\n", 0, match.start())
        ctx.links.append((path, line, kind, target))
        if kind == "term":
            return f"]({GLOSSARY_URL}#term-{target})"
        return f"]({URL_PREFIX}/{target})"

    return INTERNAL_LINK.sub(replace, markdown_text)


def _markdown_text(
    path: Path, base_dir: Path, ctx: Collector, *, videos: bool = True
) -> tuple[SectionText, str] | None:
    """A section or page file: its title line, then Markdown with video blocks."""
    raw = read_text(path, ctx)
    if raw is None:
        return None
    lines = raw.splitlines()
    if not lines or not lines[0].startswith("# ") or not lines[0][2:].strip():
        what = "section" if videos else "page"
        ctx.add(path, 1, f'the first line must be the {what} title, e.g. "# Työsopimus"')
        return None
    parts: list[Markup | Video] = []
    words = count_words(lines[0][2:])
    for kind, line, body in _chunks(lines, path, ctx):
        if kind == "text":
            words += count_words(body)
            html = render_markdown(_rewrite_links(body, line, path, ctx))
            if html.strip():
                parts.append(html)
        elif not videos:
            ctx.add(path, line, "a page cannot hold a video; put videos in module sections")
        else:
            data = parse_toml(body, path, ctx, line_offset=line)
            if data is None:
                continue
            block = validate(
                VideoBlock, data, body, path, ctx, line_offset=line, default_line=line,
                prefix="video: ",
            )  # fmt: skip
            if block is not None:
                index = sum(isinstance(p, Video) for p in parts) + 1
                video = _video(block, body, base_dir, path, line, f"{path.stem}-{index}", ctx)
                if video is not None:
                    parts.append(video)
    return SectionText(title=lines[0][2:].strip(), parts=tuple(parts), words=words), raw


# ---------------------------------------------------------------------------- sections


def _sections(module_dir: Path, ctx: Collector) -> tuple[list[Section], list[SectionDoc]]:
    folder = module_dir / "sections"
    if not folder.is_dir():
        ctx.add(folder, None, "the module has no sections folder")
        return [], []
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
        if key in found and lang in found[key]:
            ctx.add(path, None, f'duplicate section key "{key}"')
            continue
        found.setdefault(key, {})[lang] = path
        if lang == "fi":
            numbers[key] = number
    sections, docs = [], []
    for key, files in found.items():
        if "fi" not in files:
            for path in files.values():
                ctx.add(path, None, f'translation without a Finnish section "{key}"')
            continue
        texts: dict[str, SectionText] = {}
        raws: dict[str, str] = {}
        for lang, path in sorted(files.items()):
            result = _markdown_text(path, module_dir, ctx)
            if result is not None:
                texts[lang], raws[lang] = result
        if "fi" in texts:
            digest = _hash(raws["fi"])
            sections.append(Section(key, numbers[key], files["fi"], texts, digest))
            docs.append(SectionDoc(key=key, number=numbers[key], texts=raws))
    if not sections and not ctx.problems:
        ctx.add(folder, None, "the module has no sections")
    order = lambda s: (s.number, s.key)  # noqa: E731
    return sorted(sections, key=order), sorted(docs, key=order)


# ---------------------------------------------------------------------------- quiz


def _duplicates(keys: list[str]) -> list[int]:
    """Indexes of keys that appeared earlier in the list."""
    seen: set[str] = set()
    repeated = []
    for index, key in enumerate(keys):
        if key in seen:
            repeated.append(index)
        seen.add(key)
    return repeated


def _quiz_translation(
    lang: str, quiz: QuizFile, module_dir: Path, ctx: Collector
) -> QuizTranslationFile | None:
    path = module_dir / f"quiz.{lang}.toml"
    translated = load_toml(path, QuizTranslationFile, ctx, optional=True)
    if translated is None:
        return None
    by_key = {q.key: q for q in quiz.questions}
    before = len(ctx.problems)
    for index in _duplicates([q.key for q in translated.questions]):
        key = translated.questions[index].key
        ctx.add(path, line_in(ctx, path, ("questions", index)), f'duplicate question key "{key}"')
    for index, question in enumerate(translated.questions):
        line = line_in(ctx, path, ("questions", index))
        base = by_key.get(question.key)
        if base is None:
            ctx.add(path, line, f'question "{question.key}" is not in quiz.toml')
            continue
        label = f'question "{question.key}"'
        if question.type is not None and question.type != base.type:
            ctx.add(path, line, f"{label}: type {question.type!r} differs from quiz.toml")
        options = {o.key: o for o in base.options}
        for n, option in enumerate(question.options):
            where = line_in(ctx, path, ("questions", index, "options", n))
            if option.key not in options:
                ctx.add(path, where, f'{label}: option "{option.key}" is not in quiz.toml')
            elif option.correct is not None and option.correct != options[option.key].correct:
                ctx.add(
                    path, where, f'{label}: option "{option.key}": correct differs from quiz.toml'
                )
        for n in _duplicates([o.key for o in question.options]):
            where = line_in(ctx, path, ("questions", index, "options", n))
            ctx.add(path, where, f"{label}: every option needs its own key, e.g. a, b, c")
    return translated if len(ctx.problems) == before else None


def _quiz(module_dir: Path, ctx: Collector) -> tuple[Quiz, QuizDoc] | None:
    path = module_dir / "quiz.toml"
    quiz = load_toml(path, QuizFile, ctx)
    translations = {
        lang: _quiz_translation(lang, quiz, module_dir, ctx) if quiz is not None else None
        for lang in LANGUAGES[1:]
    }
    if quiz is None:
        for lang in LANGUAGES[1:]:  # still report what is wrong with the translations
            load_toml(module_dir / f"quiz.{lang}.toml", QuizTranslationFile, ctx, optional=True)
        return None
    duplicates = _duplicates([q.key for q in quiz.questions])
    for index in duplicates:
        key = quiz.questions[index].key
        ctx.add(path, line_in(ctx, path, ("questions", index)), f'duplicate question key "{key}"')
    if duplicates:
        return None

    questions, docs = [], []
    for item in quiz.questions:
        texts = {"fi": item.text}
        option_texts = {o.key: {"fi": OptionText(o.text, o.explanation)} for o in item.options}
        doc_texts: dict[str, dict[str, OptionTextDoc]] = {
            o.key: {"fi": OptionTextDoc(text=o.text, explanation=o.explanation)}
            for o in item.options
        }
        for lang, translated in translations.items():
            question = (
                next((q for q in translated.questions if q.key == item.key), None)
                if translated
                else None
            )
            if question is None:
                continue
            if question.text is not None:
                texts[lang] = question.text
            for option in question.options:
                base = option_texts[option.key]["fi"]
                doc_texts[option.key][lang] = OptionTextDoc(
                    text=option.text, explanation=option.explanation
                )
                if option.text is not None:
                    option_texts[option.key][lang] = OptionText(
                        option.text, option.explanation or base.explanation
                    )
        graded = [[o.key, o.correct, o.text] for o in item.options]
        questions.append(
            Question(
                key=item.key,
                type=item.type,
                texts=texts,
                options=tuple(Option(o.key, o.correct, option_texts[o.key]) for o in item.options),
                content_hash=_hash({"type": item.type, "text": item.text, "options": graded}),
            )
        )
        docs.append(
            QuestionDoc(
                key=item.key,
                type=item.type,
                texts=texts,
                options=[
                    OptionDoc(key=o.key, correct=o.correct, texts=doc_texts[o.key])
                    for o in item.options
                ],
            )
        )
    compiled = Quiz(
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        questions=tuple(questions),
        content_hash=_hash([q.content_hash for q in questions] + [quiz.pass_mark]),
    )
    doc = QuizDoc(pass_mark=quiz.pass_mark, max_attempts=quiz.max_attempts, questions=docs)
    return compiled, doc


# ---------------------------------------------------------------------------- modules


def _module_texts(
    module_dir: Path, base: ModuleFile, ctx: Collector
) -> tuple[dict[str, ModuleText], dict[str, ModuleTexts]]:
    fi = ModuleText(
        title=base.title,
        summary=base.summary,
        objectives=tuple(base.objectives),
        reflection=tuple(base.reflection),
    )
    texts = {"fi": fi}
    docs = {
        "fi": ModuleTexts(
            title=base.title,
            summary=base.summary,
            objectives=list(base.objectives),
            reflection=list(base.reflection),
        )
    }
    for lang in LANGUAGES[1:]:
        path = module_dir / f"module.{lang}.toml"
        translated = load_toml(path, ModuleTranslationFile, ctx, optional=True)
        if translated is None:
            continue
        docs[lang] = ModuleTexts(**translated.model_dump())
        texts[lang] = ModuleText(
            title=translated.title or fi.title,
            summary=translated.summary or fi.summary,
            objectives=tuple(translated.objectives or fi.objectives),
            reflection=tuple(translated.reflection or fi.reflection),
        )
    return texts, docs


def _source(item: SourceFile) -> Source:
    return Source(
        title=item.title,
        publisher=item.publisher,
        url=item.url,
        checked=item.checked,
        secondary=item.secondary,
    )


def _glossary(module_dir: Path, ctx: Collector) -> list[TermFile] | None:
    path = module_dir / "glossary.toml"
    glossary = load_toml(path, GlossaryFile, ctx, optional=True)
    if glossary is None:
        return None if path.exists() else []
    for index in _duplicates([t.key for t in glossary.terms]):
        key = glossary.terms[index].key
        ctx.add(path, line_in(ctx, path, ("terms", index)), f'duplicate term key "{key}"')
    return list(glossary.terms)


def _scripts(module_dir: Path, ctx: Collector) -> list[ScriptDoc]:
    """The narrated clips' scripts (``media/*.slides.toml``), validated."""
    media = module_dir / "media"
    if not media.is_dir():
        return []
    scripts = []
    for path in sorted(media.glob(f"*{SLIDES_SUFFIX}")):
        script = load_toml(path, SlidesFile, ctx)
        if script is not None:
            scripts.append(ScriptDoc(name=path.name.removesuffix(SLIDES_SUFFIX), script=script))
    return scripts


def _module(module_dir: Path, ctx: Collector) -> tuple[Module, ModuleDoc] | None:
    match = MODULE_DIR.match(module_dir.name)
    if not match:
        ctx.add(module_dir, None, "module folder names look like 01-henkilokohtainen-apu")
        return None
    before = len(ctx.problems)
    path = module_dir / "module.toml"
    base = load_toml(path, ModuleFile, ctx)
    texts, text_docs = _module_texts(module_dir, base, ctx) if base is not None else ({}, {})
    sections, section_docs = _sections(module_dir, ctx)
    quiz = _quiz(module_dir, ctx)
    terms = _glossary(module_dir, ctx)
    scripts = _scripts(module_dir, ctx)
    if base is None:
        return None
    if base.key in RESERVED_MODULE_KEYS:
        ctx.add(
            path,
            line_in(ctx, path, ("key",)),
            f'"{base.key}" is reserved; give the module another key',
        )
    if len(ctx.problems) > before or quiz is None or terms is None:
        return None
    compiled_quiz, quiz_doc = quiz
    media = frozenset(
        p for s in sections for t in s.texts.values() for v in t.parts if isinstance(v, Video)
        for p in (v.src, v.captions, *(track.path for track in v.tracks)) if p
    )  # fmt: skip
    glossary = tuple(
        Term(
            key=t.key,
            module=base.key,
            texts={
                lang: TermText(text.term, text.definition)
                for lang in LANGUAGES
                if (text := t.text(lang)) is not None
            },
        )
        for t in terms
    )
    module = Module(
        key=base.key,
        folder=module_dir.name,
        number=int(match.group(1)),
        path=module_dir,
        minutes=base.minutes,
        texts=texts,
        sections=tuple(sections),
        quiz=compiled_quiz,
        sources=tuple(_source(s) for s in base.sources),
        content_hash=_hash(
            [texts["fi"].title, [s.content_hash for s in sections], compiled_quiz.content_hash]
        ),
        media=media,
        reviewed=base.reviewed,
        review_months=base.review_months,
        glossary=glossary,
    )
    doc = ModuleDoc(
        folder=module_dir.name,
        key=base.key,
        minutes=base.minutes,
        reviewed=base.reviewed,
        review_months=base.review_months,
        texts=text_docs,
        sources=list(base.sources),
        sections=section_docs,
        quiz=quiz_doc,
        glossary=terms,
        scripts=scripts,
    )
    return module, doc


# ---------------------------------------------------------------------------- pages


def _page(folder: Path, ctx: Collector) -> tuple[Page, PageDoc] | None:
    if not KEY_PATTERN.match(folder.name):
        ctx.add(folder, None, "page folder names are keys: lower-case letters, digits and dashes")
        return None
    before = len(ctx.problems)
    settings = load_toml(folder / "page.toml", PageFile, ctx)
    files: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == "page.toml":
            continue
        match = PAGE_TEXT_FILE.match(path.name)
        if match:
            files[match.group(1) or "fi"] = path
        else:
            ctx.add(path, None, "a page folder holds page.toml, page.md, page.sv.md and page.en.md")
    if settings is not None and settings.key not in (None, folder.name):
        where = line_in(ctx, folder / "page.toml", ("key",))
        ctx.add(folder / "page.toml", where, f'key must be the folder\'s name, "{folder.name}"')
    if "fi" not in files:
        ctx.add(folder / "page.md", None, "file is missing")
    texts: dict[str, SectionText] = {}
    raws: dict[str, str] = {}
    for lang, path in sorted(files.items()):
        result = _markdown_text(path, folder, ctx, videos=False)
        if result is not None:
            texts[lang], raws[lang] = result
    if len(ctx.problems) > before or settings is None or "fi" not in texts:
        return None
    page = Page(
        key=folder.name,
        path=folder,
        texts=texts,
        content_hash=_hash(raws["fi"]),
        sources=tuple(_source(s) for s in settings.sources),
        reviewed=settings.reviewed,
        review_months=settings.review_months,
    )
    doc = PageDoc(
        key=folder.name,
        reviewed=settings.reviewed,
        review_months=settings.review_months,
        sources=list(settings.sources),
        texts=raws,
    )
    return page, doc


def _pages(pages_dir: Path, ctx: Collector) -> list[tuple[Page, PageDoc]]:
    if not pages_dir.is_dir():
        if pages_dir.exists():
            ctx.add(pages_dir, None, "is a file; content pages go in this folder")
        return []
    pages = []
    for folder in sorted(pages_dir.iterdir()):
        if folder.name.startswith("."):
            continue
        if not folder.is_dir():
            ctx.add(folder, None, "put each page in its own folder: content/pages/<key>/page.md")
            continue
        loaded = _guarded(folder, ctx, _page)
        if loaded is not None:
            pages.append(loaded)
    return pages


# ---------------------------------------------------------------------------- the course


def _guarded(folder: Path, ctx: Collector, load):  # noqa: ANN001, ANN202 - _module or _page
    """Load one folder; an unexpected failure becomes a problem naming it, not a traceback."""
    try:
        return load(folder, ctx)
    except Exception as exc:  # noqa: BLE001 - the contract is "a ContentError, never a crash"
        ctx.add(folder, None, f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}); please report it")
        return None


def _check_links(
    ctx: Collector, modules: dict[str, Module], terms: dict[str, Term], all_loaded: bool
) -> None:
    for path, line, kind, target in ctx.links:
        if kind == "term":
            # A term linked before its glossary entry is written still leads to the glossary
            # page: a quality problem while the glossaries are written, not a broken page.
            if target not in terms and all_loaded:
                message = f"broken glossary link term:{target} (no glossary.toml defines it)"
                ctx.defer(path, line, message)
            continue
        module_key, _, section_key = target.partition("/")
        if kind == "module" and target == "glossary":
            continue  # module:glossary is the glossary page
        module = modules.get(module_key)
        if module is None and not all_loaded:
            continue  # the target may be the module that failed; its problem is reported
        wrong_shape = (kind == "module") == bool(section_key)
        if module is None or wrong_shape or (kind == "section" and not module.section(section_key)):
            ctx.add(path, line, f"broken internal link {kind}:{target}")


def load_content(
    root: Path, *, display_root: Path | None = None, pages_dir: Path | None = None
) -> LoadedContent:
    """Load every module under ``root`` and every page under ``pages_dir``.

    Args:
        root: the folder holding one folder per module (``content/modules``).
        display_root: paths in problems are shown relative to this (default: two levels up,
            the repository root for ``content/modules``).
        pages_dir: the content pages (default: ``pages`` beside ``root``; may be absent).

    Raises:
        ContentError: listing every problem with its file and line.
    """
    root = Path(root)
    ctx = Collector(display_root=Path(display_root) if display_root else root.parent.parent)
    if not root.is_dir():
        ctx.add(root, None, "the content folder does not exist")
        raise ContentError(ctx.problems)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    loaded = [m for f in folders if (m := _guarded(f, ctx, _module)) is not None]
    pages = _pages(Path(pages_dir) if pages_dir else root.parent / "pages", ctx)
    modules: dict[str, Module] = {}
    for module, _doc in loaded:
        if module.key in modules:
            ctx.add(module.path / "module.toml", None, f'duplicate module key "{module.key}"')
        modules[module.key] = module
    terms: dict[str, Term] = {}
    for module, _doc in loaded:
        path = module.path / "glossary.toml"
        for index, term in enumerate(module.glossary):
            if term.key in terms and terms[term.key].module != module.key:
                other = modules[terms[term.key].module].folder
                message = f'term "{term.key}" is already defined in {other}/glossary.toml'
                ctx.add(path, line_in(ctx, path, ("terms", index)), message)
            terms.setdefault(term.key, term)
    _check_links(ctx, modules, terms, all_loaded=len(loaded) == len(folders))
    if not loaded and not ctx.problems:
        ctx.add(root, None, "there are no modules")
    if ctx.problems:
        raise ContentError(ctx.problems)
    course = Course(
        modules=tuple(m for m, _ in loaded),
        version=_hash([m.content_hash for m, _ in loaded]),
        pages=tuple(p for p, _ in pages),
        glossary=tuple(t for m, _ in loaded for t in m.glossary),
    )
    doc = CourseDoc(modules=[d for _, d in loaded], pages=[d for _, d in pages])
    return LoadedContent(
        course=course,
        doc=doc,
        display_root=ctx.display_root,
        texts=ctx.texts,
        deferred=tuple(ctx.deferred),
    )


def load_course(
    root: Path, *, display_root: Path | None = None, pages_dir: Path | None = None
) -> Course:
    """Load and validate the course (modules, glossary, pages) under ``root``.

    Args:
        root: the folder holding one folder per module (``content/modules``).
        display_root: paths in problems are shown relative to this (default: two levels up,
            the repository root for ``content/modules``).
        pages_dir: the content pages (default: ``pages`` beside ``root``; may be absent).

    Raises:
        ContentError: listing every problem with its file and line.
    """
    return load_content(root, display_root=display_root, pages_dir=pages_dir).course

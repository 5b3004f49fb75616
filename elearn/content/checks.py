"""Quality checks of the course content (issue 19): translations, dates, captions, quizzes.

These rules are about how good the content is, not whether the app can show it, so they are
kept apart from the loader's errors: the app starts whatever they say, ``flask content
check`` prints them, and ``flask content check --strict`` (CI) fails on them. A module due
for review is only a warning, never a failure.

Rules (each problem names the file, and the line where one applies):

- every Finnish text has its Swedish and English version: sections, the module's title,
  summary, objectives and reflection questions (as many as in Finnish), every quiz question
  with every option's text and explanation, every glossary term, every page, the captions of
  every slide of a clip script, and a captions track per language for every self-hosted video;
- every module and page says when it was ``reviewed`` and every source when it was
  ``checked``, neither in the future; a module whose ``reviewed`` + ``review_months`` has
  passed gets a warning;
- a caption cue has at most two lines of at most 42 characters;
- no correct option is longer than 1.4 times the mean length of its question's wrong options,
  and in at most a third of a module's questions is the correct option the longest;
- a module has 8-12 questions; no two questions in the course have the same text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from elearn.content.captions import MAX_LINE, MAX_LINES, cue_problem, parse_vtt
from elearn.content.loader import LoadedContent
from elearn.content.model import LANGUAGES, Module, Video
from elearn.content.problems import Problem
from elearn.content.schema import LANGUAGE_NAMES, ModuleDoc, PageDoc, SourceFile
from elearn.content.tomlpos import line_of

TRANSLATED = LANGUAGES[1:]  # sv, en
MIN_QUESTIONS, MAX_QUESTIONS = 8, 12
LENGTH_RATIO = 1.4  # a correct option may be at most this times the wrong options' mean
LONGEST_SHARE = 1 / 3  # of a module's questions where the correct option may be the longest


@dataclass(frozen=True)
class QualityReport:
    """What the quality checks found.

    ``problems`` fail ``flask content check --strict``; ``warnings`` never fail;
    ``incomplete`` maps a module folder (or ``pages/<key>``) to the languages missing text.
    """

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    incomplete: Mapping[str, frozenset[str]]

    def complete_languages(self, unit: str) -> tuple[str, ...]:
        """The languages in which ``unit`` (a module folder, ``pages/<key>``) is complete."""
        missing = self.incomplete.get(unit, frozenset())
        return tuple(lang for lang in LANGUAGES if lang not in missing)


@dataclass
class _Findings:
    content: LoadedContent
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    incomplete: dict[str, set[str]] = field(default_factory=dict)

    def add(
        self,
        path: Path,
        line: int | None,
        message: str,
        *,
        unit: str | None = None,
        language: str | None = None,
    ) -> None:
        self.problems.append(Problem(self.content.show(path), line, message))
        if unit is not None and language is not None:
            self.incomplete.setdefault(unit, set()).add(language)

    def warn(self, path: Path, line: int | None, message: str) -> None:
        self.warnings.append(Problem(self.content.show(path), line, message))

    def item_line(self, path: Path, array: str, key: str) -> int | None:
        """The line of the ``[[array]]`` item with ``key = "<key>"`` in a TOML file read."""
        text = self.content.texts.get(path)
        if text is None:
            return None
        items = _parsed(text).get(array, [])
        index = next(
            (
                i
                for i, item in enumerate(items)
                if isinstance(item, dict) and item.get("key") == key
            ),
            None,
        )
        return line_of(text, (array, index)) if index is not None else None

    def line(self, path: Path, loc: tuple[str | int, ...]) -> int | None:
        return self.content.line(path, loc)


@lru_cache(maxsize=16)
def _parsed(text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:  # pragma: no cover - the loader parsed it
        return {}


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months (the 31st becomes the month's last day when needed)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def normalised(text: str) -> str:
    """Question text compared for duplicates: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def _language(lang: str) -> str:
    return f"{LANGUAGE_NAMES[lang]} ({lang})"


# ---------------------------------------------------------------------------- translations


def _module_translations(f: _Findings, module: Module, doc: ModuleDoc) -> None:
    unit = module.folder
    fi = doc.texts["fi"]
    for lang in TRANSLATED:
        path = module.path / f"module.{lang}.toml"
        texts = doc.texts.get(lang)
        if texts is None:
            f.add(path, None, f"missing: the module's title, summary, objectives and reflection "
                  f"in {_language(lang)}", unit=unit, language=lang)  # fmt: skip
        else:
            for name in ("title", "summary", "objectives", "reflection"):
                value = getattr(texts, name)
                if value is None:
                    f.add(path, None, f"{name} is missing", unit=unit, language=lang)
                elif name in ("objectives", "reflection") and len(value) != len(getattr(fi, name)):
                    message = (
                        f"{name} has {len(value)} items; the Finnish has {len(getattr(fi, name))}"
                    )
                    f.add(path, f.line(path, (name,)), message, unit=unit, language=lang)
        for section in module.sections:
            if lang not in section.texts:
                target = section.path.with_name(f"{section.path.stem}.{lang}.md")
                f.add(target, None, f'missing: section "{section.key}" in {_language(lang)}',
                      unit=unit, language=lang)  # fmt: skip
        _quiz_translation(f, module, doc, lang)
        glossary = module.path / "glossary.toml"
        for index, term in enumerate(doc.glossary):
            if term.text(lang) is None:
                f.add(glossary, f.line(glossary, ("terms", index)),
                      f'term "{term.key}" has no {lang} term and definition',
                      unit=unit, language=lang)  # fmt: skip
        for script in doc.scripts:
            path = module.path / "media" / f"{script.name}.slides.toml"
            for index, slide in enumerate(script.script.slides):
                if slide.caption_text(lang) is None:
                    message = f"slide {index + 1} has no {lang} captions"
                    f.add(path, f.line(path, ("slides", index)), message, unit=unit, language=lang)
        for video in _self_hosted(module):
            if lang not in {track.language for track in video.tracks}:
                stem = re.sub(r"(\.[a-z]{2})?\.vtt$", "", video.captions)
                f.add(module.path / f"{stem}.{lang}.vtt", None,
                      f"missing: {_language(lang)} captions of {video.src} "
                      "(tools/make_videos.py --captions-only writes them from the script)",
                      unit=unit, language=lang)  # fmt: skip


def _quiz_translation(f: _Findings, module: Module, doc: ModuleDoc, lang: str) -> None:
    unit = module.folder
    path = module.path / f"quiz.{lang}.toml"
    if not path.exists():
        f.add(path, None, f"missing: the quiz in {_language(lang)}", unit=unit, language=lang)
        return
    for question in doc.quiz.questions:
        line = f.item_line(path, "questions", question.key)
        label = f'question "{question.key}"'
        if line is None:
            f.add(path, None, f"{label} is not translated", unit=unit, language=lang)
            continue
        if lang not in question.texts:
            f.add(path, line, f"{label} has no text", unit=unit, language=lang)
        for option in question.options:
            text = option.texts.get(lang)
            for name in ("text", "explanation"):
                if text is None or getattr(text, name) is None:
                    f.add(path, line, f'{label}: option "{option.key}" has no {name}',
                          unit=unit, language=lang)  # fmt: skip


def _page_translations(f: _Findings, doc: PageDoc, folder: Path) -> None:
    for lang in TRANSLATED:
        if lang not in doc.texts:
            f.add(folder / f"page.{lang}.md", None, f"missing: the page in {_language(lang)}",
                  unit=f"pages/{doc.key}", language=lang)  # fmt: skip


# ---------------------------------------------------------------------------- dates


def _dates(
    f: _Findings,
    path: Path,
    reviewed: date | None,
    review_months: int,
    sources: list[SourceFile],
    today: date,
) -> None:
    if reviewed is None:
        f.add(path, None, "reviewed is missing: the date this was last checked against its "
              "sources, e.g. reviewed = 2026-11-30")  # fmt: skip
    elif reviewed > today:
        f.add(path, f.line(path, ("reviewed",)), f"reviewed {reviewed} is in the future")
    else:
        due = add_months(reviewed, review_months)
        if due < today:
            message = f"review due since {due} (reviewed {reviewed}, every {review_months} months)"
            f.warn(path, f.line(path, ("reviewed",)), message)
    for index, source in enumerate(sources):
        title = source.title if len(source.title) <= 50 else source.title[:47] + "..."
        label = f'source "{title}"'
        line = f.line(path, ("sources", index))
        if source.checked is None:
            f.add(path, line, f"{label}: checked is missing (the date you read it, e.g. "
                  "checked = 2026-11-30)")  # fmt: skip
        elif source.checked > today:
            f.add(path, line, f"{label}: checked {source.checked} is in the future")


# ---------------------------------------------------------------------------- captions


def _self_hosted(module: Module) -> list[Video]:
    """The module's self-hosted videos, once each (as used in the Finnish sections)."""
    seen, videos = set(), []
    for video in module.videos:
        if video.provider == "file" and video.src not in seen:
            seen.add(video.src)
            videos.append(video)
    return videos


def _captions(f: _Findings, module: Module) -> None:
    files = sorted(
        {
            track.path
            for section in module.sections
            for text in section.texts.values()
            for video in text.parts
            if isinstance(video, Video)
            for track in (video.tracks or ())
        }
    )
    for relative in files:
        path = module.path / relative
        text = f.content.texts.get(path)
        if text is None:
            text = path.read_text(encoding="utf-8")
        cues = parse_vtt(text)
        bad = [(cue, problem) for cue in cues if (problem := cue_problem(cue))]
        if bad:
            cue, problem = bad[0]
            f.add(path, cue.line,
                  f"{len(bad)} of {len(cues)} cues are too long to read, e.g. here {problem}; "
                  f"a cue has at most {MAX_LINES} lines of {MAX_LINE} characters "
                  "(tools/make_videos.py splits them)")  # fmt: skip


# ---------------------------------------------------------------------------- quizzes


def _quiz(f: _Findings, module: Module, doc: ModuleDoc) -> None:
    path = module.path / "quiz.toml"
    questions = doc.quiz.questions
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        f.add(path, None, f"the quiz has {len(questions)} questions; a module needs "
              f"{MIN_QUESTIONS}-{MAX_QUESTIONS}")  # fmt: skip
    longest_correct = []
    for question in questions:
        lengths = {o.key: _length(o.texts["fi"].text or "") for o in question.options}
        correct = [o.key for o in question.options if o.correct]
        wrong = [lengths[o.key] for o in question.options if not o.correct]
        if wrong:
            mean = sum(wrong) / len(wrong)
            for key in correct:
                if lengths[key] > LENGTH_RATIO * mean:
                    f.add(path, f.item_line(path, "questions", question.key),
                          f'question "{question.key}": the correct option "{key}" has '
                          f"{lengths[key]} characters, more than {LENGTH_RATIO} times the "
                          f"{mean:.0f} of the wrong ones on average; make the options "
                          "similar in length")  # fmt: skip
        top = max(lengths.values())
        longest = [k for k, n in lengths.items() if n == top]
        if len(longest) == 1 and longest[0] in correct:
            longest_correct.append(question.key)
    allowed = int(len(questions) * LONGEST_SHARE)
    if len(longest_correct) > allowed:
        f.add(path, None,
              f"the correct option is the longest in {len(longest_correct)} of {len(questions)} "
              f"questions (at most {allowed}: a third): {', '.join(longest_correct)}")  # fmt: skip


def _duplicate_questions(f: _Findings) -> None:
    seen: dict[str, tuple[Module, str]] = {}
    for module, doc in zip(f.content.course.modules, f.content.doc.modules, strict=True):
        path = module.path / "quiz.toml"
        for question in doc.quiz.questions:
            text = normalised(question.texts["fi"])
            if text in seen:
                other, key = seen[text]
                where = "" if other is module else f" in {other.folder}"
                message = f'question "{question.key}" has the same text as question "{key}"{where}'
                f.add(path, f.item_line(path, "questions", question.key), message)
            else:
                seen[text] = (module, question.key)


# ---------------------------------------------------------------------------- all


def check_quality(content: LoadedContent, *, today: date) -> QualityReport:
    """Run every quality rule on loaded content.

    Args:
        content: what ``load_content`` returned.
        today: the date that "in the future" and "review due" are measured from.
    """
    f = _Findings(content)
    for module, doc in zip(content.course.modules, content.doc.modules, strict=True):
        f.incomplete.setdefault(module.folder, set())
        _module_translations(f, module, doc)
        _dates(f, module.path / "module.toml", doc.reviewed, doc.review_months, doc.sources, today)
        _captions(f, module)
        _quiz(f, module, doc)
    _duplicate_questions(f)
    for problem, unit, language in content.deferred:
        f.problems.append(problem)
        if unit is not None and language is not None:
            f.incomplete.setdefault(unit, set()).add(language)
    for page, page_doc in zip(content.course.pages, content.doc.pages, strict=True):
        f.incomplete.setdefault(f"pages/{page.key}", set())
        _page_translations(f, page_doc, page.path)
        path = page.path / "page.toml"
        _dates(f, path, page_doc.reviewed, page_doc.review_months, page_doc.sources, today)
    return QualityReport(
        problems=tuple(f.problems),
        warnings=tuple(f.warnings),
        incomplete={unit: frozenset(langs) for unit, langs in f.incomplete.items()},
    )

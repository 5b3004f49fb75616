"""What the editor edits, read from a part's files and written back into them.

A *part* is one module folder (``modules/<folder>``), one page (``pages/<key>``) or one survey
file (``surveys/<name>.toml``). The editor reads its files leniently (a draft may be
invalid: validation says what is wrong, next to the field) into plain structures with every
language side by side, and writes a changed structure back as new file texts. Only files
whose data changed are rewritten (so an untouched file keeps its comments and layout); a
missing translation stays missing (no file, or no entry), never a copy of the Finnish.

Section and page texts are Markdown files stored as written: the title line ``# …``, a
blank line, then the body.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from elearn.authoring.tomlwriter import dumps, order_for
from elearn.content.loader import SECTION_FILE
from elearn.content.model import LANGUAGES

TRANSLATED = LANGUAGES[1:]
Files = Mapping[str, bytes]
# What a save writes: new texts by path, and paths to delete.
Changes = tuple[dict[str, str], set[str]]


class Unreadable(ValueError):
    """A file of the part is not TOML or not UTF-8 (the editor cannot show it)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# ---------------------------------------------------------------------------- helpers


def text_of(files: Files, path: str) -> str | None:
    """The file as text (None when it does not exist)."""
    data = files.get(path)
    if data is None:
        return None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise Unreadable(path, "not UTF-8 text") from error


def toml_of(files: Files, path: str) -> dict[str, Any] | None:
    """The file's TOML data (None when it does not exist)."""
    text = text_of(files, path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise Unreadable(path, f"TOML syntax error: {error}") from error


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_str(v) for v in value]
    return [] if value is None else [_str(value)]


def _date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _tables(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


_MISSING = object()


def put(table: dict[str, Any], name: str, value: Any, default: Any = _MISSING) -> None:
    """Set ``table[name]``; an empty value (or the default, where it was left out) is left out.

    A value equal to what the table already says (its default included) changes nothing,
    so a file saved without edits keeps its data exactly.
    """
    current = table.get(name, default)
    if value == current and (name in table or default is not _MISSING):
        return
    if value is None or value == "" or value == [] or (value == default and name not in table):
        table.pop(name, None)
    else:
        table[name] = value


def write_toml(
    path: str, data: dict[str, Any], original: dict[str, Any] | None, out: Changes
) -> None:
    """Write ``data`` as the file at ``path`` if it differs from ``original``; an empty
    table removes the file (an empty file is not allowed)."""
    texts, removed = out
    if not data:
        if original is not None:
            removed.add(path)
        return
    if data != original:
        texts[path] = dumps(data, order_for(path))


def _changes() -> Changes:
    return {}, set()


def split_lines(text: str) -> list[str]:
    """A textarea with one item a line: the non-empty lines, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------- Markdown


@dataclass
class MarkdownText:
    """A section or page in one language: the title line and the body."""

    title: str = ""
    body: str = ""

    @property
    def empty(self) -> bool:
        return not self.title.strip() and not self.body.strip()


def parse_markdown(text: str | None) -> MarkdownText | None:
    """Split a Markdown file into its ``# title`` line and its body."""
    if text is None:
        return None
    first, _, rest = text.replace("\r\n", "\n").partition("\n")
    if first.startswith("# "):
        return MarkdownText(first[2:].strip(), rest.strip("\n"))
    if first.strip() == "#":
        return MarkdownText("", rest.strip("\n"))
    return MarkdownText("", text.strip("\n"))  # no title line: the check says so


def compose_markdown(text: MarkdownText) -> str:
    """A Markdown file as stored: ``# title``, a blank line, the body, a final newline."""
    title = " ".join(text.title.split())
    body = text.body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    body = "\n".join(line.rstrip() for line in body.split("\n"))
    return f"# {title}\n" + (f"\n{body}\n" if body.strip() else "")


def _write_markdown(path: str, text: MarkdownText, files: Files, out: Changes) -> None:
    """Write one language's file, unless it says what the file says; empty: no file."""
    texts, removed = out
    original = text_of(files, path)
    if text.empty:
        if original is not None:
            removed.add(path)
        return
    if original is not None and parse_markdown(original) == parse_markdown(compose_markdown(text)):
        return
    texts[path] = compose_markdown(text)


def markdown_path(base: str, lang: str) -> str:
    """``…/01-key.md`` in Finnish, ``…/01-key.sv.md`` in Swedish."""
    return f"{base}.md" if lang == "fi" else f"{base}.{lang}.md"


# ---------------------------------------------------------------------------- sources


@dataclass
class SourceEdit:
    title: str = ""
    publisher: str = ""
    url: str = ""
    checked: date | None = None
    secondary: bool = False


def read_sources(data: Mapping[str, Any]) -> list[SourceEdit]:
    return [
        SourceEdit(
            title=_str(s.get("title")),
            publisher=_str(s.get("publisher")),
            url=_str(s.get("url")),
            checked=_date(s.get("checked")),
            secondary=s.get("secondary") is True,
        )
        for s in _tables(data.get("sources"))
    ]


def _source_data(source: SourceEdit, original: dict[str, Any] | None) -> dict[str, Any]:
    table = copy.deepcopy(original) if original is not None else {}
    table["title"] = source.title.strip()  # required: an empty one is named by the check
    put(table, "publisher", source.publisher.strip(), "")
    put(table, "url", source.url.strip(), "")
    put(table, "checked", source.checked, None)
    put(table, "secondary", source.secondary, False)
    return table


def _sources_data(sources: list[SourceEdit], original: Any) -> list[dict[str, Any]]:
    before = _tables(original)
    return [_source_data(s, before[i] if i < len(before) else None) for i, s in enumerate(sources)]


# ---------------------------------------------------------------------------- modules


@dataclass
class ModuleLanguage:
    """A module's texts in one language (empty: missing)."""

    title: str = ""
    summary: str = ""
    objectives: list[str] = field(default_factory=list)
    reflection: list[str] = field(default_factory=list)


@dataclass
class ModuleEdit:
    """``module.toml`` and its translations: texts side by side, time, review, sources."""

    key: str
    minutes: int | None
    reviewed: date | None
    review_months: int | None
    texts: dict[str, ModuleLanguage]
    sources: list[SourceEdit]


def module_file(part: str, lang: str = "fi") -> str:
    return f"{part}/module.toml" if lang == "fi" else f"{part}/module.{lang}.toml"


def read_module(files: Files, part: str) -> ModuleEdit:
    base = toml_of(files, module_file(part)) or {}
    texts = {}
    for lang in LANGUAGES:
        data = base if lang == "fi" else toml_of(files, module_file(part, lang)) or {}
        texts[lang] = ModuleLanguage(
            title=_str(data.get("title")),
            summary=_str(data.get("summary")),
            objectives=_lines(data.get("objectives")),
            reflection=_lines(data.get("reflection")),
        )
    return ModuleEdit(
        key=_str(base.get("key")),
        minutes=_int(base.get("minutes")),
        reviewed=_date(base.get("reviewed")),
        review_months=_int(base.get("review_months")),
        texts=texts,
        sources=read_sources(base),
    )


def write_module(edit: ModuleEdit, files: Files, part: str) -> Changes:
    """The module's TOML files that the edit changes."""
    out = _changes()
    original = toml_of(files, module_file(part))
    data: dict[str, Any] = copy.deepcopy(original) if original is not None else {"key": edit.key}
    fi = edit.texts["fi"]
    # The Finnish texts are required: an empty one is written so the check names the field.
    data["title"], data["summary"] = fi.title.strip(), fi.summary.strip()
    data["objectives"], data["reflection"] = list(fi.objectives), list(fi.reflection)
    put(data, "minutes", edit.minutes)
    put(data, "reviewed", edit.reviewed, None)
    put(data, "review_months", edit.review_months, 12)
    data["sources"] = _sources_data(edit.sources, (original or {}).get("sources"))
    if not data["sources"] and "sources" not in (original or {}):
        del data["sources"]
    write_toml(module_file(part), data, original, out)
    for lang in TRANSLATED:
        path = module_file(part, lang)
        before = toml_of(files, path)
        translated = copy.deepcopy(before) if before is not None else {}
        texts = edit.texts[lang]
        put(translated, "title", texts.title.strip() or None)
        put(translated, "summary", texts.summary.strip() or None)
        put(translated, "objectives", list(texts.objectives) or None)
        put(translated, "reflection", list(texts.reflection) or None)
        write_toml(path, translated, before, out)
    return out


# ---------------------------------------------------------------------------- sections


@dataclass
class SectionEdit:
    """A section: its key, its place and its Markdown in each language (None: missing)."""

    key: str
    number: int
    texts: dict[str, MarkdownText | None]
    paths: dict[str, str]  # the files it has now, by language

    def title(self, lang: str = "fi") -> str:
        text = self.texts.get(lang) or self.texts.get("fi")
        return text.title if text is not None else self.key


def sections_dir(part: str) -> str:
    return f"{part}/sections"


def read_sections(files: Files, part: str) -> list[SectionEdit]:
    """The module's sections in reading order."""
    folder = sections_dir(part) + "/"
    found: dict[str, SectionEdit] = {}
    for path in sorted(files):
        if not path.startswith(folder) or "/" in path[len(folder) :]:
            continue
        match = SECTION_FILE.match(path[len(folder) :])
        if not match:
            continue
        number, key, lang = int(match.group(1)), match.group(2), match.group(3) or "fi"
        section = found.setdefault(key, SectionEdit(key, number, {}, {}))
        section.paths[lang] = path
        section.texts[lang] = parse_markdown(text_of(files, path))
        if lang == "fi":
            section.number = number
    for section in found.values():
        for lang in LANGUAGES:
            section.texts.setdefault(lang, None)
    return sorted(found.values(), key=lambda s: (s.number, s.key))


def section_base(part: str, number: int, key: str) -> str:
    return f"{sections_dir(part)}/{number:02d}-{key}"


def write_section(
    section: SectionEdit, texts: Mapping[str, MarkdownText], files: Files, part: str
) -> Changes:
    """The files of one section that new texts change (an emptied translation is removed)."""
    out = _changes()
    base = section_base(part, section.number, section.key)
    for lang in LANGUAGES:
        text = texts.get(lang) or MarkdownText()
        path = section.paths.get(lang, markdown_path(base, lang))
        if lang == "fi" and text.empty:
            text = MarkdownText()  # a Finnish section cannot be missing: the check says so
            out[0][path] = compose_markdown(text)
            continue
        _write_markdown(path, text, files, out)
    return out


def add_section(sections: list[SectionEdit], key: str, title: str, part: str) -> Changes:
    """A new section at the end, with its Finnish title."""
    number = max((s.number for s in sections), default=0) + 1
    path = markdown_path(section_base(part, number, key), "fi")
    return {path: compose_markdown(MarkdownText(title, ""))}, set()


def renumber(sections: list[SectionEdit], files: Files, part: str) -> Changes:
    """Give the sections, in the order given, the numbers 01, 02, …: their files are renamed
    (the keys, which learners' progress follows, stay)."""
    texts: dict[str, str] = {}
    removed: set[str] = set()
    for index, section in enumerate(sections, start=1):
        base = section_base(part, index, section.key)
        for lang, path in section.paths.items():
            target = markdown_path(base, lang)
            if target != path:
                removed.add(path)
                texts[target] = text_of(files, path) or ""
    removed -= set(texts)
    return texts, removed


def move_section(
    sections: list[SectionEdit], key: str, step: int, files: Files, part: str
) -> Changes:
    order = list(sections)
    index = next(i for i, s in enumerate(order) if s.key == key)
    target = index + step
    if not 0 <= target < len(order):
        return _changes()
    order[index], order[target] = order[target], order[index]
    return renumber(order, files, part)


def remove_section(sections: list[SectionEdit], key: str, files: Files, part: str) -> Changes:
    """Delete a section's files; the others keep their numbers' order."""
    gone = next(s for s in sections if s.key == key)
    texts, removed = renumber([s for s in sections if s.key != key], files, part)
    return texts, removed | set(gone.paths.values())


# ---------------------------------------------------------------------------- quizzes


@dataclass
class OptionEdit:
    key: str
    correct: bool = False
    texts: dict[str, str] = field(default_factory=dict)  # by language; "" is missing
    explanations: dict[str, str] = field(default_factory=dict)


@dataclass
class QuestionEdit:
    key: str
    type: str = "single"
    texts: dict[str, str] = field(default_factory=dict)
    options: list[OptionEdit] = field(default_factory=list)

    def option(self, key: str) -> OptionEdit | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass
class QuizEdit:
    pass_mark: int | None
    max_attempts: int | None
    questions: list[QuestionEdit]

    def question(self, key: str) -> QuestionEdit | None:
        return next((q for q in self.questions if q.key == key), None)


def quiz_file(part: str, lang: str = "fi") -> str:
    return f"{part}/quiz.toml" if lang == "fi" else f"{part}/quiz.{lang}.toml"


def read_quiz(files: Files, part: str) -> QuizEdit:
    base = toml_of(files, quiz_file(part)) or {}
    questions = []
    for q in _tables(base.get("questions")):
        options = [
            OptionEdit(
                key=_str(o.get("key")),
                correct=o.get("correct") is True,
                texts={"fi": _str(o.get("text"))},
                explanations={"fi": _str(o.get("explanation"))},
            )
            for o in _tables(q.get("options"))
        ]
        questions.append(
            QuestionEdit(
                key=_str(q.get("key")),
                type=_str(q.get("type")) or "single",
                texts={"fi": _str(q.get("text"))},
                options=options,
            )
        )
    for lang in TRANSLATED:
        translated = toml_of(files, quiz_file(part, lang)) or {}
        by_key = {_str(q.get("key")): q for q in _tables(translated.get("questions"))}
        for question in questions:
            t = by_key.get(question.key, {})
            question.texts[lang] = _str(t.get("text"))
            option_texts = {_str(o.get("key")): o for o in _tables(t.get("options"))}
            for option in question.options:
                o = option_texts.get(option.key, {})
                option.texts[lang] = _str(o.get("text"))
                option.explanations[lang] = _str(o.get("explanation"))
    return QuizEdit(
        pass_mark=_int(base.get("pass_mark")),
        max_attempts=_int(base.get("max_attempts")),
        questions=questions,
    )


def _by_key(tables: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {_str(t.get("key")): t for t in tables}


def _question_data(question: QuestionEdit, original: dict[str, Any] | None) -> dict[str, Any]:
    if original is None:
        table: dict[str, Any] = {"key": question.key, "type": question.type}
    else:
        table = copy.deepcopy(original)
        table["type"] = question.type
    table["text"] = question.texts.get("fi", "").strip()
    before = _by_key(_tables((original or {}).get("options")))
    options = []
    for option in question.options:
        if option.key in before:
            o = copy.deepcopy(before[option.key])
            o["text"] = option.texts.get("fi", "").strip()
            put(o, "correct", option.correct, False)
            o["explanation"] = option.explanations.get("fi", "").strip()
        else:
            o = {
                "key": option.key,
                "text": option.texts.get("fi", "").strip(),
                "correct": option.correct,
                "explanation": option.explanations.get("fi", "").strip(),
            }
        options.append(o)
    table["options"] = options
    return table


def _normal_translation(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """A quiz translation compared without regard to the order of its entries."""
    if data is None:
        return {}
    return {
        _str(q.get("key")): (
            {k: v for k, v in q.items() if k != "options"},
            {_str(o.get("key")): o for o in _tables(q.get("options"))},
        )
        for q in _tables(data.get("questions"))
    }


def write_quiz(edit: QuizEdit, files: Files, part: str) -> Changes:
    """The quiz files that the edit changes."""
    out = _changes()
    original = toml_of(files, quiz_file(part))
    data = copy.deepcopy(original) if original is not None else {}
    put(data, "pass_mark", edit.pass_mark, 80)
    put(data, "max_attempts", edit.max_attempts, None)
    before = _by_key(_tables((original or {}).get("questions")))
    questions = [_question_data(q, before.get(q.key)) for q in edit.questions]
    data.pop("questions", None)
    data["questions"] = questions
    write_toml(quiz_file(part), data, original, out)
    for lang in TRANSLATED:
        path = quiz_file(part, lang)
        old = toml_of(files, path)
        old_by_key = _by_key(_tables((old or {}).get("questions")))
        entries = []
        for question in edit.questions:
            t = copy.deepcopy(old_by_key.get(question.key, {}))
            t["key"] = question.key
            put(t, "text", question.texts.get(lang, "").strip() or None)
            # A repeated type or correct must agree with quiz.toml: drop one that no longer does.
            if t.get("type") not in (None, question.type):
                del t["type"]
            old_options = _by_key(_tables(t.get("options")))
            options = []
            for option in question.options:
                o = copy.deepcopy(old_options.get(option.key, {}))
                o["key"] = option.key
                put(o, "text", option.texts.get(lang, "").strip() or None)
                put(o, "explanation", option.explanations.get(lang, "").strip() or None)
                if o.get("correct") not in (None, option.correct):
                    del o["correct"]
                if len(o) > 1:
                    options.append(o)
            put(t, "options", options or None)
            if len(t) > 1:
                entries.append(t)
        translated = copy.deepcopy(old) if old is not None else {}
        translated["questions"] = entries
        if not entries:
            translated = {}
        if old is not None and _normal_translation(old) == _normal_translation(translated):
            continue
        write_toml(path, translated, old, out)
    return out


def new_question(key: str, kind: str) -> QuestionEdit:
    """A question with two empty options (a true/false question has exactly two)."""
    return QuestionEdit(
        key=key,
        type=kind,
        texts=dict.fromkeys(LANGUAGES, ""),
        options=[new_option([]), new_option(["a"])],
    )


def new_option(taken: Iterable[str]) -> OptionEdit:
    """An empty option with the first free letter as its key."""
    used = set(taken)
    key = next(
        (c for c in "abcdefghijklmnopqrstuvwxyz" if c not in used),
        f"o{len(used) + 1}",
    )
    return OptionEdit(
        key=key, texts=dict.fromkeys(LANGUAGES, ""), explanations=dict.fromkeys(LANGUAGES, "")
    )


# ---------------------------------------------------------------------------- glossary


@dataclass
class TermEdit:
    key: str
    terms: dict[str, str] = field(default_factory=dict)  # by language; "" is missing
    definitions: dict[str, str] = field(default_factory=dict)
    is_new: bool = False


def glossary_file(part: str) -> str:
    return f"{part}/glossary.toml"


def read_glossary(files: Files, part: str) -> list[TermEdit]:
    data = toml_of(files, glossary_file(part)) or {}
    terms = []
    for t in _tables(data.get("terms")):
        terms.append(
            TermEdit(
                key=_str(t.get("key")),
                terms={lang: _str(_table(t.get(lang)).get("term")) for lang in LANGUAGES},
                definitions={
                    lang: _str(_table(t.get(lang)).get("definition")) for lang in LANGUAGES
                },
            )
        )
    return terms


def write_glossary(terms: list[TermEdit], files: Files, part: str) -> Changes:
    out = _changes()
    path = glossary_file(part)
    original = toml_of(files, path)
    before = _by_key(_tables((original or {}).get("terms")))
    entries = []
    for term in terms:
        t = copy.deepcopy(before.get(term.key, {}))
        t["key"] = term.key.strip()
        for lang in LANGUAGES:
            word = term.terms.get(lang, "").strip()
            definition = term.definitions.get(lang, "").strip()
            if lang == "fi" or word or definition:
                t[lang] = {"term": word, "definition": definition}
            else:
                t.pop(lang, None)
        entries.append(t)
    data = copy.deepcopy(original) if original is not None else {}
    data["terms"] = entries
    if not entries and original is None:
        return out
    write_toml(path, data, original, out)
    return out


# ---------------------------------------------------------------------------- pages


@dataclass
class PageEdit:
    key: str
    reviewed: date | None
    review_months: int | None
    sources: list[SourceEdit]
    texts: dict[str, MarkdownText | None]


def page_file(part: str) -> str:
    return f"{part}/page.toml"


def read_page(files: Files, part: str) -> PageEdit:
    data = toml_of(files, page_file(part)) or {}
    return PageEdit(
        key=part.split("/", 1)[1],
        reviewed=_date(data.get("reviewed")),
        review_months=_int(data.get("review_months")),
        sources=read_sources(data),
        texts={
            lang: parse_markdown(text_of(files, markdown_path(f"{part}/page", lang)))
            for lang in LANGUAGES
        },
    )


def write_page(edit: PageEdit, files: Files, part: str) -> Changes:
    out = _changes()
    path = page_file(part)
    original = toml_of(files, path)
    data = copy.deepcopy(original) if original is not None else {}
    put(data, "reviewed", edit.reviewed, None)
    put(data, "review_months", edit.review_months, 12)
    data["sources"] = _sources_data(edit.sources, (original or {}).get("sources"))
    if not data["sources"] and "sources" not in (original or {}):
        del data["sources"]
    if not data:
        data = {"key": edit.key}  # page.toml must exist
    write_toml(path, data, original, out)
    for lang in LANGUAGES:
        text = edit.texts.get(lang) or MarkdownText()
        target = markdown_path(f"{part}/page", lang)
        if lang == "fi" and text.empty:
            out[0][target] = compose_markdown(text)
            continue
        _write_markdown(target, text, files, out)
    return out


# ---------------------------------------------------------------------------- surveys


@dataclass
class SurveyText:
    """One text of a survey in fi, sv and en; ``loc`` is where it is in the file."""

    loc: tuple[str | int, ...]
    label: str  # "title", "intro", "question", "low", "high", "option"
    question: str | None  # the question's key
    texts: dict[str, str]
    option: str | None = None

    @property
    def name(self) -> str:
        """A field name for the form: ``t-questions-0-text``."""
        return "t-" + "-".join(str(p) for p in self.loc)


@dataclass
class SurveyEdit:
    key: str
    title: dict[str, str]
    texts: list[SurveyText]


def read_survey(files: Files, part: str) -> SurveyEdit:
    data = toml_of(files, part) or {}

    def texts(value: Any) -> dict[str, str]:
        table = _table(value)
        return {lang: _str(table.get(lang)) for lang in LANGUAGES}

    items = [SurveyText(("title",), "title", None, texts(data.get("title")))]
    items.append(SurveyText(("intro",), "intro", None, texts(data.get("intro"))))
    for i, q in enumerate(_tables(data.get("questions"))):
        key = _str(q.get("key"))
        items.append(SurveyText(("questions", i, "text"), "question", key, texts(q.get("text"))))
        for name in ("low", "high"):
            if name in q:
                items.append(SurveyText(("questions", i, name), name, key, texts(q.get(name))))
        for j, o in enumerate(_tables(q.get("options"))):
            items.append(
                SurveyText(
                    ("questions", i, "options", j, "text"),
                    "option",
                    key,
                    texts(o.get("text")),
                    option=_str(o.get("key")),
                )
            )
    return SurveyEdit(key=_str(data.get("key")), title=texts(data.get("title")), texts=items)


def write_survey(edit: SurveyEdit, files: Files, part: str) -> Changes:
    """The survey file with new texts (its questions and settings stay as they are)."""
    out = _changes()
    original = toml_of(files, part) or {}
    data = copy.deepcopy(original)
    for item in edit.texts:
        value = {lang: item.texts.get(lang, "").strip() for lang in LANGUAGES}
        target: Any = data
        for step in item.loc[:-1]:
            target = target[step]
        name = item.loc[-1]
        if item.label == "intro" and not any(value.values()):
            target.pop(name, None)
            continue
        old = target.get(name)
        if isinstance(old, dict) and {k: _str(v).strip() for k, v in old.items()} == value:
            continue
        target[name] = value
    write_toml(part, data, original, out)
    return out


# ---------------------------------------------------------------------------- scopes

Scope = Callable[[str], bool]


def module_texts_scope(part: str) -> Scope:
    names = {module_file(part, lang) for lang in LANGUAGES}
    return names.__contains__


def quiz_scope(part: str) -> Scope:
    names = {quiz_file(part, lang) for lang in LANGUAGES}
    return names.__contains__


def glossary_scope(part: str) -> Scope:
    return glossary_file(part).__eq__


def sections_scope(part: str) -> Scope:
    prefix = sections_dir(part) + "/"
    return lambda path: path.startswith(prefix)


def section_scope(part: str, key: str) -> Scope:
    pattern = re.compile(
        rf"^{re.escape(sections_dir(part))}/\d+-{re.escape(key)}(\.[a-z]{{2}})?\.md$"
    )
    return lambda path: bool(pattern.match(path))


def whole_scope(part: str) -> Scope:
    prefix = part if part.startswith("surveys/") else part + "/"
    return lambda path: path == part or path.startswith(prefix)

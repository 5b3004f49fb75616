"""Feedback surveys as content: ``content/surveys/*.toml``, texts in Finnish, Swedish, English.

Question types: ``scale`` (1-5 with labelled ends), ``choice`` (one option), ``text`` (free
text with a length limit) and ``nps`` (0-10, would you recommend). Every question is optional
unless ``required = true``. ``trigger`` says when a survey is offered: ``module_quiz`` (after a
module's quiz, once per module), ``discussion`` (after an attended discussion, once per
discussion) or ``course`` (when the course is complete).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from elearn.content.loader import ContentError, Problem
from elearn.content.model import DEFAULT_LANGUAGE, LANGUAGES, pick

DEFAULT_SURVEY_DIR = Path(__file__).resolve().parents[2] / "content" / "surveys"
TRIGGERS = ("module_quiz", "discussion", "course")
TYPES = ("scale", "choice", "text", "nps")
KEY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class SurveyOption:
    key: str
    texts: Mapping[str, str]

    def text(self, language: str) -> str:
        return pick(self.texts, language)[0]  # type: ignore[return-value]


@dataclass(frozen=True)
class SurveyQuestion:
    key: str
    type: str
    texts: Mapping[str, str]
    required: bool = False
    low: Mapping[str, str] | None = None  # scale: label of 1
    high: Mapping[str, str] | None = None  # scale: label of 5
    options: tuple[SurveyOption, ...] = ()
    max_length: int = 1000

    def text(self, language: str) -> str:
        return pick(self.texts, language)[0]  # type: ignore[return-value]

    def label(self, which: str, language: str) -> str:
        texts = self.low if which == "low" else self.high
        return pick(texts, language)[0] if texts else ""  # type: ignore[return-value]

    @property
    def values(self) -> tuple[str, ...]:
        """The possible answers of a closed question, in order."""
        if self.type == "scale":
            return tuple(str(i) for i in range(1, 6))
        if self.type == "nps":
            return tuple(str(i) for i in range(11))
        return tuple(o.key for o in self.options)


@dataclass(frozen=True)
class Survey:
    key: str
    trigger: str
    anonymous: bool
    titles: Mapping[str, str]
    intros: Mapping[str, str]
    questions: tuple[SurveyQuestion, ...]

    def title(self, language: str) -> str:
        return pick(self.titles, language)[0]  # type: ignore[return-value]

    def intro(self, language: str) -> str:
        return pick(self.intros, language)[0] if self.intros else ""  # type: ignore[return-value]


def _texts(value, path: Path, line: int | None, what: str, problems: list) -> dict[str, str] | None:
    if not isinstance(value, dict) or not isinstance(value.get(DEFAULT_LANGUAGE), str):
        problems.append(
            Problem(str(path), line, f'{what} needs texts like fi = "...", sv = "...", en = "..."')
        )
        return None
    missing = [lang for lang in LANGUAGES if not str(value.get(lang, "")).strip()]
    if missing:
        problems.append(Problem(str(path), line, f"{what} has no text in: {', '.join(missing)}"))
    return {k: v for k, v in value.items() if k in LANGUAGES and isinstance(v, str)}


def _line(raw: str, key: str) -> int | None:
    match = re.search(rf'^\s*key\s*=\s*"{re.escape(key)}"', raw, re.MULTILINE)
    return raw.count("\n", 0, match.start()) + 1 if match else None


def _survey(path: Path, shown: str, problems: list) -> Survey | None:
    raw = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        problems.append(
            Problem(shown, int(match.group(1)) if match else None, f"TOML syntax error: {exc}")
        )
        return None
    before = len(problems)
    key, trigger = data.get("key"), data.get("trigger")
    if not isinstance(key, str) or not KEY.match(key):
        problems.append(Problem(shown, None, "key must be lower-case letters, digits and dashes"))
    if trigger not in TRIGGERS:
        problems.append(Problem(shown, None, f"trigger must be one of {', '.join(TRIGGERS)}"))
    if not isinstance(data.get("anonymous"), bool):
        problems.append(Problem(shown, None, "anonymous must be true or false"))
    titles = _texts(data.get("title"), shown, None, "title", problems)
    intros = _texts(data["intro"], shown, None, "intro", problems) if "intro" in data else {}
    questions, seen = [], set()
    for item in data.get("questions") or []:
        qkey = item.get("key")
        line = _line(raw, qkey) if isinstance(qkey, str) else None
        if not isinstance(qkey, str) or not KEY.match(qkey) or qkey in seen:
            problems.append(
                Problem(shown, line, f"question key {qkey!r} is missing, malformed or repeated")
            )
            continue
        seen.add(qkey)
        qtype = item.get("type")
        if qtype not in TYPES:
            problems.append(
                Problem(shown, line, f'question "{qkey}": type must be one of {", ".join(TYPES)}')
            )
            continue
        texts = _texts(item.get("text"), shown, line, f'question "{qkey}"', problems)
        extra: dict = {}
        if qtype == "scale":
            extra["low"] = _texts(
                item.get("low"), shown, line, f'question "{qkey}" low label', problems
            )
            extra["high"] = _texts(
                item.get("high"), shown, line, f'question "{qkey}" high label', problems
            )
        if qtype == "choice":
            options = []
            for option in item.get("options") or []:
                otexts = _texts(
                    option.get("text"), shown, line, f'question "{qkey}" option', problems
                )
                if isinstance(option.get("key"), str) and otexts:
                    options.append(SurveyOption(option["key"], otexts))
            if len(options) < 2:
                problems.append(
                    Problem(shown, line, f'question "{qkey}" needs at least two options')
                )
            extra["options"] = tuple(options)
        if qtype == "text":
            max_length = item.get("max_length", 1000)
            if not isinstance(max_length, int) or not 1 <= max_length <= 5000:
                problems.append(
                    Problem(shown, line, f'question "{qkey}": max_length must be 1-5000')
                )
            else:
                extra["max_length"] = max_length
        if texts:
            questions.append(
                SurveyQuestion(
                    key=qkey,
                    type=qtype,
                    texts=texts,
                    required=item.get("required") is True,
                    **extra,
                )
            )
    if not questions:
        problems.append(Problem(shown, None, "the survey has no [[questions]]"))
    if len(problems) > before:
        return None
    return Survey(key, trigger, data["anonymous"], titles, intros, tuple(questions))


def load_surveys(root: Path, *, display_root: Path | None = None) -> dict[str, Survey]:
    """Load every survey file under ``root``.

    Raises:
        ContentError: naming every broken file (and line where known).
    """
    root = Path(root)
    display = display_root or root.parent.parent
    problems: list[Problem] = []
    surveys: dict[str, Survey] = {}
    for path in sorted(root.glob("*.toml")) if root.is_dir() else []:
        try:
            shown = str(path.relative_to(display))
        except ValueError:
            shown = str(path)
        survey = _survey(path, shown, problems)
        if survey is not None:
            if survey.key in surveys:
                problems.append(Problem(shown, None, f'duplicate survey key "{survey.key}"'))
            surveys[survey.key] = survey
    for trigger in TRIGGERS:
        if not any(s.trigger == trigger for s in surveys.values()):
            problems.append(Problem(str(root), None, f"no survey has trigger {trigger}"))
    if problems:
        raise ContentError(problems)
    return surveys

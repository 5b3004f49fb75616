"""Feedback surveys as content: ``content/surveys/*.toml``, texts in Finnish, Swedish, English.

Question types: ``scale`` (1-5 with labelled ends), ``choice`` (one option), ``text`` (free
text with a length limit) and ``nps`` (0-10, would you recommend). Every question is optional
unless ``required = true``. ``trigger`` says when a survey is offered: ``module_quiz`` (after a
module's quiz, once per module), ``discussion`` (after an attended discussion, once per
discussion) or ``course`` (when the course is complete).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from elearn.content.files import INTERNAL_ERROR, Collector, line_in, load_toml
from elearn.content.model import LANGUAGES, pick
from elearn.content.problems import ContentError
from elearn.content.schema import SURVEY_TRIGGERS, SURVEY_TYPES, SurveyFile, SurveyTexts

DEFAULT_SURVEY_DIR = Path(__file__).resolve().parents[2] / "content" / "surveys"
TRIGGERS = SURVEY_TRIGGERS
TYPES = SURVEY_TYPES
DEFAULT_MAX_LENGTH = 1000


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


def _texts(texts: SurveyTexts) -> dict[str, str]:
    return {lang: getattr(texts, lang) for lang in LANGUAGES}


def _survey(path: Path, ctx: Collector) -> Survey | None:
    data = load_toml(path, SurveyFile, ctx)
    if data is None:
        return None
    seen: set[str] = set()
    for index, item in enumerate(data.questions):
        if item.key in seen:
            where = line_in(ctx, path, ("questions", index))
            ctx.add(path, where, f'duplicate question key "{item.key}"')
        seen.add(item.key)
    if len(seen) < len(data.questions):
        return None
    questions = []
    for item in data.questions:
        extra: dict = {}
        if item.type == "scale":
            extra.update(low=_texts(item.low), high=_texts(item.high))  # type: ignore[arg-type]
        if item.type == "choice":
            extra["options"] = tuple(SurveyOption(o.key, _texts(o.text)) for o in item.options)
        if item.type == "text":
            extra["max_length"] = item.max_length or DEFAULT_MAX_LENGTH
        questions.append(
            SurveyQuestion(
                key=item.key, type=item.type, texts=_texts(item.text), required=item.required,
                **extra,
            )
        )  # fmt: skip
    return Survey(
        key=data.key,
        trigger=data.trigger,
        anonymous=data.anonymous,
        titles=_texts(data.title),
        intros=_texts(data.intro) if data.intro else {},
        questions=tuple(questions),
    )


def load_survey_file(path: Path, *, display_root: Path) -> Survey:
    """Load one survey file on its own (the editor's preview of a draft survey).

    Raises:
        ContentError: naming the file (and line where known).
    """
    ctx = Collector(display_root=Path(display_root))
    try:
        survey = _survey(Path(path), ctx)
    except Exception as exc:  # noqa: BLE001 - the contract is "a ContentError, never a crash"
        ctx.add(path, None, f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}); please report it")
        survey = None
    if ctx.problems or survey is None:
        raise ContentError(ctx.problems or [])
    return survey


def load_surveys(root: Path, *, display_root: Path | None = None) -> dict[str, Survey]:
    """Load every survey file under ``root``.

    Raises:
        ContentError: naming every broken file (and line where known).
    """
    root = Path(root)
    ctx = Collector(display_root=Path(display_root) if display_root else root.parent.parent)
    surveys: dict[str, Survey] = {}
    paths = (
        sorted(p for p in root.glob("*.toml") if not p.name.startswith("."))
        if root.is_dir()
        else []
    )
    for path in paths:
        try:
            survey = _survey(path, ctx)
        except Exception as exc:  # noqa: BLE001 - the contract is "a ContentError, never a crash"
            ctx.add(path, None, f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}); please report it")
            continue
        if survey is not None:
            if survey.key in surveys:
                ctx.add(path, line_in(ctx, path, ("key",)), f'duplicate survey key "{survey.key}"')
            surveys[survey.key] = survey
    for trigger in TRIGGERS if not ctx.problems else ():  # a broken file may be the one
        if not any(s.trigger == trigger for s in surveys.values()):
            ctx.add(root, None, f"no survey has trigger {trigger}")
    if ctx.problems:
        raise ContentError(ctx.problems)
    return surveys

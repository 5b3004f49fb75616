"""The schema of the course content: typed pydantic models of every content file.

Two layers:

- *File models* (``ModuleFile``, ``QuizFile``, ``GlossaryFile``, ``PageFile``, ``VideoBlock``,
  ``SlidesFile``, ``SurveyFile`` ...) validate one file as authors write it. They are strict:
  a text must be a TOML string, a number a TOML integer, a date a TOML date; unknown fields
  are refused (they are almost always typos). Rules about one item (a question has a correct
  option) are validators here; the loader maps every error to its file and line.
- *Documents* (``ModuleDoc``, ``PageDoc``, ``CourseDoc``) hold one module or page with all its
  languages side by side: the shape the in-browser editor will edit and export back to
  files. The loader builds them from validated files; the quality checks read them.

Messages are written for trainers: the loader puts ``question "x":`` and the field name in
front of them (see ``elearn.content.problems``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from elearn.content.question_types import QUESTION_TYPES

Language = Literal["fi", "sv", "en"]
LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
DURATION_PATTERN = re.compile(r"^\d{1,3}:[0-5]\d$")
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d{4,12}$")
WEB_URL = re.compile(r"^https?://\S+$")
PROVIDERS = ("file", "youtube", "vimeo")
SURVEY_TRIGGERS = ("module_quiz", "discussion", "course")
SURVEY_TYPES = ("scale", "choice", "text", "nps")
DEFAULT_REVIEW_MONTHS = 12


def fail(message: str, *, whole: bool = False) -> PydanticCustomError:
    """A validation error with a message for authors.

    ``whole=False``: the message continues the field or item name ("must be ...", "has no
    correct option"). ``whole=True``: the message stands after the item's name and a colon.
    """
    # The message is passed as a context value, so braces in it are never a template.
    return PydanticCustomError("content_whole" if whole else "content", "{m}", {"m": message})


def _key(value: str) -> str:
    if not KEY_PATTERN.match(value):
        raise fail('must be lower-case letters, digits and dashes, e.g. "kuka-paattaa"')
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise fail("must not be empty")
    return value


def _web_url(value: str) -> str:
    if value and not WEB_URL.match(value):
        raise fail(f"{value!r} is not a web address (https://...)", whole=True)
    return value


def _positive(value: int) -> int:
    if value <= 0:
        raise fail("must be a whole number above 0")
    return value


def _review_months(value: int) -> int:
    if not 1 <= value <= 120:
        raise fail("must be a whole number of months, 1-120")
    return value


Key = Annotated[str, AfterValidator(_key)]
Text = Annotated[str, AfterValidator(_text)]
WebUrl = Annotated[str, AfterValidator(_web_url)]
PositiveInt = Annotated[int, AfterValidator(_positive)]
ReviewMonths = Annotated[int, AfterValidator(_review_months)]


class FileModel(BaseModel):
    """A file as authored: strict types, no unknown fields, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Doc(BaseModel):
    """A document built by the loader (and later by the editor); plain, immutable data."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# ---------------------------------------------------------------------------- modules


class SourceFile(FileModel):
    """``[[sources]]``: where the module's facts come from, and when it was read."""

    title: Text
    publisher: str = ""
    url: WebUrl = ""
    checked: date | None = None  # content 2.0: required (a quality rule while content lands)
    secondary: bool = False


def _reflection(value: list[str] | None) -> list[str] | None:
    if value is not None and not 2 <= len(value) <= 4:
        raise fail("give 2-4 reflection questions", whole=True)
    return value


def _objectives(value: list[str] | None) -> list[str] | None:
    if value is not None and not value:
        raise fail("needs at least one objective")
    return value


class ModuleFile(FileModel):
    """``module.toml``."""

    key: Key
    title: Text
    summary: Text
    minutes: PositiveInt
    reviewed: date | None = None  # content 2.0: required (a quality rule while content lands)
    review_months: ReviewMonths = DEFAULT_REVIEW_MONTHS
    objectives: Annotated[list[Text], AfterValidator(_objectives)]
    reflection: Annotated[list[Text], AfterValidator(_reflection)]
    sources: list[SourceFile] = []

    @model_validator(mode="after")
    def _has_sources(self) -> ModuleFile:
        if not self.sources:
            raise fail("list the module's sources as [[sources]] with a title", whole=True)
        return self


class ModuleTranslationFile(FileModel):
    """``module.sv.toml`` / ``module.en.toml``: the module's texts in one language."""

    title: Text | None = None
    summary: Text | None = None
    objectives: Annotated[list[Text] | None, AfterValidator(_objectives)] = None
    reflection: Annotated[list[Text] | None, AfterValidator(_reflection)] = None


# ---------------------------------------------------------------------------- quizzes


def _question_type(value: str) -> str:
    if value not in QUESTION_TYPES:
        raise fail(f"must be one of {', '.join(QUESTION_TYPES)}")
    return value


QuestionType = Annotated[str, AfterValidator(_question_type)]


def _pass_mark(value: int) -> int:
    if not 0 < value <= 100:
        raise fail("must be a whole number 1-100")
    return value


def _max_attempts(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise fail("must be a whole number above 0 (leave it out for no limit)")
    return value


class OptionFile(FileModel):
    """``[[questions.options]]``."""

    key: Key
    text: Text
    correct: bool = False
    explanation: Text


class QuestionFile(FileModel):
    """``[[questions]]``: a question, its type and its options."""

    key: Key
    type: QuestionType
    text: Text
    options: list[OptionFile]

    @model_validator(mode="after")
    def _authoring_rules(self) -> QuestionFile:
        if len(self.options) < 2:
            raise fail("needs at least two [[questions.options]]")
        keys = [o.key for o in self.options]
        if len(set(keys)) != len(keys):
            raise fail("every option needs its own key, e.g. a, b, c", whole=True)
        correct = sum(o.correct for o in self.options)
        if correct == 0:
            raise fail("has no correct option")
        problems = QUESTION_TYPES[self.type].authoring_problems(len(self.options), correct)
        if problems:
            raise fail("; ".join(problems), whole=True)
        return self


class QuizFile(FileModel):
    """``quiz.toml``."""

    pass_mark: Annotated[int, AfterValidator(_pass_mark)] = 80
    max_attempts: Annotated[int | None, AfterValidator(_max_attempts)] = None
    questions: list[QuestionFile] = []

    @model_validator(mode="after")
    def _has_questions(self) -> QuizFile:
        if not self.questions:
            raise fail("the quiz has no [[questions]]", whole=True)
        return self


class OptionTranslationFile(FileModel):
    """An option in ``quiz.sv.toml``: ``correct`` may be repeated but must agree."""

    key: Key
    text: Text | None = None
    explanation: Text | None = None
    correct: bool | None = None


class QuestionTranslationFile(FileModel):
    """A question in ``quiz.sv.toml``: ``type`` may be repeated but must agree."""

    key: Key
    text: Text | None = None
    type: str | None = None
    options: list[OptionTranslationFile] = []


class QuizTranslationFile(FileModel):
    """``quiz.sv.toml`` / ``quiz.en.toml``."""

    questions: list[QuestionTranslationFile] = []


# ---------------------------------------------------------------------------- glossary


class TermText(FileModel):
    """A term and its definition in one language: ``fi = { term = "...", definition = "..." }``."""

    term: Text
    definition: Text


class TermFile(FileModel):
    """``[[terms]]`` in ``glossary.toml``; the key is unique across the course."""

    key: Key
    fi: TermText
    sv: TermText | None = None
    en: TermText | None = None

    def text(self, language: str) -> TermText | None:
        """The term in ``language``, if written."""
        return getattr(self, language, None)


class GlossaryFile(FileModel):
    """``glossary.toml``: the terms a module introduces."""

    terms: list[TermFile] = []


# ---------------------------------------------------------------------------- pages


class PageFile(FileModel):
    """``content/pages/<key>/page.toml``."""

    key: Key | None = None  # optional; when given, the folder's name
    reviewed: date | None = None
    review_months: ReviewMonths = DEFAULT_REVIEW_MONTHS
    sources: list[SourceFile] = []


# ---------------------------------------------------------------------------- videos


def _video_id(value: Any) -> Any:
    # A Vimeo id is a number, and TOML lets authors write it without quotes.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _provider(value: str) -> str:
    if value not in PROVIDERS:
        raise fail(f"unknown provider {value!r} (use file, youtube or vimeo)", whole=True)
    return value


def _duration(value: str) -> str:
    if not DURATION_PATTERN.match(value):
        raise fail('must be minutes:seconds, e.g. "3:45"')
    return value


class VideoBlock(FileModel):
    """A ```` ```video ```` block in a section: a self-hosted file or YouTube/Vimeo."""

    provider: Annotated[str, AfterValidator(_provider)]
    title: Text
    duration: Annotated[str, AfterValidator(_duration)]
    src: Text | None = None
    captions: Text | None = None
    id: Annotated[str | None, BeforeValidator(_video_id)] = None
    transcript: Text | None = None

    @model_validator(mode="after")
    def _per_provider(self) -> VideoBlock:
        if self.provider == "file":
            if self.id is not None:
                raise fail("a self-hosted video has src and captions, not id")
            if self.src is None:
                raise fail("a self-hosted video needs src (an .mp4 or .webm file)", whole=True)
            if self.captions is None:
                raise fail("a self-hosted video needs captions (a WebVTT .vtt file)", whole=True)
            return self
        if self.src is not None or self.captions is not None:
            raise fail(f"a {self.provider} video has id and transcript, not src or captions")
        pattern = YOUTUBE_ID if self.provider == "youtube" else VIMEO_ID
        if not pattern.match(self.id or ""):
            raise fail(f"{self.id or ''!r} is not a valid {self.provider} id", whole=True)
        if self.transcript is None:
            raise fail(f"a {self.provider} video needs a transcript (a .md file)", whole=True)
        return self


class Slide(FileModel):
    """One slide of a narrated clip: picture text, what is said, and the captions."""

    heading: Text
    lines: list[Text] = []
    narration: Text  # spoken (numbers and abbreviations as said aloud)
    captions: Text | None = None  # the written Finnish captions; default: the narration
    sv: Text | None = None  # Swedish captions of this slide
    en: Text | None = None  # English captions of this slide

    def caption_text(self, language: str) -> str | None:
        """What the captions of ``language`` say during this slide (None: not written)."""
        if language == "fi":
            return self.captions or self.narration
        return getattr(self, language, None)


class SlidesFile(FileModel):
    """``media/<name>.slides.toml``: the script of a narrated clip."""

    title: Text
    slides: list[Slide] = []

    @model_validator(mode="after")
    def _has_slides(self) -> SlidesFile:
        if not self.slides:
            raise fail("the script has no [[slides]]", whole=True)
        return self


# ---------------------------------------------------------------------------- surveys


class SurveyTexts(FileModel):
    """``{ fi = "...", sv = "...", en = "..." }``: every survey text in all three languages."""

    fi: Text
    sv: Text
    en: Text


class SurveyOptionFile(FileModel):
    key: Key
    text: SurveyTexts


def _survey_type(value: str) -> str:
    if value not in SURVEY_TYPES:
        raise fail(f"must be one of {', '.join(SURVEY_TYPES)}")
    return value


def _trigger(value: str) -> str:
    if value not in SURVEY_TRIGGERS:
        raise fail(f"must be one of {', '.join(SURVEY_TRIGGERS)}")
    return value


def _max_length(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 5000:
        raise fail("must be 1-5000")
    return value


class SurveyQuestionFile(FileModel):
    """A survey question; which fields it needs depends on its type."""

    key: Key
    type: Annotated[str, AfterValidator(_survey_type)]
    text: SurveyTexts
    required: bool = False
    low: SurveyTexts | None = None
    high: SurveyTexts | None = None
    options: list[SurveyOptionFile] = []
    max_length: Annotated[int | None, AfterValidator(_max_length)] = None

    @model_validator(mode="after")
    def _per_type(self) -> SurveyQuestionFile:
        if self.type == "scale" and (self.low is None or self.high is None):
            raise fail("a scale question needs low and high labels", whole=True)
        if self.type != "scale" and (self.low is not None or self.high is not None):
            raise fail("only a scale question has low and high labels", whole=True)
        if self.type == "choice":
            if len(self.options) < 2:
                raise fail("needs at least two options")
            keys = [o.key for o in self.options]
            if len(set(keys)) != len(keys):
                raise fail("every option needs its own key", whole=True)
        elif self.options:
            raise fail("only a choice question has options", whole=True)
        if self.max_length is not None and self.type != "text":
            raise fail("only a text question has max_length", whole=True)
        return self


class SurveyFile(FileModel):
    """``content/surveys/<name>.toml``."""

    key: Key
    trigger: Annotated[str, AfterValidator(_trigger)]
    anonymous: bool
    title: SurveyTexts
    intro: SurveyTexts | None = None
    questions: list[SurveyQuestionFile] = []

    @model_validator(mode="after")
    def _questions(self) -> SurveyFile:
        if not self.questions:
            raise fail("the survey has no [[questions]]", whole=True)
        return self  # repeated question keys: the loader reports them at their lines


# ---------------------------------------------------------------------------- documents


def _by_language(value: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(value) - set(LANGUAGE_NAMES))
    if unknown:
        raise fail(f"has texts in unknown languages: {', '.join(unknown)} (use fi, sv, en)")
    if "fi" not in value:
        raise fail("needs the Finnish text (fi)")
    return value


T = TypeVar("T")
# ``ByLanguage[X]``: values by language code (fi, sv, en), the Finnish one always there.
ByLanguage = Annotated[dict[str, T], AfterValidator(_by_language)]


class ModuleTexts(Doc):
    """A module's texts in one language; in a translation, a missing field is None."""

    title: str | None = None
    summary: str | None = None
    objectives: list[str] | None = None
    reflection: list[str] | None = None


class SectionDoc(Doc):
    """A section: its key, its number (order) and its Markdown in each language written."""

    key: str
    number: int
    texts: ByLanguage[str]  # the whole Markdown file, title line included


class OptionTextDoc(Doc):
    text: str | None = None
    explanation: str | None = None


class OptionDoc(Doc):
    key: str
    correct: bool
    texts: ByLanguage[OptionTextDoc]


class QuestionDoc(Doc):
    key: str
    type: str
    texts: ByLanguage[str]
    options: list[OptionDoc]


class QuizDoc(Doc):
    pass_mark: int = 80
    max_attempts: int | None = None
    questions: list[QuestionDoc]


class ScriptDoc(Doc):
    """A narrated clip's script, named by its file (``media/<name>.slides.toml``)."""

    name: str
    script: SlidesFile


class ModuleDoc(Doc):
    """One module with every language side by side: the unit the editor edits and exports."""

    folder: str  # "01-henkilokohtainen-apu": number and key of the folder
    key: str
    minutes: int
    reviewed: date | None = None
    review_months: int = DEFAULT_REVIEW_MONTHS
    texts: ByLanguage[ModuleTexts]
    sources: list[SourceFile]
    sections: list[SectionDoc]
    quiz: QuizDoc
    glossary: list[TermFile] = []
    scripts: list[ScriptDoc] = []


class PageDoc(Doc):
    """A content page (``content/pages/<key>/``) with every language side by side."""

    key: str
    reviewed: date | None = None
    review_months: int = DEFAULT_REVIEW_MONTHS
    sources: list[SourceFile] = []
    texts: ByLanguage[str]  # the whole Markdown file, title line included


class CourseDoc(Doc):
    """The whole course as documents."""

    modules: list[ModuleDoc]
    pages: list[PageDoc] = []

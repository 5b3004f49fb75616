"""Immutable course content. Learner state points at it by stable keys and content hashes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup

from elearn.core.markup import EMPTY

DEFAULT_LANGUAGE = "fi"
LANGUAGES = ("fi", "sv", "en")


def pick(texts: Mapping[str, object], language: str) -> tuple[object, bool]:
    """The text in ``language`` or else Finnish, and whether it fell back to Finnish."""
    if language in texts:
        return texts[language], False
    return texts[DEFAULT_LANGUAGE], language != DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Source:
    """A source the module's facts come from."""

    title: str
    publisher: str = ""
    url: str = ""
    checked: date | None = None  # when the source was last read
    secondary: bool = (
        False  # news, theses, other sectors' guides: used only where no primary says it
    )


class CaptionTrack(NamedTuple):
    """A captions file of a self-hosted video in one language."""

    language: str
    path: str  # WebVTT path relative to the module folder


@dataclass(frozen=True)
class Video:
    """A video block: self-hosted file with captions, or YouTube/Vimeo behind a facade."""

    key: str
    provider: str  # "file", "youtube" or "vimeo"
    title: str
    duration: str  # "m:ss"
    src: str = ""  # file: path relative to the module folder
    mime: str = ""
    captions: str = ""  # file: WebVTT path relative to the module folder
    captions_lang: str = DEFAULT_LANGUAGE
    video_id: str = ""  # youtube/vimeo
    transcript: Markup = EMPTY
    tracks: tuple[CaptionTrack, ...] = ()  # file: every language's captions found, fi sv en order

    @property
    def embed_url(self) -> str:
        """The player address, loaded only after the learner asks for it."""
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?autoplay=1&rel=0"
        if self.provider == "vimeo":
            return f"https://player.vimeo.com/video/{self.video_id}?dnt=1&autoplay=1"
        return ""

    @property
    def provider_name(self) -> str:
        return {"youtube": "YouTube", "vimeo": "Vimeo"}.get(self.provider, "")


@dataclass(frozen=True)
class SectionText:
    """A section in one language: its title and its body as HTML and video parts."""

    title: str
    parts: tuple[Markup | Video, ...]
    words: int


@dataclass(frozen=True)
class Section:
    """One page of a module, with a stable key and a hash of its Finnish text."""

    key: str
    number: int
    path: Path
    texts: Mapping[str, SectionText]
    content_hash: str

    def text(self, language: str) -> tuple[SectionText, bool]:
        """The section in ``language`` (or Finnish) and whether it fell back."""
        return pick(self.texts, language)  # type: ignore[return-value]

    @property
    def videos(self) -> tuple[Video, ...]:
        return tuple(p for p in self.texts[DEFAULT_LANGUAGE].parts if isinstance(p, Video))


@dataclass(frozen=True)
class OptionText:
    text: str
    explanation: str


@dataclass(frozen=True)
class Option:
    """An answer option; ``correct`` never reaches a page before the answer is submitted."""

    key: str
    correct: bool
    texts: Mapping[str, OptionText]

    def text(self, language: str) -> OptionText:
        return pick(self.texts, language)[0]  # type: ignore[return-value]


@dataclass(frozen=True)
class Question:
    """A quiz question with a stable key and a hash of what grading depends on."""

    key: str
    type: str  # "single", "multiple" or "true_false"
    texts: Mapping[str, str]
    options: tuple[Option, ...]
    content_hash: str

    def text(self, language: str) -> str:
        return pick(self.texts, language)[0]  # type: ignore[return-value]

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Quiz:
    """A module's quiz: pass mark (percent), an optional attempt limit, the questions."""

    pass_mark: int
    max_attempts: int | None
    questions: tuple[Question, ...]
    content_hash: str

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)


@dataclass(frozen=True)
class TermText:
    term: str
    definition: str


@dataclass(frozen=True)
class Term:
    """A glossary term; sections link to it with ``[text](term:<key>)``."""

    key: str
    module: str  # key of the module whose glossary.toml defines it
    texts: Mapping[str, TermText]

    def text(self, language: str) -> tuple[TermText, bool]:
        """The term in ``language`` (or Finnish) and whether it fell back."""
        return pick(self.texts, language)  # type: ignore[return-value]

    @property
    def anchor(self) -> str:
        """The id of the term on the glossary page (``/modules/glossary#term-<key>``)."""
        return f"term-{self.key}"


@dataclass(frozen=True)
class ModuleText:
    title: str
    summary: str
    objectives: tuple[str, ...]
    reflection: tuple[str, ...]


@dataclass(frozen=True)
class Module:
    """A study module: metadata, sections in order, the quiz and the sources."""

    key: str
    folder: str
    number: int
    path: Path
    minutes: int
    texts: Mapping[str, ModuleText]
    sections: tuple[Section, ...]
    quiz: Quiz
    sources: tuple[Source, ...]
    content_hash: str
    media: frozenset[str] = field(default_factory=frozenset)
    reviewed: date | None = None  # when the module was last checked against its sources
    review_months: int = 12  # how often it is due for review
    glossary: tuple[Term, ...] = ()

    def text(self, language: str) -> tuple[ModuleText, bool]:
        return pick(self.texts, language)  # type: ignore[return-value]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def words(self) -> int:
        return sum(s.texts[DEFAULT_LANGUAGE].words for s in self.sections)

    @property
    def videos(self) -> tuple[Video, ...]:
        return tuple(v for s in self.sections for v in s.videos)


@dataclass(frozen=True)
class Page:
    """A content page outside the modules (``content/pages/<key>/``), e.g. whom to contact."""

    key: str
    path: Path
    texts: Mapping[str, SectionText]  # a page has no videos: its parts are HTML only
    content_hash: str
    sources: tuple[Source, ...] = ()
    reviewed: date | None = None
    review_months: int = 12

    def text(self, language: str) -> tuple[SectionText, bool]:
        """The page in ``language`` (or Finnish) and whether it fell back."""
        return pick(self.texts, language)  # type: ignore[return-value]


@dataclass(frozen=True)
class Course:
    """The whole course, loaded once at start-up."""

    modules: tuple[Module, ...]
    version: str  # from the modules only: pages and the glossary do not change it
    pages: tuple[Page, ...] = ()
    glossary: tuple[Term, ...] = ()  # every module's terms, in module order

    def module(self, key: str) -> Module | None:
        return next((m for m in self.modules if m.key == key), None)

    def page(self, key: str) -> Page | None:
        return next((p for p in self.pages if p.key == key), None)

    def term(self, key: str) -> Term | None:
        return next((t for t in self.glossary if t.key == key), None)

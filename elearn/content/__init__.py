"""Course content: loads ``content/modules/`` and ``content/pages/`` into immutable objects.

No Flask imports here. ``schema`` holds the pydantic models of every content file, ``loader``
turns files into the frozen dataclasses of ``model``, ``checks`` holds the quality rules.
"""

from elearn.content.checks import QualityReport, check_quality
from elearn.content.loader import ContentError, LoadedContent, Problem, load_content, load_course
from elearn.content.model import (
    CaptionTrack,
    Course,
    Module,
    Page,
    Question,
    Section,
    Source,
    Term,
    Video,
)

__all__ = [
    "CaptionTrack",
    "ContentError",
    "Course",
    "LoadedContent",
    "Module",
    "Page",
    "Problem",
    "QualityReport",
    "Question",
    "Section",
    "Source",
    "Term",
    "Video",
    "check_quality",
    "load_content",
    "load_course",
]

"""Course content: loads ``content/modules/`` into immutable objects. No Flask imports here."""

from elearn.content.loader import ContentError, Problem, load_course
from elearn.content.model import Course, Module, Question, Section, Video

__all__ = [
    "ContentError",
    "Course",
    "Module",
    "Problem",
    "Question",
    "Section",
    "Video",
    "load_course",
]

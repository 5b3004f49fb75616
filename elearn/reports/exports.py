"""The reports' CSV downloads: a registry of tables.

Each table is registered once: its key (the address ``/reports/export/<key>.csv``), its title
in the reader's language, its columns (a header in the reader's language and a function that
gives the cell from a row) and its query (a function that gives the rows). Modules and
questions appear by their titles and texts in the reader's language, with their keys in
columns of their own; yes/no, employment models and notes are written as words. The view
looks a table up, checks who may download it, and writes it with the one CSV writer
(``core/csvfile.py``), which neutralises formulas.

To add a download: ``register(Table(key=..., title=_l(...), columns=(...), rows=...))``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from elearn.accounts.labels import EMPLOYMENT_MODEL_LABELS
from elearn.accounts.models import EmploymentModel, User
from elearn.content.model import Course, Module, Question
from elearn.core.csvfile import excel_csv
from elearn.progress.services import CompletionRules, CourseProgress, progress_for_learners
from elearn.quizzes.models import QuizAttempt
from elearn.reports.dashboard import Status
from elearn.reports.learners import LearnerRow, all_learners, learner_activity
from elearn.reports.overview import Group, ModuleFigures, overview
from elearn.reports.questions import OptionFigures, QuestionFigures, question_analysis
from elearn.reports.scope import Filters

R = TypeVar("R")
Cell = str | int | float | None


@dataclass(frozen=True)
class ExportRequest:
    """What a download is asked for, and what its columns need to put it into words."""

    filters: Filters
    course: Course
    language: str
    zone: ZoneInfo
    require_discussion: bool
    min_answers: int  # ELEARN_REPORT_MIN_ANSWERS
    cohort_names: dict[int, str] = field(default_factory=dict)
    module: Module | None = None  # the question tables' module
    learner: User | None = None  # whose attempts
    status: Status | None = None  # the learners table: only learners in this status


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column: its header (translated when written) and the value of its cell in a row."""

    header: Any  # a lazy string from _l()
    value: Callable[[R, ExportRequest], Cell]


@dataclass(frozen=True)
class Table(Generic[R]):
    """A registered download."""

    key: str
    title: Any  # a lazy string from _l(); also the file's name
    columns: tuple[Column[R], ...]
    rows: Callable[[ExportRequest], Iterable[R]]  # the query
    needs: str | None = None  # "module" or "learner": what the address must name
    supervisors: bool = False  # supervisors may download it too (their own learners only)


TABLES: dict[str, Table[Any]] = {}


def register(table: Table[R]) -> Table[R]:
    """Add a table to the downloads.

    Raises:
        ValueError: a table with the same key is registered already.
    """
    if table.key in TABLES:
        raise ValueError(f"a CSV table {table.key!r} is registered already")
    TABLES[table.key] = table
    return table


def write(table: Table[R], request: ExportRequest) -> bytes:
    """The table as CSV for Excel in the reader's language (its decimal separator too)."""
    return excel_csv(
        [str(c.header) for c in table.columns],
        ([c.value(row, request) for c in table.columns] for row in table.rows(request)),
        decimal_separator="." if request.language == "en" else ",",
    )


def download_name(table: Table[Any], request: ExportRequest) -> str:
    """The file's name: the table's title, and the module's number or the learner's id."""
    parts = [str(table.title)]
    if request.module is not None:
        parts.append(str(request.module.number))
    if request.learner is not None:
        parts.append(str(request.learner.id))
    return " ".join(parts) + ".csv"


# ------------------------------------------------------------------ words for values


def yes_no(flag: bool) -> str:
    """Yes or no in the reader's language."""
    return _("Yes") if flag else _("No")


def percent(rate: float | None) -> float | None:
    """A share (0-1) as a percentage with one decimal."""
    return None if rate is None else round(100 * rate, 1)


def rounded(value: float | None, digits: int = 1) -> float | None:
    """``value`` rounded, or None."""
    return None if value is None else round(value, digits)


def module_title(module: Module | None, request: ExportRequest) -> str:
    """ "3. Title" in the reader's language ("" for a module no longer in the course)."""
    if module is None:
        return ""
    return f"{module.number}. {module.text(request.language)[0].title}"


def model_label(value: str | None) -> str:
    """An employment model in the reader's language ("" for none or an unknown one)."""
    try:
        return str(EMPLOYMENT_MODEL_LABELS[EmploymentModel(value or "")])
    except ValueError:
        return ""


def group_level(group: Group) -> str:
    """What kind of group a row is about: a group, an employment model or everyone."""
    if group.kind == "cohort":
        return _("Group")
    return _("Employment model") if group.kind == "model" else _("All learners")


def group_name(group: Group, request: ExportRequest) -> str:
    """The group's name, the employment model in words, or "all learners"."""
    if group.kind == "cohort":
        return request.cohort_names.get(int(group.key), _("No group"))
    if group.kind == "model":
        return model_label(group.key) or _("No group")
    return _("All learners")


def question_text(question: Question | None, request: ExportRequest) -> str:
    """The question in the reader's language ("" for one no longer in the course)."""
    return question.text(request.language) if question is not None else ""


def option_text(question: Question | None, key: str, request: ExportRequest) -> str:
    """An answer option in the reader's language ("" for an unknown one)."""
    option = question.option(key) if question is not None else None
    return option.text(request.language).text if option is not None else ""


NOTES = {"too_hard": _l("Too hard"), "too_easy": _l("Too easy")}


# ------------------------------------------------------------------ groups and modules


def _overview(request: ExportRequest) -> Any:
    return overview(
        request.course,
        request.filters,
        zone=request.zone,
        require_discussion=request.require_discussion,
    )


def _groups(request: ExportRequest) -> list[Group]:
    return _overview(request).groups


GROUP_COLUMNS: tuple[Column[Group], ...] = (
    Column(_l("Level"), lambda g, r: group_level(g)),
    Column(_l("Group"), group_name),
    Column(_l("Group key"), lambda g, r: g.key),
)

register(
    Table(
        key="cohorts",
        title=_l("Groups"),
        rows=_groups,
        columns=(
            *GROUP_COLUMNS,
            Column(_l("Learners"), lambda g, r: g.learners),
            Column(_l("Started"), lambda g, r: g.started_course),
            Column(_l("Completed the course"), lambda g, r: g.completed_course),
            Column(_l("Completion rate (%)"), lambda g, r: percent(g.completion_rate)),
        ),
    )
)


class ModuleRow(NamedTuple):
    """One group's figures in one module."""

    group: Group
    module: Module
    figures: ModuleFigures


def _module_rows(request: ExportRequest) -> Iterable[ModuleRow]:
    for group in _groups(request):
        for module in request.course.modules:
            yield ModuleRow(group, module, group.modules[module.key])


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _of_group(column: Column) -> Column:
    """A group column read from a module row's group."""
    return Column(column.header, lambda m, r: column.value(m.group, r))


register(
    Table(
        key="modules",
        title=_l("Module figures"),
        rows=_module_rows,
        columns=(
            *(_of_group(c) for c in GROUP_COLUMNS),
            Column(_l("Module"), lambda m, r: module_title(m.module, r)),
            Column(_l("Module key"), lambda m, r: m.module.key),
            Column(_l("Learners"), lambda m, r: m.figures.learners),
            Column(_l("Started"), lambda m, r: m.figures.started),
            Column(_l("Completed"), lambda m, r: m.figures.completed),
            Column(_l("Submitted the quiz"), lambda m, r: m.figures.attempted),
            Column(_l("Pass rate (%)"), lambda m, r: percent(m.figures.pass_rate)),
            Column(_l("Mean best score"), lambda m, r: rounded(m.figures.mean_best)),
            Column(_l("Attempts to pass"), lambda m, r: rounded(m.figures.mean_attempts_to_pass)),
            Column(
                _l("Median time to complete (hours)"),
                lambda m, r: _hours(m.figures.median_seconds),
            ),
        ),
    )
)


# ------------------------------------------------------------------ questions and options


def _questions(request: ExportRequest) -> list[QuestionFigures]:
    assert request.module is not None  # the view checks ``needs``
    return question_analysis(
        request.module, request.filters, zone=request.zone, minimum=request.min_answers
    ).questions


def _most_chosen_wrong(q: QuestionFigures) -> str:
    return q.most_chosen_wrong.key if q.most_chosen_wrong else ""


MODULE_COLUMNS: tuple[Column[Any], ...] = (
    Column(_l("Module"), lambda row, r: module_title(r.module, r)),
    Column(_l("Module key"), lambda row, r: r.module.key if r.module else ""),
)

register(
    Table(
        key="questions",
        title=_l("Questions"),
        needs="module",
        rows=_questions,
        columns=(
            *MODULE_COLUMNS,
            Column(_l("Question"), lambda q, r: question_text(q.question, r)),
            Column(_l("Question key"), lambda q, r: q.question.key),
            Column(_l("First attempts"), lambda q, r: q.answered),
            Column(_l("Fully correct"), lambda q, r: q.fully_correct),
            Column(_l("Facility (%)"), lambda q, r: percent(q.facility)),
            Column(_l("Discrimination"), lambda q, r: rounded(q.discrimination, 2)),
            Column(_l("Enough answers"), lambda q, r: yes_no(q.enough)),
            Column(_l("Note"), lambda q, r: str(NOTES[q.flag]) if q.flag else ""),
            Column(
                _l("Most chosen wrong option"),
                lambda q, r: option_text(q.question, _most_chosen_wrong(q), r),
            ),
            Column(_l("Most chosen wrong option (key)"), lambda q, r: _most_chosen_wrong(q)),
        ),
    )
)


class OptionRow(NamedTuple):
    """One option of one question."""

    question: QuestionFigures
    option: OptionFigures


def _options(request: ExportRequest) -> Iterable[OptionRow]:
    for question in _questions(request):
        for option in question.options:
            yield OptionRow(question, option)


register(
    Table(
        key="options",
        title=_l("Answer options"),
        needs="module",
        rows=_options,
        columns=(
            *MODULE_COLUMNS,
            Column(_l("Question"), lambda o, r: question_text(o.question.question, r)),
            Column(_l("Question key"), lambda o, r: o.question.question.key),
            Column(
                _l("Answer option"), lambda o, r: option_text(o.question.question, o.option.key, r)
            ),
            Column(_l("Option key"), lambda o, r: o.option.key),
            Column(_l("Correct"), lambda o, r: yes_no(o.option.correct)),
            Column(_l("Chosen"), lambda o, r: o.option.chosen),
        ),
    )
)


# ------------------------------------------------------------------ learners


class LearnerProgress(NamedTuple):
    """A learner and their progress (by the one computation in ``progress.services``)."""

    learner: LearnerRow
    progress: CourseProgress


def _learners(request: ExportRequest) -> Iterable[LearnerProgress]:
    people = list(all_learners(request.filters, request.status))
    progress = progress_for_learners(
        request.course,
        [p.id for p in people],
        rules=CompletionRules(require_discussion=request.require_discussion),
    )
    return [LearnerProgress(p, progress[p.id]) for p in people]


register(
    Table(
        key="learners",
        title=_l("Learners"),
        supervisors=True,
        rows=_learners,
        columns=(
            Column(_l("Learner ID"), lambda p, r: p.learner.id),
            Column(_l("Name"), lambda p, r: p.learner.name),
            Column(_l("E-mail address"), lambda p, r: p.learner.email),
            Column(_l("Group"), lambda p, r: p.learner.cohort_name),
            Column(_l("Employment model"), lambda p, r: model_label(p.learner.employment_model)),
            Column(_l("Modules complete"), lambda p, r: p.progress.modules_complete),
            Column(_l("Discussions attended"), lambda p, r: p.progress.discussions_attended),
            Column(_l("Course complete"), lambda p, r: yes_no(p.progress.complete)),
        ),
    )
)


# ------------------------------------------------------------------ one learner's attempts


class AnswerRow(NamedTuple):
    """One question of one submitted attempt."""

    module: Module | None  # None: the module has left the course
    module_key: str
    number: int  # the attempt's number within the module, from 1
    attempt: QuizAttempt
    question_key: str

    @property
    def question(self) -> Question | None:
        return self.module.quiz.question(self.question_key) if self.module else None

    @property
    def chosen(self) -> list[str]:
        return list((self.attempt.answers or {}).get(self.question_key, []))


def _answers(request: ExportRequest) -> Iterable[AnswerRow]:
    assert request.learner is not None  # the view checks ``needs``
    activity = learner_activity(request.learner.id)
    for module_key, attempts in activity.attempts_by_module.items():
        module = request.course.module(module_key)
        for number, attempt in enumerate(attempts, start=1):
            for shown in attempt.layout:
                yield AnswerRow(module, module_key, number, attempt, shown["question"])


def _local_time(row: AnswerRow, request: ExportRequest) -> str:
    submitted = row.attempt.submitted_at
    return submitted.astimezone(request.zone).strftime("%Y-%m-%d %H:%M") if submitted else ""


register(
    Table(
        key="attempts",
        title=_l("Quiz attempts"),
        needs="learner",
        rows=_answers,
        columns=(
            Column(_l("Module"), lambda a, r: module_title(a.module, r)),
            Column(_l("Module key"), lambda a, r: a.module_key),
            Column(_l("Attempt"), lambda a, r: a.number),
            Column(_l("Submitted"), _local_time),
            Column(_l("Score (%)"), lambda a, r: rounded(a.attempt.score)),
            Column(_l("Passed"), lambda a, r: yes_no(bool(a.attempt.passed))),
            Column(_l("Question"), lambda a, r: question_text(a.question, r)),
            Column(_l("Question key"), lambda a, r: a.question_key),
            Column(
                _l("Points"),
                lambda a, r: rounded((a.attempt.question_scores or {}).get(a.question_key), 2),
            ),
            Column(
                _l("Options chosen"),
                lambda a, r: " / ".join(option_text(a.question, k, r) or k for k in a.chosen),
            ),
            Column(_l("Option keys chosen"), lambda a, r: " ".join(a.chosen)),
        ),
    )
)

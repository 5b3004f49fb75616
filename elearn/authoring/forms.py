"""The editor's forms. Texts in fi, sv and en are fields side by side (``title_fi``,
``title_sv``, ``title_en``). Every editing form carries ``base`` (a fingerprint of the files
it shows, for telling two trainers' saves apart) and ``revision`` (the draft it was opened on).

These forms check what a form can (a number is a number, a date a date); the rules of the
content itself (a Finnish title is required, a question needs a correct option) are the
content check's, shown next to the field after saving, so a draft may be saved half-made.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from elearn.content.model import LANGUAGES
from elearn.core.forms import choice_list

TITLE_MAX = 2000  # a limit against abuse; how long a title should be is the content's matter
TEXT_MAX = 20_000
SECTION_MAX = 200_000
QUESTION_TYPES = ("single", "multiple", "true_false")


def _per_language(cls: Any, name: str, make: Any) -> None:
    """Add ``<name>_fi``, ``<name>_sv`` and ``<name>_en`` to a form class."""
    for lang in LANGUAGES:
        setattr(cls, f"{name}_{lang}", make())


def question_type_choices() -> list[Any]:
    return choice_list(
        [
            ("single", _l("Single choice: one right answer (also short cases)")),
            ("multiple", _l("Multiple choice: one or more right answers")),
            ("true_false", _l("True or false: two options, one right")),
        ]
    )


class EditForm(FlaskForm):
    """What every editing form carries besides its fields."""

    base = HiddenField()
    revision = HiddenField()


class ActionForm(EditForm):
    """A button that changes one thing (move, remove); the form is its token and base."""

    submit = SubmitField()


# ---------------------------------------------------------------------------- modules


class SourceForm(Form):
    title = StringField(_l("Title"), validators=[Length(max=TITLE_MAX)])
    publisher = StringField(_l("Publisher"), validators=[Length(max=TITLE_MAX)])
    url = StringField(_l("Web address"), validators=[Length(max=2000)])
    checked = DateField(_l("Checked on"), validators=[Optional()])
    secondary = BooleanField(_l("Secondary source (news, a thesis, another sector's guide)"))


class ModuleTextsForm(EditForm):
    minutes = IntegerField(
        _l("Study time in minutes"), validators=[InputRequired(), NumberRange(1, 600)]
    )
    reviewed = DateField(_l("Last checked against its sources on"), validators=[Optional()])
    review_months = IntegerField(
        _l("Review every … months"),
        validators=[Optional(), NumberRange(1, 120)],
        description=_l("Leave empty for the default, 12 months."),
    )
    sources = FieldList(FormField(SourceForm))
    save = SubmitField(_l("Save the draft"))


_per_language(
    ModuleTextsForm, "title", lambda: StringField(_l("Title"), validators=[Length(max=TITLE_MAX)])
)
_per_language(
    ModuleTextsForm,
    "summary",
    lambda: TextAreaField(_l("Summary"), validators=[Length(max=TEXT_MAX)], render_kw={"rows": 3}),
)
_per_language(
    ModuleTextsForm,
    "objectives",
    lambda: TextAreaField(
        _l("Objectives, one a line"), validators=[Length(max=TEXT_MAX)], render_kw={"rows": 6}
    ),
)
_per_language(
    ModuleTextsForm,
    "reflection",
    lambda: TextAreaField(
        _l("Reflection questions (2-4), one a line"),
        validators=[Length(max=TEXT_MAX)],
        render_kw={"rows": 5},
    ),
)


# ---------------------------------------------------------------------------- sections


class SectionForm(EditForm):
    save = SubmitField(_l("Save the draft"))
    show_preview = SubmitField(_l("Preview the text"))


_per_language(
    SectionForm, "title", lambda: StringField(_l("Title"), validators=[Length(max=TITLE_MAX)])
)
_per_language(
    SectionForm,
    "body",
    lambda: TextAreaField(
        _l("Text (Markdown)"), validators=[Length(max=SECTION_MAX)], render_kw={"rows": 18}
    ),
)


class AddSectionForm(EditForm):
    key = StringField(
        _l("Key"),
        validators=[DataRequired(), Length(max=60)],
        description=_l(
            "A stable name for the section: lower-case letters, digits and dashes, "
            "e.g. tyosopimus. It cannot be changed later."
        ),
    )
    title = StringField(_l("Title in Finnish"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    submit = SubmitField(_l("Add the section"))


# ---------------------------------------------------------------------------- quizzes


class QuizSettingsForm(EditForm):
    pass_mark = IntegerField(
        _l("Pass mark (percent)"),
        validators=[Optional(), NumberRange(1, 100)],
        description=_l("Leave empty for the default, 80 %."),
    )
    max_attempts = IntegerField(
        _l("Attempts allowed"),
        validators=[Optional(), NumberRange(1, 100)],
        description=_l("Leave empty for no limit."),
    )
    save = SubmitField(_l("Save the settings"))


class AddQuestionForm(EditForm):
    key = StringField(
        _l("Key"),
        validators=[DataRequired(), Length(max=60)],
        description=_l(
            "A stable name for the question: lower-case letters, digits and dashes, "
            "e.g. kuka-paattaa. It cannot be changed later."
        ),
    )
    type = RadioField(_l("Type"), choices=question_type_choices(), default="single")
    submit = SubmitField(_l("Add the question"))


class OptionForm(Form):
    key = HiddenField()
    correct = BooleanField(_l("This option is correct"))


_per_language(
    OptionForm,
    "text",
    lambda: TextAreaField(_l("Option"), validators=[Length(max=TEXT_MAX)], render_kw={"rows": 2}),
)
_per_language(
    OptionForm,
    "explanation",
    lambda: TextAreaField(
        _l("Explanation shown after answering"),
        validators=[Length(max=TEXT_MAX)],
        render_kw={"rows": 3},
    ),
)


class QuestionForm(EditForm):
    type = RadioField(_l("Type"), choices=question_type_choices(), validators=[DataRequired()])
    options = FieldList(FormField(OptionForm))
    save = SubmitField(_l("Save the draft"))


_per_language(
    QuestionForm,
    "text",
    lambda: TextAreaField(
        _l("Question"),
        validators=[Length(max=TEXT_MAX)],
        render_kw={"rows": 4},
        description=_l("A blank line starts a new paragraph (for a short case)."),
    ),
)


# ---------------------------------------------------------------------------- glossary


class TermForm(Form):
    key = StringField(_l("Key"), validators=[Length(max=60)])
    is_new = HiddenField()


_per_language(TermForm, "term", lambda: StringField(_l("Term"), validators=[Length(max=TITLE_MAX)]))
_per_language(
    TermForm,
    "definition",
    lambda: TextAreaField(
        _l("Definition"), validators=[Length(max=TEXT_MAX)], render_kw={"rows": 3}
    ),
)


class GlossaryForm(EditForm):
    terms = FieldList(FormField(TermForm))
    save = SubmitField(_l("Save the draft"))


# ---------------------------------------------------------------------------- pages


class PageForm(EditForm):
    reviewed = DateField(_l("Last checked against its sources on"), validators=[Optional()])
    review_months = IntegerField(
        _l("Review every … months"),
        validators=[Optional(), NumberRange(1, 120)],
        description=_l("Leave empty for the default, 12 months."),
    )
    sources = FieldList(FormField(SourceForm))
    save = SubmitField(_l("Save the draft"))
    show_preview = SubmitField(_l("Preview the text"))


_per_language(
    PageForm, "title", lambda: StringField(_l("Title"), validators=[Length(max=TITLE_MAX)])
)
_per_language(
    PageForm,
    "body",
    lambda: TextAreaField(
        _l("Text (Markdown)"), validators=[Length(max=SECTION_MAX)], render_kw={"rows": 18}
    ),
)


# ---------------------------------------------------------------------------- surveys


def survey_form(names: list[str]) -> type[EditForm]:
    """A form with ``<name>_fi``, ``<name>_sv`` and ``<name>_en`` for each survey text."""

    class SurveyForm(EditForm):
        save = SubmitField(_l("Save the draft"))

    for name in names:
        _per_language(
            SurveyForm,
            name.replace("-", "_"),
            lambda: TextAreaField(validators=[Length(max=TEXT_MAX)], render_kw={"rows": 2}),
        )
    return SurveyForm


# ---------------------------------------------------------------------------- publishing


class PublishForm(FlaskForm):
    revision = HiddenField()
    note = TextAreaField(
        _l("What changed and why"),
        validators=[DataRequired(), Length(max=2000)],  # what the store keeps
        description=_l('A short note for the history, e.g. "Working hours act 2026".'),
        render_kw={"rows": 3},
    )
    confirm = BooleanField(_l("I have read the quality problems and publish anyway"))
    submit = SubmitField(_l("Publish"))


class DiscardForm(FlaskForm):
    submit = SubmitField(_l("Throw the draft away"))


class RestoreForm(FlaskForm):
    submit = SubmitField(_l("Restore as a draft"))

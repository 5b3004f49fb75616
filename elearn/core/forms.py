"""Small helpers shared by the forms of every domain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def choice_list(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


# Each language is named in itself, whatever the page's language.
LANGUAGE_CHOICES = choice_list([("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")])


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes in a list (real inputs, usable by keyboard and screen reader)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

"""Problems with content files, and validation errors turned into them (file, line, message).

A pydantic error location such as ``("questions", 3, "options", 1, "text")`` becomes the line
of that key (found by ``tomlpos``) and a message that names the item by its key::

    content/modules/02-tyonantajamalli/quiz.toml:41: question "tyoaika": option "b": text must
    not be empty
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from elearn.content.tomlpos import line_of

# Arrays of tables whose items are named in messages, singular.
ITEM_NAMES = {
    "questions": "question",
    "options": "option",
    "sources": "source",
    "terms": "term",
    "slides": "slide",
}


class Problem(NamedTuple):
    """One thing wrong with the content, at a file and (where known) a line."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content tree is invalid; ``problems`` lists everything found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` to ``X``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def annotation_at(model: type[BaseModel], loc: Sequence[str | int]) -> Any:
    """The type the schema expects at ``loc`` (None when the location is not in the schema)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        origin = get_origin(current)
        if isinstance(part, int):
            if origin not in (list, tuple):
                return None
            current = get_args(current)[0]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        elif origin is dict:
            current = get_args(current)[1]
        else:
            return None
    return _unwrap(current)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _expected(annotation: Any, names: list[str]) -> str:
    """How to write a value of this type, for "must be ..."."""
    origin = get_origin(annotation)
    if origin in (list, tuple):
        item = _unwrap(get_args(annotation)[0])
        if _is_model(item):
            return f"a list of [[{'.'.join(names)}]] tables"
        return 'a list of texts, e.g. ["...", "..."]'
    if _is_model(annotation):
        name = names[-1] if names else "name"
        return f"a table, e.g. {name} = {{ ... }} or [{'.'.join(names) or name}]"
    simple = {
        str: "a text in quotes",
        int: "a whole number",
        bool: "true or false",
        date: "a date like 2026-11-30 (no quotes)",
        float: "a number",
    }
    return simple.get(annotation, "of another type")


TYPE_ERRORS = {
    "string_type",
    "int_type",
    "int_from_float",
    "bool_type",
    "date_type",
    "list_type",
    "model_type",
    "model_attributes_type",
    "dict_type",
    "float_type",
    "tuple_type",
}


def _describe_item(value: Any, singular: str, index: int) -> str:
    """``question "kuka-paattaa"``, ``source "Vammaispalvelujen käsikirja"`` or ``slide 3``."""
    for name in ("key", "title"):
        text = value.get(name) if isinstance(value, dict) else None
        if isinstance(text, str) and text.strip():
            text = " ".join(text.split())
            return f'{singular} "{text if len(text) <= 50 else text[:47] + "..."}"'
    return f"{singular} {index + 1}"


def describe(
    error: dict[str, Any], model: type[BaseModel], data: Any
) -> tuple[tuple[str | int, ...], str]:
    """One pydantic error as (location to show, message for authors)."""
    loc = tuple(error["loc"])
    kind = error["type"]
    labels: list[str] = []
    field: list[str] = []  # the field path after the last named item
    names: list[str] = []  # table names on the way, for "[[questions.options]]"
    node: Any = data
    previous: str | int | None = None
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(previous, str) and previous in ITEM_NAMES:
                if field and field[-1] == previous:
                    field.pop()
                labels.append(_describe_item(item, ITEM_NAMES[previous], part))
            else:
                field.append(f"(item {part + 1})")
            node = item
        else:
            names.append(part)
            field.append(part)
            node = node.get(part) if isinstance(node, dict) else None
        previous = part

    # A list item that is not a table: say so about the list, once, at the list.
    if (
        kind in ("model_type", "dict_type", "model_attributes_type")
        and loc
        and isinstance(loc[-1], int)
    ):
        parent = loc[:-1]
        labels.pop() if labels else None
        list_name = ".".join(str(p) for p in parent if isinstance(p, str))
        message = f"{parent[-1]} must be a list of [[{list_name}]] tables"
        return parent, ": ".join([*labels, message])

    name = " ".join(field)
    if kind == "content" and not name:
        # A rule about a whole item continues its name: 'question "x" has no correct option'.
        return loc, " ".join([": ".join(labels), error["ctx"]["m"]]).strip()
    if kind == "content":
        message = f"{name} {error['ctx']['m']}"
    elif kind == "content_whole":
        message = error["ctx"]["m"]
    elif kind == "missing":
        message = f"{name} is missing"
    elif kind == "extra_forbidden":
        owner = annotation_at(model, loc[:-1])
        allowed = list(owner.model_fields) if _is_model(owner) else []
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        message = f"unknown field {str(loc[-1])!r}{hint}"
    elif kind in TYPE_ERRORS:
        expected = _expected(annotation_at(model, loc), names)
        message = f"{name or 'the value'} must be {expected}"
    else:  # a rule this module has no words for: pydantic's own message
        message = f"{name or 'value'}: {error['msg']}"
    return loc, ": ".join([*labels, message])


def problems_from(
    error: ValidationError,
    *,
    model: type[BaseModel],
    data: Any,
    raw: str | None,
    path: str,
    line_offset: int = 0,
    default_line: int | None = None,
    prefix: str = "",
) -> list[Problem]:
    """Every error in ``error`` as a ``Problem`` at its file and line.

    Args:
        model: the model that was validated (to say what type a field expects).
        data: what was validated (to name items by their keys).
        raw: the TOML text, to find lines in; None when there is none.
        path: the file as shown to the author.
        line_offset: added to lines found in ``raw`` (a TOML block inside Markdown).
        default_line: the line when the location is not in the text.
        prefix: put in front of every message (``"video: "``).
    """
    found: list[Problem] = []
    for details in error.errors(include_url=False):
        loc, message = describe(dict(details), model, data)
        line = line_of(raw, loc) if raw is not None and loc else None
        line = line + line_offset if line is not None else default_line
        problem = Problem(path, line, prefix + message)
        if problem not in found:
            found.append(problem)
    return found

"""Reading content files: text, TOML, validation into schema models; problems, never crashes.

Shared by the course loader and the survey loader. Every function here adds what is wrong to
a ``Collector`` (file and line) and returns None instead of raising.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from elearn.content.problems import Problem, problems_from
from elearn.content.tomlpos import line_of

M = TypeVar("M", bound=BaseModel)
INTERNAL_ERROR = "could not be loaded (internal error"  # never expected; tests look for it


@dataclass
class Collector:
    """Problems found so far, texts read, and links to check once everything is loaded."""

    display_root: Path
    problems: list[Problem] = field(default_factory=list)
    links: list[tuple[Path, int, str, str]] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)
    # Quality problems noticed while loading, with the module folder and language they
    # concern: shown by ``flask content check``, never a reason to refuse the content.
    deferred: list[tuple[Problem, str | None, str | None]] = field(default_factory=list)

    def show(self, path: Path) -> str:
        rel = os.path.relpath(path, self.display_root)
        return str(path) if rel.startswith("..") else rel

    def defer(
        self,
        path: Path,
        line: int | None,
        message: str,
        unit: str | None = None,
        language: str | None = None,
    ) -> None:
        """Note a quality problem (about a translation into ``language`` of ``unit``)."""
        self.deferred.append((Problem(self.show(path), line, message), unit, language))

    def add(self, path: Path, line: int | None, message: str) -> None:
        problem = Problem(self.show(path), line, message)
        if problem not in self.problems:
            self.problems.append(problem)


def read_text(path: Path, ctx: Collector) -> str | None:
    """The file as text, or None after naming what is wrong with it."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        ctx.add(path, None, "file is missing")
        return None
    except IsADirectoryError:
        ctx.add(path, None, "is a folder; a file is expected here")
        return None
    except OSError as exc:
        ctx.add(path, None, f"cannot be read ({exc.strerror or exc})")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        ctx.add(path, line, "the file is not UTF-8 text; save it as UTF-8")
        return None
    text = text.removeprefix("\ufeff")  # a byte order mark some editors write
    ctx.texts[path] = text
    return text


def parse_toml(text: str, path: Path, ctx: Collector, line_offset: int = 0) -> dict | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match.group(1)) + line_offset if match else line_offset or None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        ctx.add(path, line, f"TOML syntax error: {message}")
    except RecursionError:
        ctx.add(path, line_offset or None, "TOML syntax error: values nested too deeply")
    return None


def validate(
    model: type[M],
    data: Any,
    raw: str | None,
    path: Path,
    ctx: Collector,
    *,
    line_offset: int = 0,
    default_line: int | None = None,
    prefix: str = "",
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        ctx.problems.extend(
            p
            for p in problems_from(
                error,
                model=model,
                data=data,
                raw=raw,
                path=ctx.show(path),
                line_offset=line_offset,
                default_line=default_line,
                prefix=prefix,
            )
            if p not in ctx.problems
        )
        return None


def load_toml(path: Path, model: type[M], ctx: Collector, *, optional: bool = False) -> M | None:
    """Read, parse and validate one TOML file (an optional file may be absent)."""
    if optional and not path.exists() and not path.is_symlink():
        return None
    raw = read_text(path, ctx)
    if raw is None:
        return None
    if not raw.strip():
        ctx.add(path, None, "the file is empty")
        return None
    data = parse_toml(raw, path, ctx)
    if data is None:
        return None
    return validate(model, data, raw, path, ctx)


def line_in(ctx: Collector, path: Path, loc: tuple[str | int, ...]) -> int | None:
    """The line of ``loc`` in a TOML file already read (None if unknown)."""
    text = ctx.texts.get(path)
    return line_of(text, loc) if text is not None else None

"""Malformed content never crashes: whatever the files hold, a course or a ContentError.

Hypothesis puts random TOML values in place of each field, random bytes and truncated or
re-encoded text in place of whole files, and deletes files and folders, in modules,
quizzes, glossaries, video blocks, clip scripts, pages and surveys. Every outcome must be a
loaded course (whose quality check also runs) or a ``ContentError`` whose problems name files
of the tree, never another exception, never the loader's internal-error safety net.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearn.content import ContentError, check_quality, load_content
from elearn.content.cli import content_cli
from elearn.content.files import INTERNAL_ERROR
from elearn.content.surveys import load_surveys
from tests.content.tree import write_course

SURVEYS = Path(__file__).parent / "fixtures" / "content-1.0" / "surveys"
TODAY = date(2026, 11, 30)
FAST = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TOML_FILES = [
    "modules/02-moduuli-2/module.toml",
    "modules/02-moduuli-2/module.sv.toml",
    "modules/02-moduuli-2/quiz.toml",
    "modules/02-moduuli-2/quiz.en.toml",
    "modules/02-moduuli-2/glossary.toml",
    "modules/02-moduuli-2/media/clip.slides.toml",
    "pages/kun-tarvitset-apua/page.toml",
    "surveys/01-opintojakso.toml",
]
TEXT_FILES = [
    "modules/02-moduuli-2/sections/01-alku.md",  # holds a self-hosted video block
    "modules/02-moduuli-2/sections/02-jatko.sv.md",
    "modules/01-moduuli-1/sections/01-alku.md",  # holds a YouTube video block
    "modules/01-moduuli-1/media/clip.transcript.md",
    "modules/02-moduuli-2/media/clip.fi.vtt",
    "modules/02-moduuli-2/media/clip.en.vtt",
    "pages/kun-tarvitset-apua/page.md",
]
VIDEO_FILES = [
    "modules/02-moduuli-2/sections/01-alku.md",
    "modules/02-moduuli-2/sections/01-alku.sv.md",
    "modules/01-moduuli-1/sections/01-alku.md",
]
FOLDERS = [
    "modules/02-moduuli-2",
    "modules/02-moduuli-2/sections",
    "modules/02-moduuli-2/media",
    "pages/kun-tarvitset-apua",
    "pages",
    "surveys",
]
# Problems that a valid file can cause in another one (a changed key breaks links to it).
CROSS_FILE = re.compile(r"broken internal link|duplicate (module|term) key|already defined in")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pristine") / "content"
    write_course(root / "modules", count=2)
    shutil.copytree(SURVEYS, root / "surveys")
    return root


@contextmanager
def copy_of(pristine: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        shutil.copytree(pristine, root)
        yield root


def outcome(root: Path) -> list:
    """Load modules, pages and surveys; the problems found (empty: it loaded)."""
    problems = []
    try:
        content = load_content(root / "modules")
        report = check_quality(content, today=TODAY)  # runs on whatever loaded
        assert all(p.path.startswith("content/") for p in report.problems)
    except ContentError as error:
        assert error.problems
        problems += error.problems
    try:
        load_surveys(root / "surveys")
    except ContentError as error:
        problems += error.problems
    for problem in problems:
        assert problem.path.startswith("content/"), problem
        assert problem.message and INTERNAL_ERROR not in problem.message, problem
        assert problem.line is None or problem.line >= 1, problem
    return problems


def names(problem, relative: str) -> bool:
    """Whether a problem points at ``relative``: its file, a folder holding it, a file inside
    it, or a file that refers to it by name (a video's captions, a section's key)."""
    target = f"content/{relative}"
    key = re.sub(r"^\d\d-|(\.(sv|en))?\.[a-z]+$", "", Path(relative).name)
    return (
        problem.path == target
        or problem.path.startswith(target + "/")
        or target.startswith(problem.path + "/")
        or Path(relative).name in problem.message
        or f'"{key}"' in problem.message
    )


def assert_names(problems: list, relative: str) -> None:
    """Some problem points at the broken file, unless all are consequences elsewhere."""
    if problems and not all(CROSS_FILE.search(p.message) for p in problems):
        assert any(names(p, relative) for p in problems), (relative, problems)


# ---------------------------------------------------------------------------- TOML values


def toml_string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def toml_value(value: object) -> str:
    """A Python value as an inline TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, date | time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


scalars = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "a", "moduuli-1", "kysymys-1", "file", "single", "media/clip.webm"])
    | st.dates()
    | st.datetimes()
    | st.datetimes(timezones=st.just(UTC))
    | st.times()
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
KEY_LINE = re.compile(r"^(\s*)([A-Za-z0-9_.\"-]+)(\s*=\s*)(.*)$")


def key_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if KEY_LINE.match(line)]


@st.composite
def field_edits(draw, text: str) -> str:
    """``text`` with one ``key = value`` line changed: a random value, gone, twice, or a stranger."""
    lines = text.split("\n")
    index = draw(st.sampled_from(key_lines(text)))
    indent, key, equals, _value = KEY_LINE.match(lines[index]).groups()
    action = draw(st.sampled_from(["value", "value", "value", "delete", "repeat", "unknown"]))
    if action == "value":
        lines[index] = f"{indent}{key}{equals}{toml_value(draw(values))}"
    elif action == "delete":
        del lines[index]
    elif action == "repeat":
        lines.insert(index, lines[index])
    else:
        lines.insert(index, f"{draw(st.from_regex(r'[a-z_]{1,10}', fullmatch=True))} = 1")
    return "\n".join(lines)


@FAST
@given(data=st.data(), relative=st.sampled_from(TOML_FILES))
def test_random_values_in_toml_fields(pristine, data, relative):
    with copy_of(pristine) as root:
        path = root / relative
        path.write_text(data.draw(field_edits(path.read_text("utf-8"))), "utf-8")
        assert_names(outcome(root), relative)


@FAST
@given(data=st.data(), relative=st.sampled_from(VIDEO_FILES))
def test_random_values_in_video_blocks(pristine, data, relative):
    with copy_of(pristine) as root:
        path = root / relative
        text = path.read_text("utf-8")
        start = text.index("```video\n") + len("```video\n")
        end = text.index("```", start)
        block = data.draw(field_edits(text[start:end]))
        path.write_text(text[:start] + block + text[end:], "utf-8")
        assert_names(outcome(root), relative)


# ---------------------------------------------------------------------------- whole files


@FAST
@given(relative=st.sampled_from(TOML_FILES + TEXT_FILES), data=st.binary(max_size=200))
def test_random_bytes(pristine, relative, data):
    with copy_of(pristine) as root:
        (root / relative).write_bytes(data)
        assert_names(outcome(root), relative)


@FAST
@given(relative=st.sampled_from(TOML_FILES + TEXT_FILES), cut=st.floats(0, 1))
def test_truncated_files(pristine, relative, cut):
    with copy_of(pristine) as root:
        path = root / relative
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * cut)])  # may end inside a UTF-8 character
        assert_names(outcome(root), relative)


@FAST
@given(
    relative=st.sampled_from(TOML_FILES + TEXT_FILES),
    encoding=st.sampled_from(
        ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-8-sig", "mac-roman"]
    ),
)
def test_other_encodings(pristine, relative, encoding):
    with copy_of(pristine) as root:
        path = root / relative
        path.write_bytes(path.read_text("utf-8").encode(encoding, errors="replace"))
        problems = outcome(root)
        if encoding == "utf-8-sig":
            assert not problems  # a byte order mark is fine
        assert_names(problems, relative)


# Files and folders whose absence is no error: translations, the glossary, clip scripts and
# translated captions are quality matters; a module or page may be removed.
OPTIONAL = {
    "modules/02-moduuli-2", "pages", "pages/kun-tarvitset-apua",
    "modules/02-moduuli-2/module.sv.toml", "modules/02-moduuli-2/quiz.en.toml",
    "modules/02-moduuli-2/glossary.toml", "modules/02-moduuli-2/media/clip.slides.toml",
    "modules/02-moduuli-2/sections/02-jatko.sv.md", "modules/02-moduuli-2/media/clip.en.vtt",
}  # fmt: skip
# A file in content/modules is not a module (it is left alone); a folder where a translated
# captions file should be is a caption file not made yet.
SWAP_OK = {"modules/02-moduuli-2", "modules/02-moduuli-2/media/clip.en.vtt"}


@pytest.mark.parametrize("action", ["delete", "swap"])
@pytest.mark.parametrize("relative", TOML_FILES + TEXT_FILES + FOLDERS)
def test_missing_files_and_folders(pristine, relative, action):
    with copy_of(pristine) as root:
        path = root / relative
        if path.is_dir():
            shutil.rmtree(path)
            if action == "swap":
                path.write_text("a file where a folder should be\n", "utf-8")
        else:
            path.unlink()
            if action == "swap":
                path.mkdir()
        problems = outcome(root)
        if relative not in OPTIONAL or (action == "swap" and relative not in SWAP_OK):
            assert problems
            assert_names(problems, relative)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), relative=st.sampled_from(TOML_FILES))
def test_the_check_command_never_shows_a_traceback(pristine, data, relative):
    with copy_of(pristine) as root:
        path = root / relative
        path.write_text(data.draw(field_edits(path.read_text("utf-8"))), "utf-8")
        result = CliRunner().invoke(
            content_cli, ["check", "--dir", str(root / "modules"), "--strict"]
        )
        assert result.exit_code in (0, 1)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output


def test_toml_value_writes_what_tomllib_reads():
    import tomllib

    sample = {"a": [1, 2.5, 'x"\\\u00e4\U0001f600'], "b": {"c": date(2026, 1, 1)}, "d": time(1, 2)}
    assert tomllib.loads(f"v = {toml_value(sample)}")["v"] == sample
    assert tomllib.loads(f"v = {toml_value(datetime(2026, 1, 1, tzinfo=UTC))}")["v"]

"""A loaded course as plain JSON data: everything the app renders from, HTML included.

``tests/content/fixtures/content-1.0.golden.json.gz`` was written with this from the content
as it stood before content 2.0, by the loader of that time:

    .venv/bin/python -m tests.content.dump_course tests/content/fixtures/content-1.0 | gzip -9

so the rendering test can prove the new loader gives the same pages for the same files.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from markupsafe import Markup


def plain(value: Any) -> Any:
    """Dataclasses, mappings, tuples and Markup as JSON-able data (paths left out)."""
    if isinstance(value, Markup):
        return {"html": str(value)}
    if dataclasses.is_dataclass(value):
        out = {
            f.name: plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "path"
        }
        out["__type__"] = type(value).__name__
        return out
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def dump(root: Path) -> dict[str, Any]:
    """The course under ``root/modules`` and the surveys under ``root/surveys``."""
    from elearn.content.loader import load_course
    from elearn.content.surveys import load_surveys

    return {
        "course": plain(load_course(root / "modules")),
        "surveys": plain(load_surveys(root / "surveys")),
    }


if __name__ == "__main__":
    print(json.dumps(dump(Path(sys.argv[1])), ensure_ascii=False, indent=1, sort_keys=True))

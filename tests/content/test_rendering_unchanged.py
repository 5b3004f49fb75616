"""The content as it stood before content 2.0 loads and renders exactly as it did.

``fixtures/content-1.0`` is a copy of the six modules and the surveys from before the
change (the videos replaced by stubs), and ``fixtures/content-1.0.golden.json.gz`` is what the
old loader made of them: every section's HTML, video, quiz text, hash and the course version
(see ``dump_course``). Learners' progress and attempts point at those keys and hashes, so
they must not move either.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from elearn.content import load_course
from tests.content.dump_course import dump

FIXTURE = Path(__file__).parent / "fixtures" / "content-1.0"
GOLDEN = json.loads(gzip.decompress((FIXTURE.parent / "content-1.0.golden.json.gz").read_bytes()))
# Fields content 2.0 added; the old loader had none of them.
NEW_FIELDS = {"reviewed", "review_months", "glossary", "pages", "tracks", "checked", "secondary"}
NOW = dump(FIXTURE)


def without_new_fields(value):
    if isinstance(value, dict):
        return {k: without_new_fields(v) for k, v in value.items() if k not in NEW_FIELDS}
    if isinstance(value, list):
        return [without_new_fields(v) for v in value]
    return value


def test_the_new_fields_have_their_defaults():
    course = load_course(FIXTURE / "modules")
    assert course.pages == () and course.glossary == ()
    for module in course.modules:
        assert module.reviewed is None and module.review_months == 12
        assert all(s.checked is None and not s.secondary for s in module.sources)
        for video in module.videos:
            assert video.tracks == (("fi", video.captions),)


@pytest.mark.parametrize("index", range(6), ids=lambda i: GOLDEN["course"]["modules"][i]["folder"])
def test_each_module_renders_as_before(index):
    before = GOLDEN["course"]["modules"][index]
    after = without_new_fields(NOW["course"]["modules"][index])
    for section_before, section_after in zip(before["sections"], after["sections"], strict=True):
        assert section_after == section_before, section_before["key"]
    assert after == before


def test_the_course_version_and_surveys_are_unchanged():
    assert NOW["course"]["version"] == GOLDEN["course"]["version"]
    assert without_new_fields(NOW) == GOLDEN

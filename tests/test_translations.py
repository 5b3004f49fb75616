"""Every interface string exists in Finnish, Swedish and English, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "elearn" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _source_messages() -> set[str]:
    method_map = [("elearn/**.py", "python"), ("elearn/**/templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_catalog_is_complete(lang):
    catalog = read_po((CATALOGS / lang / "LC_MESSAGES" / "messages.po").open("rb"))
    entries = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}
    missing = sorted(_source_messages() - set(entries))
    assert not missing, f"{lang}: not in the catalog (run make translations-update): {missing}"
    for msgid, message in entries.items():
        assert not message.fuzzy, f"{lang}: fuzzy: {msgid!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        want = set(PLACEHOLDER.findall(msgid))
        for s in strings:
            assert s, f"{lang}: untranslated: {msgid!r}"
            assert set(PLACEHOLDER.findall(s)) == want, f"{lang}: placeholders differ: {msgid!r}"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_compiled_catalog_is_current(lang):
    po = CATALOGS / lang / "LC_MESSAGES" / "messages.po"
    mo = CATALOGS / lang / "LC_MESSAGES" / "messages.mo"
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, "run make translations"


def test_finnish_calls_the_quiz_tietovisa():
    # One word for the quiz throughout the Finnish interface (not "testi" or "koe").
    catalog = read_po((CATALOGS / "fi" / "LC_MESSAGES" / "messages.po").open("rb"))
    other = re.compile(r"\b(testi|testin|testejä|testit|testiin|kokeen|koe)\b", re.IGNORECASE)
    found = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [s for s in strings if s and other.search(s)]
    assert not found, found

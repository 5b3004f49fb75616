"""Build small content trees on disk for the loader and page tests."""

from __future__ import annotations

from pathlib import Path

MODULE_TOML = """key = "{key}"
title = "{title}"
summary = "Lyhyt kuvaus moduulista {n}."
minutes = 30
objectives = ["Ymmärrät asian {n}."]
reflection = ["Mitä ajattelet asiasta {n}?", "Miten toimisit?"]

[[sources]]
title = "Testilähde"
publisher = "THL"
url = "https://thl.fi/"
"""

QUIZ_TOML = """[[questions]]
key = "kysymys-1"
type = "single"
text = "Kuka päättää?"

[[questions.options]]
key = "a"
text = "Avustettava"
correct = true
explanation = "Oikein, avustettava päättää."

[[questions.options]]
key = "b"
text = "Avustaja"
correct = false
explanation = "Ei, avustaja ei päätä."

[[questions]]
key = "kysymys-2"
type = "true_false"
text = "Avustaja on kädet."

[[questions.options]]
key = "totta"
text = "Totta"
correct = true
explanation = "Totta."

[[questions.options]]
key = "tarua"
text = "Tarua"
correct = false
explanation = "Tarua on väärä vastaus."
"""

VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nHei ja tervetuloa.\n\n00:02.000 --> 00:04.000\nTämä on testi.\n"


def write_module(root: Path, n: int, key: str, *, video: str = "file") -> Path:
    """Write a valid module with two sections and a video; returns its folder."""
    folder = root / f"{n:02d}-{key}"
    (folder / "sections").mkdir(parents=True)
    (folder / "media").mkdir()
    (folder / "module.toml").write_text(
        MODULE_TOML.format(key=key, title=f"Moduuli {n}", n=n), encoding="utf-8"
    )
    (folder / "quiz.toml").write_text(QUIZ_TOML, encoding="utf-8")
    if video == "file":
        (folder / "media" / "clip.webm").write_bytes(b"\x1aE\xdf\xa3 not really a video")
        (folder / "media" / "clip.fi.vtt").write_text(VTT, encoding="utf-8")
        block = (
            '```video\nprovider = "file"\nsrc = "media/clip.webm"\n'
            'captions = "media/clip.fi.vtt"\ntitle = "Testivideo"\nduration = "0:04"\n```\n'
        )
    else:
        (folder / "media" / "clip.transcript.md").write_text("Videolla kerrotaan.", "utf-8")
        block = (
            '```video\nprovider = "youtube"\nid = "abcdefghijk"\ntitle = "Ulkoinen video"\n'
            'duration = "3:10"\ntranscript = "media/clip.transcript.md"\n```\n'
        )
    (folder / "sections" / "01-alku.md").write_text(
        f"# Alku\n\nTämä on ensimmäinen osio. Siinä on **lihavointia**.\n\n{block}\n"
        "Lopuksi muutama sana lisää.\n",
        encoding="utf-8",
    )
    (folder / "sections" / "02-jatko.md").write_text(
        "# Jatko\n\nToinen osio. Katso [alku](section:" + key + "/alku).\n", encoding="utf-8"
    )
    return folder


def write_course(root: Path, count: int = 2) -> Path:
    """A valid course of ``count`` modules under ``root``; the first uses a YouTube video."""
    root.mkdir(parents=True, exist_ok=True)
    for n in range(1, count + 1):
        write_module(root, n, f"moduuli-{n}", video="youtube" if n == 1 else "file")
    return root

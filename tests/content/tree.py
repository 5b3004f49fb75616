"""Build small content trees on disk for the loader, check and page tests.

``write_course`` writes modules that pass every rule, the quality rules of content 2.0
included (all three languages, dates, glossary, captions in three languages, eight balanced
questions), and one content page. Tests then break one thing and look for its problem.
"""

from __future__ import annotations

from pathlib import Path

REVIEWED = "2026-11-30"  # "today" of the tests that check dates

MODULE_TOML = """key = "{key}"
title = "{title}"
summary = "Lyhyt kuvaus moduulista {n}."
minutes = 30
reviewed = {reviewed}
objectives = ["Ymmärrät asian {n}."]
reflection = ["Mitä ajattelet asiasta {n}?", "Miten toimisit?"]

[[sources]]
title = "Testilähde"
publisher = "THL"
url = "https://thl.fi/"
checked = {reviewed}
"""

MODULE_TRANSLATION = """title = "{title}"
summary = "{summary}"
objectives = ["{objective}"]
reflection = ["{first}", "{second}"]
"""

TRANSLATIONS = {
    "sv": ("Modul {n}", "Kort beskrivning av modul {n}.", "Du förstår sak {n}.", "Vad tycker du?", "Hur gör du?"),
    "en": ("Module {n}", "A short summary of module {n}.", "You understand topic {n}.", "What do you think?", "What would you do?"),
}  # fmt: skip

# The first two questions are the ones the older tests edit; the rest make eight.
QUIZ_HEAD = """[[questions]]
key = "kysymys-1"
type = "single"
text = "Kuka päättää moduulissa {n}?"

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
text = "Avustaja on kädet moduulissa {n}."

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

QUESTION = """
[[questions]]
key = "kysymys-{i}"
type = "{type}"
text = "Tilanne {i} moduulissa {n}: mitä teet?"
{options}"""

OPTION = """
[[questions.options]]
key = "{key}"
text = "Vaihtoehto {key} kysymykseen {i}"
correct = {correct}
explanation = "Selitys vaihtoehdolle {key}."
"""

QUESTION_TRANSLATION = """
[[questions]]
key = "{key}"
text = "{text}"
{options}"""

OPTION_TRANSLATION = """
[[questions.options]]
key = "{key}"
text = "{text}"
explanation = "{explanation}"
"""

VTT = {
    "fi": "WEBVTT\n\n00:00.000 --> 00:02.000\nHei ja tervetuloa.\n\n00:02.000 --> 00:04.000\nTämä on testi.\n",
    "sv": "WEBVTT\n\n00:00.000 --> 00:02.000\nHej och välkommen.\n\n00:02.000 --> 00:04.000\nDet här är ett test.\n",
    "en": "WEBVTT\n\n00:00.000 --> 00:02.000\nHello and welcome.\n\n00:02.000 --> 00:04.000\nThis is a test.\n",
}
SLIDES = """title = "Testivideo"

[[slides]]
heading = "Tervetuloa"
lines = ["Testi"]
narration = "Hei ja tervetuloa. Tämä on testi."
sv = "Hej och välkommen. Det här är ett test."
en = "Hello and welcome. This is a test."
"""

GLOSSARY = """[[terms]]
key = "termi-{n}"
fi = {{ term = "termi {n}", definition = "Sana, jota moduuli {n} käyttää." }}
sv = {{ term = "term {n}", definition = "Ett ord som modul {n} använder." }}
en = {{ term = "term {n}", definition = "A word module {n} uses." }}
"""

SECTION_WORDS = {
    "fi": ("Alku", "Tämä on ensimmäinen osio. Siinä on **lihavointia**.", "Lopuksi muutama sana lisää.",
           "Jatko", "Toinen osio. Katso [alku]({link}) ja [termi]({term})."),
    "sv": ("Början", "Det här är det första avsnittet.", "Till sist några ord till.",
           "Fortsättning", "Det andra avsnittet. Se [början]({link}) och [term]({term})."),
    "en": ("Start", "This is the first section.", "Finally a few more words.",
           "Continued", "The second section. See [the start]({link}) and [the term]({term})."),
}  # fmt: skip

PAGE_TOML = """reviewed = {reviewed}

[[sources]]
title = "Hätänumero 112"
publisher = "Hätäkeskuslaitos"
url = "https://112.fi/"
checked = {reviewed}
"""

PAGE_TEXT = {
    "fi": "# Kun tarvitset apua\n\nHätätilanteessa soita [112](tel:112). Katso myös [termi](term:termi-1).\n",
    "sv": "# När du behöver hjälp\n\nI en nödsituation, ring [112](tel:112).\n",
    "en": "# When you need help\n\nIn an emergency, call [112](tel:112).\n",
}


def _video_block(video: str, lang: str) -> str:
    if video == "file":
        return (
            '```video\nprovider = "file"\nsrc = "media/clip.webm"\n'
            f'captions = "media/clip.{lang}.vtt"\ntitle = "Testivideo"\nduration = "0:04"\n```\n'
        )
    return (
        '```video\nprovider = "youtube"\nid = "abcdefghijk"\ntitle = "Ulkoinen video"\n'
        'duration = "3:10"\ntranscript = "media/clip.transcript.md"\n```\n'
    )


def _quiz(n: int) -> str:
    text = QUIZ_HEAD.format(n=n)
    for i in range(3, 9):
        qtype = "multiple" if i == 3 else "single"
        correct = {"a", "b"} if qtype == "multiple" else {"a"}
        options = "".join(
            OPTION.format(key=key, i=i, correct="true" if key in correct else "false")
            for key in "abc"
        )
        text += QUESTION.format(i=i, n=n, type=qtype, options=options)
    return text


def _quiz_translation(n: int, lang: str) -> str:
    word = {"sv": ("Vem bestämmer i modul", "Alternativ", "Förklaring"),
            "en": ("Who decides in module", "Option", "Explanation")}[lang]  # fmt: skip
    questions = [("kysymys-1", f"{word[0]} {n}?", ["a", "b"]),
                 ("kysymys-2", f"{word[0]} {n}? ({lang})", ["totta", "tarua"])]  # fmt: skip
    questions += [(f"kysymys-{i}", f"{word[1]} {i}, {n}?", list("abc")) for i in range(3, 9)]
    out = ""
    for key, text, options in questions:
        rendered = "".join(
            OPTION_TRANSLATION.format(key=o, text=f"{word[1]} {o}", explanation=f"{word[2]} {o}.")
            for o in options
        )
        out += QUESTION_TRANSLATION.format(key=key, text=text, options=rendered)
    return out


def write_module(root: Path, n: int, key: str, *, video: str = "file") -> Path:
    """Write a module that passes every rule, with two sections and a video; returns its folder."""
    folder = root / f"{n:02d}-{key}"
    (folder / "sections").mkdir(parents=True)
    (folder / "media").mkdir()
    (folder / "module.toml").write_text(
        MODULE_TOML.format(key=key, title=f"Moduuli {n}", n=n, reviewed=REVIEWED), "utf-8"
    )
    for lang, texts in TRANSLATIONS.items():
        title, summary, objective, first, second = (t.format(n=n) for t in texts)
        (folder / f"module.{lang}.toml").write_text(
            MODULE_TRANSLATION.format(
                title=title, summary=summary, objective=objective, first=first, second=second
            ),
            "utf-8",
        )
        (folder / f"quiz.{lang}.toml").write_text(_quiz_translation(n, lang), "utf-8")
    (folder / "quiz.toml").write_text(_quiz(n), "utf-8")
    (folder / "glossary.toml").write_text(GLOSSARY.format(n=n), "utf-8")
    if video == "file":
        (folder / "media" / "clip.webm").write_bytes(b"\x1aE\xdf\xa3 not really a video")
        for lang, vtt in VTT.items():
            (folder / "media" / f"clip.{lang}.vtt").write_text(vtt, "utf-8")
        (folder / "media" / "clip.slides.toml").write_text(SLIDES, "utf-8")
    else:
        (folder / "media" / "clip.transcript.md").write_text("Videolla kerrotaan.", "utf-8")
    for lang, (title, first, last, title2, second) in SECTION_WORDS.items():
        suffix = "" if lang == "fi" else f".{lang}"
        (folder / "sections" / f"01-alku{suffix}.md").write_text(
            f"# {title}\n\n{first}\n\n{_video_block(video, lang)}\n{last}\n", "utf-8"
        )
        body = second.format(link=f"section:{key}/alku", term=f"term:termi-{n}")
        (folder / "sections" / f"02-jatko{suffix}.md").write_text(
            f"# {title2}\n\n{body}\n", "utf-8"
        )
    return folder


def write_page(pages: Path, key: str = "kun-tarvitset-apua") -> Path:
    """Write a content page in all three languages; returns its folder."""
    folder = pages / key
    folder.mkdir(parents=True)
    (folder / "page.toml").write_text(PAGE_TOML.format(reviewed=REVIEWED), "utf-8")
    for lang, text in PAGE_TEXT.items():
        name = "page.md" if lang == "fi" else f"page.{lang}.md"
        (folder / name).write_text(text, "utf-8")
    return folder


def write_course(root: Path, count: int = 2, *, pages: bool = True) -> Path:
    """A valid course of ``count`` modules under ``root``; the first uses a YouTube video.

    With ``pages``, one content page is written under ``root/../pages``.
    """
    root.mkdir(parents=True, exist_ok=True)
    for n in range(1, count + 1):
        write_module(root, n, f"moduuli-{n}", video="youtube" if n == 1 else "file")
    if pages:
        write_page(root.parent / "pages")
    return root

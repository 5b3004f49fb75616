"""Captions: cue splitting, timing, WebVTT reading, and the caption part of tools/make_videos.py.

Everything here is pure (no ffmpeg, espeak-ng or browser): the rendering itself is run by
``make videos``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elearn.content.captions import (
    MAX_LINE,
    Cue,
    cue_problem,
    format_timestamp,
    parse_timestamp,
    parse_vtt,
    render_vtt,
    sentences,
    slide_spans,
    split_cue,
    timed_cues,
)
from tools import make_videos

LONG = (
    "Henkilökohtaisen avun keskeinen periaate on itsemääräämisoikeus, ja avustettava päättää "
    "itse, kuka häntä avustaa, mitä tehdään, missä, milloin ja miten."
)


# ---------------------------------------------------------------------------- splitting


def test_a_short_sentence_is_one_cue_of_one_line():
    assert split_cue("Avustettava päättää.") == [["Avustettava päättää."]]


def test_a_sentence_of_two_lines_is_broken_evenly_at_a_space():
    text = "Henkilökohtainen apu on toisen ihmisen antamaa apua."  # 52 characters
    (cue,) = split_cue(text)
    assert cue == ["Henkilökohtainen apu on", "toisen ihmisen antamaa apua."]
    assert all(len(line) <= MAX_LINE for line in cue)


def test_a_long_sentence_becomes_several_cues_of_about_the_same_size():
    cues = split_cue(LONG)
    assert len(cues) == 2
    assert all(len(cue) <= 2 and all(len(line) <= MAX_LINE for line in cue) for cue in cues)
    assert " ".join(" ".join(cue) for cue in cues) == LONG


def test_a_word_longer_than_a_line_is_cut():
    word = "x" * 50
    cues = split_cue(f"Katso {word} tästä.")
    assert all(len(line) <= MAX_LINE for cue in cues for line in cue)
    assert "".join("".join(cue) for cue in cues).replace(" ", "") == f"Katso{word}tästä."


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöå,.", min_size=1, max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=60))
def test_every_cue_fits_and_no_word_is_lost_or_broken(word_list):
    text = " ".join(word_list)
    cues = split_cue(text)
    assert all(1 <= len(cue) <= 2 for cue in cues)
    assert all(0 < len(line) <= MAX_LINE for cue in cues for line in cue)
    assert [w for cue in cues for line in cue for w in line.split()] == word_list


def test_sentences():
    assert sentences("Yksi. Kaksi!  Kolme?\nNeljä") == ["Yksi.", "Kaksi!", "Kolme?", "Neljä"]


# ---------------------------------------------------------------------------- timing


def test_sentences_share_the_time_in_proportion_to_their_length():
    cues = timed_cues("Lyhyt. Tämä lause on kolme kertaa pidempi.", 10.0, 14.0)
    (s1, e1, first), (s2, e2, second) = cues
    assert (s1, e2) == (10.0, 14.0) and e1 == s2
    assert first == ["Lyhyt."] and second == ["Tämä lause on kolme kertaa pidempi."]
    assert (e1 - s1) / (e2 - s2) == pytest.approx(len("Lyhyt.") / len(second[0]))


def test_a_split_sentence_divides_its_share():
    cues = timed_cues(LONG, 0.0, 9.0)
    assert len(cues) == 2
    assert cues[0][1] == cues[1][0] and cues[1][1] == 9.0
    lengths = [len(" ".join(lines)) for _s, _e, lines in cues]
    assert cues[0][1] == pytest.approx(9.0 * lengths[0] / sum(lengths))


def test_timestamps():
    assert parse_timestamp("01:02.500") == 62.5
    assert parse_timestamp("01:00:02.000") == 3602.0
    assert parse_timestamp("1:2") is None
    assert format_timestamp(62.5) == "01:02.500"
    assert format_timestamp(3602.0004) == "01:00:02.000"


# ---------------------------------------------------------------------------- reading WebVTT


def test_parse_vtt_reads_cues_lines_and_slides():
    text = (
        "WEBVTT\n\nNOTE a comment\nover two lines\n\nNOTE slide 1\n\n"
        "intro\n00:00.000 --> 00:02.000 align:start\nHei\nja tervetuloa.\n\n"
        "00:02.000 --> 00:04.000\nTämä on testi.\n"
    )
    first, second = parse_vtt(text)
    assert first == Cue(0.0, 2.0, ("Hei", "ja tervetuloa."), line=10, slide=1)
    assert (second.text, second.line, second.slide) == ("Tämä on testi.", 14, 1)


def test_cue_problem():
    assert cue_problem(Cue(0, 1, ("a", "b"), 1)) is None
    assert cue_problem(Cue(0, 1, ("a", "b", "c"), 1)) == "a cue has 3 lines (at most 2)"
    assert cue_problem(Cue(0, 1, ("ä" * 43,), 1)) == "a caption line has 43 characters (at most 42)"
    assert cue_problem(Cue(0, 1, ("ä" * 42,), 1)) is None  # characters, not bytes


def test_slide_spans_from_old_captions_split_at_the_pauses():
    old = (
        "WEBVTT\n\n00:00.000 --> 00:06.123\nYksi.\n\n00:06.123 --> 00:13.144\nKaksi.\n\n"
        "00:13.844 --> 00:18.932\nKolme.\n"
    )
    assert slide_spans(old) == [(0.0, 13.144), (13.844, 18.932)]


def test_slide_spans_from_marked_captions_and_round_trip():
    slides = [timed_cues("Yksi. Kaksi.", 0.0, 4.0), timed_cues(LONG, 4.7, 12.0)]
    text = render_vtt(slides)
    assert text.startswith("WEBVTT\n\nNOTE slide 1\n")
    assert slide_spans(text) == [(0.0, 4.0), (4.7, 12.0)]
    assert [c.lines for c in parse_vtt(text)] == [tuple(x) for s in slides for _a, _b, x in s]


# ---------------------------------------------------------------------------- tools/make_videos.py

SCRIPT = """title = "Testi"

[[slides]]
heading = "Yksi"
narration = "Soita numeroon yksi yksi kaksi."
captions = "Soita numeroon 112."
sv = "Ring 112."
en = "Call 112."

[[slides]]
heading = "Kaksi"
narration = "{long}"
sv = "Den personliga assistansens viktigaste princip är självbestämmanderätten."
en = "The key principle of personal assistance is self-determination."
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "media" / "clip.slides.toml"
    path.parent.mkdir()
    path.write_text(SCRIPT.format(long=LONG), "utf-8")
    return path


def test_spans_from_lengths_leave_a_pause_after_each_slide():
    assert make_videos.spans_from_lengths([2.0, 3.0], pause=0.5) == [(0.0, 2.0), (2.5, 5.5)]


def test_every_language_shares_the_slide_timing(script):
    files = make_videos.captions(make_videos.read_script(script), [(0.0, 3.0), (3.7, 12.0)])
    assert set(files) == {"fi", "sv", "en"}
    fi, sv = parse_vtt(files["fi"]), parse_vtt(files["sv"])
    assert fi[0].text == "Soita numeroon 112."  # the written form, not the narration
    assert (sv[0].start, sv[0].end, sv[0].text) == (0.0, 3.0, "Ring 112.")
    assert sv[-1].end == 12.0 and sv[1].start == 3.7
    for cues in (fi, sv, parse_vtt(files["en"])):
        assert all(cue_problem(c) is None for c in cues)
    assert slide_spans(files["en"]) == [(0.0, 3.0), (3.7, 12.0)]


def test_a_language_missing_on_one_slide_is_not_written(script):
    script.write_text(script.read_text("utf-8").replace('sv = "Ring 112."\n', ""), "utf-8")
    files = make_videos.captions(make_videos.read_script(script), [(0.0, 3.0), (3.7, 12.0)])
    assert set(files) == {"fi", "en"}


def test_captions_only_uses_the_timing_of_the_rendered_clip(script, capsys):
    old = (
        "WEBVTT\n\n00:00.000 --> 00:02.500\nSoita numeroon yksi yksi kaksi.\n\n"
        "00:03.200 --> 00:08.000\nEnsimmäinen lause.\n\n00:08.000 --> 00:11.000\nToinen lause.\n"
    )
    media = script.parent
    (media / "clip.fi.vtt").write_text(old, "utf-8")
    assert make_videos.main(["--captions-only", str(script)]) == 0
    assert capsys.readouterr().out.strip().endswith("clip.slides.toml: captions fi sv en")
    for lang in ("fi", "sv", "en"):
        text = (media / f"clip.{lang}.vtt").read_text("utf-8")
        assert slide_spans(text) == [(0.0, 2.5), (3.2, 11.0)]
        assert all(cue_problem(c) is None for c in parse_vtt(text))
    # Running it again reads the markers it wrote and changes nothing.
    before = (media / "clip.sv.vtt").read_text("utf-8")
    assert make_videos.main(["--captions-only", str(script)]) == 0
    assert (media / "clip.sv.vtt").read_text("utf-8") == before


def test_captions_only_refuses_a_script_with_another_number_of_slides(script, capsys):
    (script.parent / "clip.fi.vtt").write_text(
        "WEBVTT\n\n00:00.000 --> 00:02.500\nVain yksi dia.\n", "utf-8"
    )
    assert make_videos.main(["--captions-only", str(script)]) == 1
    assert (
        "has 2 slides but the clip was rendered from 1: render it again" in capsys.readouterr().err
    )
    assert not (script.parent / "clip.sv.vtt").exists()


def test_a_broken_script_names_its_file_and_line(script, capsys):
    script.write_text(
        script.read_text("utf-8").replace('heading = "Kaksi"', "heading = 2"), "utf-8"
    )
    (script.parent / "clip.fi.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nX.\n", "utf-8")
    assert make_videos.main(["--captions-only", str(script)]) == 1
    assert (
        "clip.slides.toml:11: slide 2: heading must be a text in quotes" in capsys.readouterr().err
    )

"""Make the course's self-made narrated clips from their scripts (``media/*.slides.toml``).

For each script: espeak-ng speaks each slide's ``narration``, Chromium renders each slide,
ffmpeg joins them into a WebM (VP9 + Opus), and captions are written in Finnish, Swedish and
English (``<name>.fi.vtt``, ``.sv.vtt``, ``.en.vtt``). Every language uses the same slide
timing: a slide's caption text (``captions``, default the narration, for Finnish; ``sv`` and
``en``) shares the time the slide is spoken, sentence by sentence in proportion to length, and
is split into cues of at most two lines of 42 characters. A language is written only when
every slide has its text.

``--captions-only`` rewrites the captions from the scripts without rendering anything: the
slide times come from the existing Finnish captions, so Swedish and English captions can be
made without ffmpeg, espeak-ng or Chromium.

Rendering needs ffmpeg, espeak-ng, Debian's Chromium and the dev extra (Playwright). Run
``make videos`` (or ``.venv/bin/python tools/make_videos.py --captions-only``).
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
import tomllib
import wave
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from elearn.content.captions import render_vtt, slide_spans, timed_cues
from elearn.content.model import LANGUAGES
from elearn.content.problems import problems_from
from elearn.content.schema import SlidesFile

ROOT = Path(__file__).resolve().parent.parent
PAUSE = 0.7  # seconds of silence after each slide
SUFFIX = ".slides.toml"
SLIDE_HTML = """<!doctype html><html lang="fi"><head><meta charset="utf-8"><style>
body {{ margin: 0; width: 1280px; height: 720px; display: flex; flex-direction: column;
  justify-content: center; padding: 0 110px; box-sizing: border-box; background: #0b5394;
  color: #fff; font-family: "DejaVu Sans", sans-serif; }}
.kicker {{ font-size: 26px; opacity: .85; margin: 0 0 18px; }}
h1 {{ font-size: 60px; line-height: 1.15; margin: 0 0 36px; }}
ul {{ margin: 0; padding-left: 1.1em; font-size: 38px; line-height: 1.5; }}
.foot {{ position: absolute; bottom: 34px; left: 110px; font-size: 22px; opacity: .8; }}
</style></head><body><p class="kicker">{kicker}</p><h1>{heading}</h1><ul>{lines}</ul>
<p class="foot">{foot}</p></body></html>"""

Span = tuple[float, float]


class ScriptError(Exception):
    """A script or its captions cannot be used; the message says why."""


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if ROOT in resolved.parents else str(path)


def read_script(path: Path) -> SlidesFile:
    """The validated script.

    Raises:
        ScriptError: naming the file and line of what is wrong.
    """
    try:
        raw = path.read_text(encoding="utf-8")
        data = tomllib.loads(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScriptError(f"{shown(path)}: {exc}") from None
    try:
        return SlidesFile.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc, model=SlidesFile, data=data, raw=raw, path=shown(path))
        raise ScriptError("\n".join(str(p) for p in problems)) from None


def spans_from_lengths(lengths: Sequence[float], pause: float = PAUSE) -> list[Span]:
    """When each slide is spoken, from how long each narration lasts (a pause after each)."""
    spans, clock = [], 0.0
    for length in lengths:
        spans.append((clock, clock + length))
        clock += length + pause
    return spans


def captions(script: SlidesFile, spans: Sequence[Span]) -> dict[str, str]:
    """The WebVTT text of every language whose text every slide has, by language.

    Raises:
        ScriptError: the number of spans is not the number of slides.
    """
    if len(spans) != len(script.slides):
        raise ScriptError(f"{len(script.slides)} slides but times for {len(spans)}")
    files = {}
    for lang in LANGUAGES:
        texts = [slide.caption_text(lang) for slide in script.slides]
        if any(text is None for text in texts):
            continue
        slides = [
            timed_cues(text, start, end)
            for text, (start, end) in zip(texts, spans, strict=True)
            if text is not None
        ]
        files[lang] = render_vtt(slides)
    return files


def write_captions(script_path: Path, script: SlidesFile, spans: Sequence[Span]) -> list[str]:
    """Write ``<name>.<lang>.vtt`` beside the script; returns the languages written."""
    name = script_path.name.removesuffix(SUFFIX)
    written = []
    for lang, text in captions(script, spans).items():
        (script_path.parent / f"{name}.{lang}.vtt").write_text(text, encoding="utf-8")
        written.append(lang)
    return written


def recorded_spans(script_path: Path) -> list[Span]:
    """The slide times of the rendered clip, read from its Finnish captions.

    Raises:
        ScriptError: there are no Finnish captions, or they were made from another number of
            slides (the clip must then be rendered again).
    """
    name = script_path.name.removesuffix(SUFFIX)
    vtt = script_path.parent / f"{name}.fi.vtt"
    try:
        spans = slide_spans(vtt.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScriptError(f"{shown(vtt)}: cannot read the clip's timing ({exc})") from None
    return spans


def captions_only(script_path: Path) -> str:
    """Rewrite a script's captions with the timing of its rendered clip; a line to print."""
    script = read_script(script_path)
    spans = recorded_spans(script_path)
    if len(spans) != len(script.slides):
        raise ScriptError(
            f"{shown(script_path)} has {len(script.slides)} slides but the clip was rendered "
            f"from {len(spans)}: render it again (make videos)"
        )
    written = write_captions(script_path, script, spans)
    missing = [lang for lang in LANGUAGES if lang not in written]
    note = f" (no {', '.join(missing)}: not every slide has that text)" if missing else ""
    return f"{shown(script_path)}: captions {' '.join(written)}{note}"


# ---------------------------------------------------------------------------- rendering


def speak(text: str, target: Path) -> float:
    subprocess.run(["espeak-ng", "-v", "fi", "-s", "140", "-w", str(target), text], check=True)
    with wave.open(str(target)) as w:
        return w.getnframes() / w.getframerate()


def join_audio(parts: list[Path], target: Path) -> None:
    with wave.open(str(parts[0])) as first:
        params = first.getparams()
    silence = b"\x00" * int(params.framerate * PAUSE) * params.sampwidth * params.nchannels
    with wave.open(str(target), "wb") as out:
        out.setparams(params)
        for part in parts:
            with wave.open(str(part)) as w:
                out.writeframes(w.readframes(w.getnframes()))
            out.writeframes(silence)


def make(script_path: Path, page) -> str:  # noqa: ANN001 - a Playwright page
    """Render the clip and write its captions; returns the duration as ``m:ss``."""
    script = read_script(script_path)
    name = script_path.name.removesuffix(SUFFIX)
    media = script_path.parent
    lengths, wavs, pngs = [], [], []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for i, slide in enumerate(script.slides, start=1):
            wav = tmp / f"{i:02d}.wav"
            lengths.append(speak(slide.narration, wav))
            wavs.append(wav)
            page.set_content(
                SLIDE_HTML.format(
                    kicker=html.escape(script.title),
                    heading=html.escape(slide.heading),
                    lines="".join(f"<li>{html.escape(x)}</li>" for x in slide.lines),
                    foot=f"{i} / {len(script.slides)}",
                )
            )
            png = tmp / f"{i:02d}.png"
            page.screenshot(path=str(png))
            pngs.append(png)
        join_audio(wavs, tmp / "audio.wav")
        listing = tmp / "slides.txt"
        durations = [length + PAUSE for length in lengths]
        lines = [f"file '{p}'\nduration {d:.3f}" for p, d in zip(pngs, durations, strict=True)]
        listing.write_text("\n".join(lines) + f"\nfile '{pngs[-1]}'\n", encoding="utf-8")
        subprocess.run(
            ["ffmpeg", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
             "-i", str(tmp / "audio.wav"), "-vf", "fps=5,format=yuv420p", "-c:v", "libvpx-vp9",
             "-b:v", "0", "-crf", "45", "-deadline", "good", "-c:a", "libopus", "-b:a", "32k",
             "-shortest", str(media / f"{name}.webm")],
            check=True,
        )  # fmt: skip
    write_captions(script_path, script, spans_from_lengths(lengths))
    seconds = round(sum(durations))
    return f"{seconds // 60}:{seconds % 60:02d}"


def render(scripts: list[Path]) -> int:
    for tool in ("ffmpeg", "espeak-ng"):
        if shutil.which(tool) is None:
            print(f"{tool} is needed: apt-get install -y ffmpeg espeak-ng", file=sys.stderr)
            return 1
    from playwright.sync_api import sync_playwright  # the dev extra; not needed for captions

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        for script in scripts:
            duration = make(script, page)
            print(f'{shown(script)}: duration = "{duration}"')
        browser.close()
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scripts", nargs="*", type=Path, help="default: every module's scripts")
    parser.add_argument(
        "--captions-only",
        action="store_true",
        help="rewrite the .vtt files from the scripts with the rendered clips' timing",
    )
    args = parser.parse_args(argv)
    scripts = args.scripts or sorted(ROOT.glob(f"content/modules/*/media/*{SUFFIX}"))
    if not args.captions_only:
        try:
            return render(scripts)
        except ScriptError as error:
            print(error, file=sys.stderr)
            return 1
    status = 0
    for script in scripts:
        try:
            print(captions_only(script))
        except ScriptError as error:
            print(error, file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

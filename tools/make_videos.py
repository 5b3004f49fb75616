"""Make the course's self-made narrated clips from their scripts (``media/*.slides.toml``).

For each script: espeak-ng speaks the narration, Chromium renders each slide, ffmpeg joins
them into a WebM (VP9 + Opus), and a WebVTT captions file gets one cue per sentence. Needs
ffmpeg, espeak-ng, Debian's Chromium and the dev extra (Playwright). Run ``make videos``.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import wave
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAUSE = 0.7  # seconds of silence after each slide
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


def fmt_time(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:06.3f}"


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return [p for p in parts if p]


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


def make(script: Path, page) -> str:  # noqa: ANN001 - a Playwright page
    data = tomllib.loads(script.read_text(encoding="utf-8"))
    name = script.name.removesuffix(".slides.toml")
    media = script.parent
    cues, durations, wavs, pngs = [], [], [], []
    clock = 0.0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for i, slide in enumerate(data["slides"], start=1):
            wav = tmp / f"{i:02d}.wav"
            length = speak(slide["narration"], wav)
            said = sentences(slide["narration"])
            total_chars = sum(len(s) for s in said)
            start = clock
            for sentence in said:
                share = length * len(sentence) / total_chars
                cues.append((start, start + share, sentence))
                start += share
            clock += length + PAUSE
            durations.append(length + PAUSE)
            wavs.append(wav)
            page.set_content(
                SLIDE_HTML.format(
                    kicker=html.escape(data["title"]),
                    heading=html.escape(slide["heading"]),
                    lines="".join(f"<li>{html.escape(x)}</li>" for x in slide.get("lines", [])),
                    foot=f"{i} / {len(data['slides'])}",
                )
            )
            png = tmp / f"{i:02d}.png"
            page.screenshot(path=str(png))
            pngs.append(png)
        join_audio(wavs, tmp / "audio.wav")
        listing = tmp / "slides.txt"
        lines = [f"file '{p}'\nduration {d:.3f}" for p, d in zip(pngs, durations, strict=True)]
        listing.write_text("\n".join(lines) + f"\nfile '{pngs[-1]}'\n", encoding="utf-8")
        subprocess.run(
            ["ffmpeg", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
             "-i", str(tmp / "audio.wav"), "-vf", "fps=5,format=yuv420p", "-c:v", "libvpx-vp9",
             "-b:v", "0", "-crf", "45", "-deadline", "good", "-c:a", "libopus", "-b:a", "32k",
             "-shortest", str(media / f"{name}.webm")],
            check=True,
        )  # fmt: skip
    vtt = ["WEBVTT", ""]
    for start, end, text in cues:
        vtt += [f"{fmt_time(start)} --> {fmt_time(end)}", text, ""]
    (media / f"{name}.fi.vtt").write_text("\n".join(vtt), encoding="utf-8")
    seconds = round(clock)
    return f"{seconds // 60}:{seconds % 60:02d}"


def main(paths: list[str]) -> int:
    for tool in ("ffmpeg", "espeak-ng"):
        if shutil.which(tool) is None:
            print(f"{tool} is needed: apt-get install -y ffmpeg espeak-ng", file=sys.stderr)
            return 1
    scripts = [Path(p) for p in paths] or sorted(ROOT.glob("content/modules/*/media/*.slides.toml"))
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        for script in scripts:
            duration = make(script, page)
            shown = (
                script.resolve().relative_to(ROOT) if ROOT in script.resolve().parents else script
            )
            print(f'{shown}: duration = "{duration}"')
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

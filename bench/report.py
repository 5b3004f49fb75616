"""Turn bench/results/latest.json into the tables of docs/performance.md.

``python -m bench.report`` rewrites the part of docs/performance.md between the
``<!-- bench:begin -->`` and ``<!-- bench:end -->`` markers; the rest of the file is prose.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.targets import evaluate

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "latest.json"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table(results: dict) -> str:
    """One Markdown row per page and database."""
    head = (
        "| db | learners | page | rps | ratio to /healthz | p50 ms | p99 ms | bytes | "
        "HTML+CSS+JS bytes | SQL queries | clients | errors |"
    )
    lines = [head, "|" + "---|" * 12]
    for p in results["pages"]:
        lines.append(
            "| "
            + " | ".join(
                _fmt(v)
                for v in (
                    p["db"],
                    p.get("learners"),
                    p["page"],
                    p["rps"],
                    p["ratio_to_floor"],
                    p["p50_ms"],
                    p["p99_ms"],
                    p["bytes"],
                    p.get("weight"),
                    p["queries"],
                    p.get("concurrency"),
                    p.get("errors"),
                )
            )
            + " |"
        )
    return "\n".join(lines)


def target_lines(results: dict) -> str:
    """Every target with HOLDS or MISSED, plus a count."""
    checks = results.get("targets") or evaluate(results)
    missed = [c for c in checks if not c["holds"]]
    lines = [
        f"- {'HOLDS ' if c['holds'] else 'MISSED'} {c['target']}"
        + (f" [{c['db']}]" if c["db"] else "")
        + f": {_fmt(c['value'])} (limit {_fmt(c['limit'])})"
        for c in checks
    ]
    lines.append(
        f"\n{len(checks) - len(missed)} of {len(checks)} targets hold, {len(missed)} missed."
    )
    return "\n".join(lines)


def summary(results: dict) -> str:
    """The generated part of docs/performance.md."""
    m = results["machine"]
    rss = ", ".join(
        f"{db}: {' / '.join(_fmt(x) for x in workers)} MB"
        for db, workers in results["worker_rss_mb"].items()
    )
    seeds = ", ".join(f"{k}: {v} s" for k, v in results.get("seed_s", {}).items())
    return "\n".join(
        [
            f"Run {results['generated_at']} (whole `make bench`: {results.get('duration_s')} s) on "
            f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']}, Python "
            f"{m['python']}, SQLite {m['sqlite']}, PostgreSQL {m.get('postgresql', '–')}; "
            f"load average at start {m['load_average_at_start']}.",
            "",
            table(results),
            "",
            f"Peak memory per gunicorn worker (VmHWM, largest data set): {rss}.  ",
            f"App start-up (import + create_app with content loading, fresh process, median of "
            f"{len(results.get('startup_runs_s', []))}): {results['startup_s']} s.  ",
            f"Seeding time: {seeds}.",
            "",
            *scenario_lines(results),
            "### Targets",
            "",
            target_lines(results),
        ]
    )


def scenario_lines(results: dict) -> list[str]:
    """SQLite's concurrent learners and the time from publish to visible."""
    lines: list[str] = []
    rows = results.get("sqlite_capacity") or []
    if rows:
        lines += [
            "### SQLite (the embedded default): learners at once",
            "",
            "Two gunicorn servers, two workers each, one SQLite file. Every learner logs in, "
            "reads a section, opens and submits a quiz, saves a journal answer and opens the "
            "front page, all starting at the same moment.",
            "",
            "| learners at once | requests | errors | p50 ms | p95 ms | writes p95 ms | seconds |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['learners']} | {r['requests']} | {r['errors']} | {_fmt(r['p50_ms'])} | "
            f"{_fmt(r['p95_ms'])} | {_fmt(r['write_p95_ms'])} | {r['seconds']} |"
            for r in rows
        ]
        lines += [
            "",
            f"Serves {results.get('sqlite_serves')} learners at once with no error and 95 % of "
            "requests within a second (the largest level measured that does).",
            "",
        ]
    visible = results.get("publish_visible_s") or {}
    if visible:
        lines += [
            "Publish to visible on both app servers (every session served the new text): "
            + ", ".join(f"{db} {_fmt(s)} s" for db, s in sorted(visible.items()))
            + ".",
            "",
        ]
    return lines


def write_doc(results: dict, doc: Path = DOC) -> None:
    """Replace the generated part of ``doc``."""
    text = doc.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    doc.write_text(text[:start] + "\n" + summary(results) + "\n" + text[end:])


def main() -> int:
    results = json.loads(RESULTS.read_text())
    write_doc(results)
    print(f"Updated {DOC.relative_to(ROOT)} from {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark's pieces that run without a server: statistics, targets, report, JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

from bench import report, targets
from bench.loadgen import Sample, percentile, summarise

LATEST = Path(__file__).resolve().parents[2] / "bench" / "results" / "latest.json"
PAGE_FIELDS = {"page", "db", "rps", "p50_ms", "p99_ms", "bytes", "queries", "ratio_to_floor"}


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([7.0], 99) == 7.0


def test_summary_leaves_errors_out_of_the_latencies():
    samples = [Sample(0.010, 200, 1000, 4), Sample(0.030, 200, 3000, 6), Sample(5.0, 500, 10, 2)]
    s = summarise(samples, elapsed=2.0)
    assert (s["requests"], s["errors"], s["rps"]) == (3, 1, 1.0)
    assert (s["p50_ms"], s["p99_ms"], s["bytes"], s["queries"]) == (10.0, 30.0, 2000, 6)


def _page(name, db="sqlite", **kw):
    row = {"page": name, "db": db, "rps": 100.0, "p50_ms": 5.0, "p99_ms": 9.0, "bytes": 1000,
           "queries": 3, "ratio_to_floor": 1.0, "learners": 10000, "kind": "learner",
           "weight": 20000}  # fmt: skip
    row.update(kw)
    return row


def _results(pages):
    return {"pages": pages, "worker_rss_mb": {"sqlite": [90.0, 149.9]}, "startup_s": 1.2}


def _holds(results) -> dict[str, bool]:
    return {c["target"]: c["holds"] for c in targets.evaluate(results)}


def test_targets_hold_and_miss_by_their_limits():
    pages = [
        _page("healthz", kind="floor", weight=None),
        _page("module section", ratio_to_floor=0.5),
        _page("course overview", ratio_to_floor=0.39),
        _page("quiz submission", kind="action", p99_ms=100.0, concurrency=16, weight=None),
        _page("discussion times", queries=11, weight=60 * 1024),
        _page("report", kind="report", p50_ms=499.0, queries=4),
        _page("report", kind="report", learners=1000, queries=4),
        _page("analysis", kind="report", p50_ms=500.0, queries=5),
        _page("analysis", kind="report", learners=1000, queries=4),
    ]
    holds = _holds(_results(pages))
    assert holds["module section at least 50% of /healthz throughput"]
    assert not holds["course overview at least 40% of /healthz throughput"]
    assert not holds["quiz submission p99 under 100 ms with 16 clients"]
    assert not holds["discussion times: at most 10 SQL queries"]
    assert not holds["discussion times: HTML+CSS+JS under 60 kB"]
    assert holds["report median under 500 ms at 10000 learners"]
    assert holds["report: same SQL queries at 1000 and 10000 learners"]
    assert not holds["analysis median under 500 ms at 10000 learners"]
    assert not holds["analysis: same SQL queries at 1000 and 10000 learners"]
    assert holds["peak memory per worker under 150 MB"]
    assert holds["start-up under 2 s"]


def test_a_missing_figure_is_a_miss_not_a_pass():
    results = _results([_page("module section", ratio_to_floor=None)])
    results["startup_s"] = None
    results["worker_rss_mb"] = {"sqlite": []}
    holds = _holds(results)
    assert not holds["module section at least 50% of /healthz throughput"]
    assert not holds["course overview at least 40% of /healthz throughput"]  # not measured
    assert not holds["start-up under 2 s"]
    assert not holds["peak memory per worker under 150 MB"]


def test_report_rewrites_only_the_generated_part(tmp_path):
    results = _results([_page("healthz", kind="floor"), _page("module section")])
    results.update(
        generated_at="2026-11-22T12:00:00+00:00",
        machine={
            "cpu": "cpu",
            "cores": 2,
            "memory_gb": 24,
            "os": "Linux",
            "python": "3.11",
            "sqlite": "3.40",
            "load_average_at_start": [1.0, 1.0, 1.0],
        },  # fmt: skip
    )
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Prose\n\n{report.BEGIN}\nstale figures\n{report.END}\n\nMore prose.\n")
    report.write_doc(results, doc)
    text = doc.read_text()
    assert (
        text.startswith("# Prose")
        and text.endswith("More prose.\n")
        and "stale figures" not in text
    )
    assert "| sqlite | 10000 | module section | 100 | 1 |" in text
    assert "MISSED course overview at least 40% of /healthz throughput" in text


def test_the_committed_results_have_the_documented_shape():
    results = json.loads(LATEST.read_text())
    assert results["pages"] and all(set(p) >= PAGE_FIELDS for p in results["pages"])
    assert {p["db"] for p in results["pages"]} == {"sqlite", "postgresql"}
    assert isinstance(results["startup_s"], float)
    assert all(len(w) == 2 for w in results["worker_rss_mb"].values())
    # The recorded verdicts are the ones the figures give.
    assert results["targets"] == targets.evaluate(results)


def test_the_sqlite_and_publish_targets_hold_and_miss_by_their_limits():
    from bench.scenarios import serves

    results = _results([_page("module section", ratio_to_floor=0.6)])
    rows = [
        {"learners": 10, "errors": 0, "p95_ms": 120.0},
        {"learners": 50, "errors": 0, "p95_ms": 900.0},
        {"learners": 100, "errors": 0, "p95_ms": 1900.0},
    ]
    results["sqlite_capacity"] = rows
    results["publish_visible_s"] = {"sqlite": 2.4, "postgresql": 6.0}
    holds = {(c["target"], c["db"]): c["holds"] for c in targets.evaluate(results)}
    assert holds[("SQLite: no error with 50 learners at once on two servers", "sqlite")]
    assert holds[("a publish is served on both app servers within 5 s", "sqlite")]
    assert not holds[("a publish is served on both app servers within 5 s", "postgresql")]
    assert serves(rows) == 50  # 100 answered without error, but too slowly
    rows[1]["errors"] = 1
    assert not {(c["target"], c["db"]): c["holds"] for c in targets.evaluate(results)}[
        ("SQLite: no error with 50 learners at once on two servers", "sqlite")
    ]
    assert serves(rows) == 10

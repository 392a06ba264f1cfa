"""The benchmark page's verdicts: each target met, or missed by how much, from a run's data."""

from __future__ import annotations

from typing import Any

from bench.report.concurrency import best
from bench.report.sections import memory_drift_kib
from bench.report.targets import at_most, ratio_at_least, targets


def _systems(*names: str) -> list[dict[str, Any]]:
    return [{"name": name, "label": name.upper()} for name in names]


def test_a_ratio_below_its_goal_is_missed_by_its_shortfall() -> None:
    assert ratio_at_least(2.4, 2.0) == "**met**"
    assert ratio_at_least(1.5, 2.0) == "**missed**: \u00d71.50 of the \u00d72 needed (25% short)"


def test_a_time_over_its_limit_is_missed_by_the_excess() -> None:
    assert at_most(0.9, 1.0, " ms") == "**met**"
    assert at_most(1.5, 1.0, " ms") == "**missed** by 0.50 ms (50% over)"


def test_a_systems_best_setting_has_the_highest_median_rate() -> None:
    settings = {
        "1": [{"rate": 150.0}],
        "8": [{"rate": 900.0}, {"rate": 1100.0}, {"rate": 1000.0}],
        "32": [{"rate": None}],
    }

    assert best(settings) == (8, 1000.0)


def test_memory_drift_is_the_last_quarter_of_samples_minus_the_first() -> None:
    samples = [{"s": i, "done": i, "kib": {"7": 1000 + (i // 4) * 100}} for i in range(8)]

    assert memory_drift_kib({"samples": samples}) == {"7": 100}


def test_one_by_one_enqueue_is_compared_with_the_same_durability_only() -> None:
    data = {
        "systems": _systems("dtq", "huey", "djtasks"),
        "enqueue": {
            "n": 10,
            "threads": 8,
            "rates": {
                "dtq": {"one": [1000.0], "threads": [], "bulk": [30_000.0]},
                "huey": {"one": [5000.0], "threads": [], "bulk": []},
                "djtasks": {"one": [400.0], "threads": [], "bulk": [900.0]},
            },
        },
    }

    rows = {row[0]: row for row in targets(data)}
    one = next(row for name, row in rows.items() if name.startswith("one-by-one enqueue ≥"))

    assert "DJTASKS 400/s" in one[1]
    assert one[2] == "**met**"


def test_the_10_ms_drain_target_takes_each_systems_best_setting() -> None:
    def runs(rate: float) -> list[dict[str, Any]]:
        return [{"rate": rate, "missing": 0, "duplicated": 0}]

    data = {
        "systems": _systems("dtq", "dramatiq", "rq"),
        "drain_threads": {
            "runs": {
                "dtq": {"1": runs(150.0), "32": runs(4000.0)},
                "dramatiq": {"1": runs(160.0), "32": runs(2500.0)},
                "rq": {"1": runs(140.0)},
            }
        },
    }

    row = targets(data)[0]

    assert "ours 4,000/s (32 per process) vs DRAMATIQ 2,500/s (32 per process)" in row[1]
    assert row[2].startswith("**missed**: \u00d71.60")

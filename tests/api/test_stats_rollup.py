"""The statistics rollup: the window's figures agree with the raw rows, and none go missing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from django_task_queue.models import (
    Attempt,
    DurationBucket,
    InFlightAttempt,
    StatsRollup,
    Task,
    ThroughputMinute,
)
from django_task_queue.monitoring import rollup
from django_task_queue.monitoring import statistics as stats_module
from django_task_queue.timeutil import iso
from tests.support.rows import MakeTask, add_attempt

NOW = timezone.now().replace(second=30, microsecond=0)

pytestmark = pytest.mark.usefixtures("broker")


def read_stats_at(moment: datetime, minutes: int = 60) -> dict[str, Any]:
    with mock.patch.object(timezone, "now", return_value=moment):
        return stats_module.compute_stats(minutes)


def stats_at(moment: datetime, minutes: int = 60) -> dict[str, Any]:
    """The figures read just after a step of the rollup loop at `moment`."""
    rollup.fold(moment)
    return read_stats_at(moment, minutes)


def raw_stats_at(moment: datetime, minutes: int = 60) -> dict[str, Any]:
    """The same figures from the raw rows alone, as before there was a rollup."""
    for model in (ThroughputMinute, DurationBucket, InFlightAttempt, StatsRollup):
        model.objects.all().delete()
    return read_stats_at(moment, minutes)


def finished_task(
    make_task: MakeTask, due: datetime, wait_s: float, run_ms: float, **fields: Any
) -> Task:
    """A task due at `due` whose one attempt started `wait_s` later and ran `run_ms`."""
    started = due + timedelta(seconds=wait_s)
    finished = started + timedelta(milliseconds=run_ms)
    values = {"status": "success", "completed_at": finished, "attempt": 1, **fields}
    task = make_task(created_at=due, **values)
    add_attempt(task, started_at=started, finished_at=finished, duration_ms=run_ms)
    return task


def near(estimate: float | None, exact: float | None) -> bool:
    """Within the histogram's 1 % (see api/percentiles.py); None where there is nothing."""
    if exact is None:
        return estimate is None
    return bool(estimate == pytest.approx(exact, rel=0.01, abs=0.01))


def throughput_at(data: dict[str, Any], moment: datetime) -> dict[str, int]:
    minute = iso(rollup.minute_of(moment))
    return next(entry for entry in data["throughput"] if entry["minute"] == minute)


def test_the_rolled_up_window_reports_what_the_raw_rows_say(make_task: MakeTask) -> None:
    # given work finished over the last hour: before, inside and in the last unsettled minutes
    since = NOW - timedelta(minutes=60)
    finished_task(make_task, since - timedelta(seconds=30), wait_s=10, run_ms=5)
    finished_task(make_task, since + timedelta(seconds=1), wait_s=1, run_ms=50)
    for minutes_ago, wait_s, priority in [(45, 0.5, 0), (30, 4, 50), (30, 2, 50), (20, 60, -50)]:
        finished_task(
            make_task, NOW - timedelta(minutes=minutes_ago), wait_s, run_ms=wait_s * 300,
            priority=priority,
        )  # fmt: skip
    finished_task(make_task, NOW - timedelta(minutes=10), 3, 900, status="failed")
    finished_task(make_task, NOW - timedelta(seconds=50), wait_s=7, run_ms=700)

    # when the statistics are read through the rollup, then from the raw rows alone
    rolled = stats_at(NOW)
    assert ThroughputMinute.objects.exists()
    raw = raw_stats_at(NOW)

    # then the counts agree exactly and the percentiles within the histogram's 1 %
    assert rolled["throughput"] == raw["throughput"]
    assert sum(e["completed"] for e in rolled["throughput"]) == 5
    for figure in ("wait_time_ms", "run_time_ms"):
        for key in ("p50", "p95"):
            assert near(rolled[figure][key], raw[figure][key])
    for by_rollup, by_raw in zip(rolled["wait_by_priority"], raw["wait_by_priority"], strict=True):
        for key in ("p50_ms", "p95_ms"):
            assert near(by_rollup[key], by_raw[key])


def in_flight(make_task: MakeTask, claimed: datetime) -> tuple[Task, Attempt]:
    """A task claimed at `claimed` whose attempt is still running, its lease alive."""
    task = make_task(
        status="processing",
        attempt=1,
        created_at=claimed,
        lease_expires_at=NOW + timedelta(minutes=5),
    )
    attempt = add_attempt(
        task, started_at=claimed, finished_at=None, outcome="running", duration_ms=None
    )
    return task, attempt


def test_a_long_running_attempt_does_not_hold_the_watermark_back(make_task: MakeTask) -> None:
    in_flight(make_task, NOW - timedelta(minutes=30))

    stats_at(NOW)

    assert StatsRollup.objects.get().folded_until == rollup.minute_of(NOW - rollup.SETTLE)


def test_a_success_written_late_counts_once_in_the_minute_it_finished(
    make_task: MakeTask,
) -> None:
    # given a task claimed ten minutes ago, still in flight at a fold
    task, attempt = in_flight(make_task, NOW - timedelta(minutes=10))
    stats_at(NOW)

    # when its worker writes the success it stamped eight minutes ago (its batch ran on)
    finished = NOW - timedelta(minutes=8)
    Task.objects.filter(pk=task.pk).update(status="success", completed_at=finished)
    attempt.outcome, attempt.finished_at, attempt.duration_ms = "success", finished, 120_000.0
    attempt.save()

    # then the next folds count it in that minute, once
    for later in (NOW + timedelta(minutes=1), NOW + timedelta(minutes=2)):
        data = stats_at(later)
        assert throughput_at(data, finished)["completed"] == 1
        assert data["run_time_ms"]["p50"] == pytest.approx(120_000, rel=0.01)
        assert data["wait_time_ms"]["p50"] == pytest.approx(0, abs=0.02)
    assert not InFlightAttempt.objects.exists()


def test_an_attempt_given_back_unstarted_leaves_nothing_behind(make_task: MakeTask) -> None:
    task, attempt = in_flight(make_task, NOW - timedelta(minutes=10))
    stats_at(NOW)

    attempt.delete()  # the worker gave the claim back (unclaim)
    Task.objects.filter(pk=task.pk).update(status="pending", attempt=0)
    data = stats_at(NOW + timedelta(minutes=1))

    assert data["wait_time_ms"]["p50"] is None
    assert not InFlightAttempt.objects.exists()


def test_truncating_the_task_table_starts_the_rollup_afresh(make_task: MakeTask) -> None:
    finished_task(make_task, NOW - timedelta(minutes=30), wait_s=1, run_ms=10)
    assert sum(e["completed"] for e in stats_at(NOW)["throughput"]) == 1

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (the attempts' foreign key)
        cursor.execute("TRUNCATE django_task_queue_task CASCADE")

    assert sum(e["completed"] for e in stats_at(NOW)["throughput"]) == 0
    assert stats_at(NOW)["run_time_ms"]["p50"] is None


def test_a_rollup_the_truncated_task_table_left_is_not_read_before_the_next_fold(
    make_task: MakeTask,
) -> None:
    # given a rollup holding a finished task, then a truncated task table
    finished_task(make_task, NOW - timedelta(minutes=30), wait_s=1, run_ms=10)
    rollup.fold(NOW)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (the attempts' foreign key)
        cursor.execute("TRUNCATE django_task_queue_task CASCADE")

    # when the statistics are read before the rollup loop runs again
    data = read_stats_at(NOW)

    # then the old rollup's minutes are not counted
    assert sum(e["completed"] for e in data["throughput"]) == 0
    assert data["run_time_ms"]["p50"] is None
    assert ThroughputMinute.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_figures_are_read_in_one_repeatable_read_snapshot() -> None:
    seen: list[str] = []
    read_durations = rollup.durations

    def spy(*args: Any) -> rollup.WindowDurations:
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen.append(cursor.fetchone()[0])
        return read_durations(*args)

    with mock.patch.object(rollup, "durations", spy):
        stats_at(NOW)

    assert seen == ["repeatable read"]

"""The numbers behind GET /api/stats/: PostgreSQL's truth next to Redis' index, over a window.

The current state (counts, waiting tasks) is read live; the window's throughput and percentiles
come from the rollup for the minutes it holds and from the raw rows for the rest (rollup.py).
Only reads: the rollup is folded by its maintenance loop, not here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import WorkerRecord, get_broker
from django_task_queue.broker.index_reads import QueueDepths
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.flow_control import queue_limits
from django_task_queue.flow_control.pausing import paused_queues
from django_task_queue.monitoring import rollup
from django_task_queue.monitoring.percentiles import Durations
from django_task_queue.monitoring.rollup import WindowDurations
from django_task_queue.monitoring.tasks import table_estimate
from django_task_queue.priorities import PRIORITY_BY_NAME, priority_name
from django_task_queue.states import TaskStatus
from django_task_queue.timeutil import iso

# Up to this many rows a GROUP BY over the whole table stays well under 100 ms; beyond it
# success and cancelled (the bulk, and slow to change) come from PostgreSQL's statistics.
EXACT_COUNT_LIMIT = 500_000
ESTIMATED_STATUSES = (TaskStatus.SUCCESS.value, TaskStatus.CANCELLED.value)
PERCENTILES = (0.5, 0.95)


@dataclass(frozen=True)
class RedisView:
    depths: dict[str, QueueDepths]
    workers: list[WorkerRecord]


@dataclass
class Waiting:
    """The waiting tasks of one queue, or of one priority band."""

    scheduled: int = 0
    due: int = 0
    oldest_due: datetime | None = None

    def add(self, scheduled: int, due: int, oldest_due: datetime | None) -> None:
        self.scheduled += scheduled
        self.due += due
        if oldest_due is not None and (self.oldest_due is None or oldest_due < self.oldest_due):
            self.oldest_due = oldest_due


@dataclass
class WaitingSummary:
    by_queue: dict[str, Waiting] = field(default_factory=lambda: defaultdict(Waiting))
    by_band: dict[str, Waiting] = field(default_factory=lambda: defaultdict(Waiting))


def compute_stats(window_minutes: int) -> dict[str, Any]:
    now = timezone.now()
    since = now - timedelta(minutes=window_minutes)
    with rollup.one_snapshot():
        folded = rollup.folded_until()
        waiting, by_queue = _waiting_summary(now)
        _add_queue_status_counts(by_queue)
        counts, estimated = _status_counts(by_queue)
        throughput = _throughput(now, window_minutes, folded)
        durations = rollup.durations(since, now, folded)
    redis = _redis_view(set(by_queue))
    wait_p50, wait_p95 = durations.wait().percentiles(PERCENTILES)
    run_p50, run_p95 = durations.run.percentiles(PERCENTILES)
    return {
        "generated_at": iso(now),
        "window_minutes": window_minutes,
        "counts": counts,
        "counts_are_estimates": estimated,
        "queues": _queues(by_queue, waiting, redis, now, set(paused_queues())),
        "throughput": throughput,
        "wait_time_ms": {"p50": wait_p50, "p95": wait_p95},
        "run_time_ms": {"p50": run_p50, "p95": run_p95},
        "wait_by_priority": _wait_by_priority(waiting, durations),
    }


def _status_counts(by_queue: dict[str, dict[str, int]]) -> tuple[dict[str, int], bool]:
    """Tasks per status and the total; True when success and cancelled are estimates."""
    counts = {status.value: 0 for status in TaskStatus}
    for statuses in by_queue.values():
        for status, count in statuses.items():
            counts[status] += count
    rows_estimate = table_estimate()
    shares = _status_shares() if rows_estimate > EXACT_COUNT_LIMIT else None
    if shares is None:
        for status, count in store.read("finished_status_counts"):
            counts[status] = int(count)
    else:
        for status in ESTIMATED_STATUSES:
            counts[status] = round(shares.get(status, 0.0) * rows_estimate)
    counts["total"] = sum(counts.values())
    return counts, shares is not None


def _status_shares() -> dict[str, float] | None:
    rows = store.read("status_frequencies")
    if not rows or rows[0][0] is None:
        return None
    values, frequencies = rows[0]
    return dict(zip(values, frequencies, strict=True))


def _waiting_summary(now: datetime) -> tuple[WaitingSummary, dict[str, dict[str, int]]]:
    """The waiting tasks by queue and by band, and their counts by queue and status."""
    summary = WaitingSummary()
    by_queue: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = store.read("waiting_summary", {"now": now})
    for queue_name, status, priority, count, scheduled, due, oldest_due in rows:
        by_queue[queue_name][status] += int(count)
        summary.by_queue[queue_name].add(scheduled, due, oldest_due)
        summary.by_band[priority_name(priority)].add(scheduled, due, oldest_due)
    return summary, by_queue


def _add_queue_status_counts(by_queue: dict[str, dict[str, int]]) -> None:
    for queue_name, status, count in store.read("queue_status_counts"):
        by_queue[queue_name][status] = int(count)


def _redis_view(queue_names: set[str]) -> RedisView | None:
    """Redis' side, or None when Redis is down (the statistics then come from PostgreSQL alone)."""
    try:
        broker = get_broker()
        workers = broker.workers()
        names = queue_names | broker.queue_names()
        names.update(queue for worker in workers for queue in worker.queues)
        return RedisView(depths=broker.depths(sorted(names)), workers=workers)
    except BrokerUnavailableError:
        return None


def _queues(
    by_queue: dict[str, dict[str, int]],
    waiting: WaitingSummary,
    redis: RedisView | None,
    now: datetime,
    paused: set[str],
) -> list[dict[str, Any]]:
    names = set(by_queue) | (set(redis.depths) if redis else set()) | paused
    return [
        {
            **_queue(name, by_queue, waiting, redis, now),
            "paused": name in paused,
            **asdict(queue_limits.limits_of(name)),
        }
        for name in sorted(names)
    ]


def _queue(
    name: str,
    by_queue: dict[str, dict[str, int]],
    waiting_summary: WaitingSummary,
    redis: RedisView | None,
    now: datetime,
) -> dict[str, Any]:
    statuses = by_queue.get(name, {})
    waiting = waiting_summary.by_queue.get(name, Waiting())
    depths = redis.depths.get(name) if redis else None
    live = None
    if redis is not None:
        live = sum(1 for w in redis.workers if name in w.queues and w.state != "stopping")
    oldest = waiting.oldest_due
    return {
        "queue_name": name,
        "redis_ready": depths.ready if depths else None,
        "redis_delayed": depths.delayed if depths else None,
        "redis_processing": depths.processing if depths else None,
        "pending": statuses.get("pending", 0) - waiting.scheduled,  # counted in the same pass
        "scheduled": waiting.scheduled,
        "retry": statuses.get("retry", 0),
        "processing": statuses.get("processing", 0),
        "failed": statuses.get("failed", 0),
        "drift": waiting.due - depths.ready if depths else None,
        "oldest_waiting_age_s": max(0.0, (now - oldest).total_seconds()) if oldest else None,
        "live_workers": live,
    }


def _throughput(
    now: datetime, window_minutes: int, folded: datetime | None
) -> list[dict[str, Any]]:
    """One entry per minute of the window, oldest first, the current minute last, zeros kept."""
    last = rollup.minute_of(now)
    first = last - timedelta(minutes=window_minutes - 1)
    by_minute = rollup.throughput(first, last + timedelta(minutes=1), folded)
    series = []
    for offset in range(window_minutes):
        minute = first + timedelta(minutes=offset)
        completed, failed = by_minute.get(minute, (0, 0))
        series.append({"minute": iso(minute), "completed": completed, "failed": failed})
    return series


def _wait_by_priority(waiting: WaitingSummary, durations: WindowDurations) -> list[dict[str, Any]]:
    rows = []
    for band in PRIORITY_BY_NAME:
        p50, p95 = durations.wait_by_band.get(band, Durations()).percentiles(PERCENTILES)
        due = waiting.by_band[band].due if band in waiting.by_band else 0
        rows.append({"priority_name": band, "waiting": due, "p50_ms": p50, "p95_ms": p95})
    return rows

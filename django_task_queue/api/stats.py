"""The numbers behind GET /api/stats/: PostgreSQL's truth next to Redis' index, over a window."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from django_task_queue.api import sql
from django_task_queue.api.queries import iso, table_estimate
from django_task_queue.broker.client import QueueDepths, WorkerRecord, get_broker
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.priorities import PRIORITY_BY_NAME
from django_task_queue.states import FINISHED_STATUSES, TaskStatus

# Up to this many rows a GROUP BY over the whole table stays well under 100 ms; beyond it the
# finished statuses (the bulk, and slow to change) come from PostgreSQL's statistics.
EXACT_COUNT_LIMIT = 500_000


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
    counts, estimated = _status_counts()
    by_queue = _queue_status_counts()
    waiting = _waiting_summary(now)
    redis = _redis_view(set(by_queue) | set(waiting.by_queue))
    wait_by_band = _wait_percentiles(since)
    run_p50, run_p95 = sql.fetch_all("run_percentiles", {"since": since})[0]
    return {
        "generated_at": iso(now),
        "window_minutes": window_minutes,
        "counts": counts,
        "counts_are_estimates": estimated,
        "queues": _queues(by_queue, waiting, redis, now),
        "throughput": _throughput(now, window_minutes),
        "wait_time_ms": wait_by_band.get(None, {"p50": None, "p95": None}),
        "run_time_ms": {"p50": run_p50, "p95": run_p95},
        "wait_by_priority": _wait_by_priority(waiting, wait_by_band),
    }


def _status_counts() -> tuple[dict[str, int], bool]:
    """Tasks per status and the total; True when the finished statuses are estimates."""
    counts = {status.value: 0 for status in TaskStatus}
    rows_estimate = table_estimate()
    shares = _status_shares() if rows_estimate > EXACT_COUNT_LIMIT else None
    if shares is None:
        rows, estimated = sql.fetch_all("status_counts"), False
    else:
        for status in FINISHED_STATUSES:
            counts[status.value] = round(shares.get(status.value, 0.0) * rows_estimate)
        rows, estimated = sql.fetch_all("active_status_counts"), True
    for status, count in rows:
        counts[status] = int(count)
    counts["total"] = sum(counts.values())
    return counts, estimated


def _status_shares() -> dict[str, float] | None:
    rows = sql.fetch_all("status_frequencies")
    if not rows or rows[0][0] is None:
        return None
    values, frequencies = rows[0]
    return dict(zip(values, frequencies, strict=True))


def _queue_status_counts() -> dict[str, dict[str, int]]:
    by_queue: dict[str, dict[str, int]] = defaultdict(dict)
    for queue_name, status, count in sql.fetch_all("queue_status_counts"):
        by_queue[queue_name][status] = int(count)
    return by_queue


def _waiting_summary(now: datetime) -> WaitingSummary:
    summary = WaitingSummary()
    rows = sql.fetch_all("waiting_summary", {"now": now, **sql.BAND_PARAMS})
    for queue_name, band, scheduled, due, oldest_due in rows:
        summary.by_queue[queue_name].add(scheduled, due, oldest_due)
        summary.by_band[band].add(scheduled, due, oldest_due)
    return summary


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
) -> list[dict[str, Any]]:
    names = set(by_queue) | set(waiting.by_queue) | (set(redis.depths) if redis else set())
    return [_queue(name, by_queue, waiting, redis, now) for name in sorted(names)]


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
        # Two queries, two instants: a task may move between them, so never below zero.
        "pending": max(0, statuses.get("pending", 0) - waiting.scheduled),
        "scheduled": waiting.scheduled,
        "retry": statuses.get("retry", 0),
        "processing": statuses.get("processing", 0),
        "failed": statuses.get("failed", 0),
        "drift": waiting.due - depths.ready if depths else None,
        "oldest_waiting_age_s": max(0.0, (now - oldest).total_seconds()) if oldest else None,
        "live_workers": live,
    }


def _throughput(now: datetime, window_minutes: int) -> list[dict[str, Any]]:
    """One entry per minute of the window, oldest first, the current minute last, zeros kept."""
    last = now.replace(second=0, microsecond=0)
    first = last - timedelta(minutes=window_minutes - 1)
    rows = sql.fetch_all("throughput", {"since": first, "until": last + timedelta(minutes=1)})
    by_minute = {minute: (completed, failed) for minute, completed, failed in rows}
    series = []
    for offset in range(window_minutes):
        minute = first + timedelta(minutes=offset)
        completed, failed = by_minute.get(minute, (0, 0))
        series.append({"minute": iso(minute), "completed": completed, "failed": failed})
    return series


def _wait_percentiles(since: datetime) -> dict[str | None, dict[str, float | None]]:
    """p50/p95 wait by priority band; the key None holds every band together."""
    rows = sql.fetch_all("wait_percentiles", {"since": since, **sql.BAND_PARAMS})
    return {band: {"p50": p50, "p95": p95} for band, p50, p95 in rows}


def _wait_by_priority(
    waiting: WaitingSummary, wait_by_band: dict[str | None, dict[str, float | None]]
) -> list[dict[str, Any]]:
    return [
        {
            "priority_name": band,
            "waiting": waiting.by_band[band].due if band in waiting.by_band else 0,
            "p50_ms": wait_by_band.get(band, {}).get("p50"),
            "p95_ms": wait_by_band.get(band, {}).get("p95"),
        }
        for band in PRIORITY_BY_NAME
    ]

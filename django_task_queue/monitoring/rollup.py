"""The statistics rollup: finished work folded into per-minute rows once it can no longer change,
and the reads of a window that combine those rows with the raw rows after them.

The fold writes; the supervisor runs it as the rollup maintenance loop, never a request. How the
watermark splits the two and why late outcomes still count: docs/architecture.md, "Statistics".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction

from django_task_queue import store
from django_task_queue.monitoring.percentiles import GROWTH, Durations
from django_task_queue.priorities import PRIORITY_BY_NAME, priority_name

MAX_WINDOW_MINUTES = 1440
SETTLE = timedelta(minutes=2)
_MINUTE = timedelta(minutes=1)
# The fold splits priorities into bands with these, so that priorities.py stays their definition.
_BAND_PARAMS: Mapping[str, int] = {
    "critical": PRIORITY_BY_NAME["critical"],
    "high": PRIORITY_BY_NAME["high"],
    "low": PRIORITY_BY_NAME["low"],
}


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def fold(now: datetime) -> None:
    """Fold into the rollup the work finished since the last fold, in one transaction (the
    rollup loop's step; StoreUnavailableError when PostgreSQL is down)."""
    horizon = minute_of(now) - timedelta(minutes=MAX_WINDOW_MINUTES + 1)  # no window reaches it
    with store.translated(), transaction.atomic():
        if not store.write("rollup_try_lock")[0][0]:
            return  # another process is folding; the next turn will find less to do
        folded_until, source, table_source = store.read("rollup_state")[0]
        afresh = source != table_source  # no rollup yet, or the task table was truncated
        if afresh:
            store.write("rollup_clear")
        start = horizon if afresh else max(folded_until, horizon)
        target = max(start, minute_of(now - SETTLE))
        if target == start and not afresh:
            return
        params = {"since": start, "until": target, "horizon": horizon, "growth": GROWTH}
        store.write("fold", {**params, **_BAND_PARAMS})
        store.write("rollup_trim", params)
        store.write("rollup_advance", {"folded_until": target, "source": table_source})


@contextmanager
def one_snapshot() -> Iterator[None]:
    """The reads of one request in one snapshot: watermark, rollup and raw rows agree."""
    if connection.in_atomic_block:
        # Inside a caller's transaction (ATOMIC_REQUESTS, tests) its isolation level rules.
        yield
        return
    with transaction.atomic():
        store.read("repeatable_read")
        store.read("serial_plans")
        yield


def folded_until() -> datetime | None:
    """The watermark; None before the first fold, or when the task table was truncated since."""
    rows = store.read("folded_until")
    return rows[0][0] if rows else None


def throughput(
    since: datetime, until: datetime, folded: datetime | None
) -> dict[datetime, tuple[int, int]]:
    """(completed, failed) of each minute of [since, until) that had any."""
    live_from = _live_from(since, until, folded)
    rows = store.read("rolled_throughput", {"since": since, "until": live_from})
    rows += store.read("throughput", {"since": live_from, "until": until})
    return {minute: (completed, failed) for minute, completed, failed in rows}


@dataclass
class WindowDurations:
    wait_by_band: dict[str, Durations] = field(default_factory=lambda: defaultdict(Durations))
    run: Durations = field(default_factory=Durations)

    def wait(self) -> Durations:
        """Every band together."""
        together = Durations()
        for durations in self.wait_by_band.values():
            together.add(durations)
        return together


def durations(since: datetime, now: datetime, folded: datetime | None) -> WindowDurations:
    """First-attempt waits (started since `since`) by band, and run times (finished since)."""
    first_minute = minute_of(since) if since == minute_of(since) else minute_of(since) + _MINUTE
    live_from = _live_from(first_minute, now, folded)
    params = {"since": since, "first_minute": first_minute, "live_from": live_from}
    found = WindowDurations()
    rolled = store.read("rolled_durations", params) if folded is not None else []
    for figure, band, bucket, count in rolled:
        target = found.wait_by_band[band] if figure == "wait" else found.run
        target.buckets[bucket] += count
    waits = store.read("live_waits", {**params, "folded_until": folded or since})
    for priority, wait_ms in waits:
        found.wait_by_band[priority_name(priority)].values.append(wait_ms)
    found.run.values.extend(ms for (ms,) in store.read("live_run_times", params))
    return found


def _live_from(since: datetime, until: datetime, folded: datetime | None) -> datetime:
    """Where raw rows take over from the rollup within [since, until)."""
    if folded is None:
        return since
    return max(since, min(folded, until))

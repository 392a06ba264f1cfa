"""The statistics rollup: finished work folded into per-minute rows once it can no longer change.

A window of GET /api/stats/ spans up to a day: counting and sorting a day of task and attempt
rows costs a second or more, on every request. So a request first folds the work finished since
the last fold into ThroughputMinute (successes and final failures per minute) and DurationBucket
(log-scaled histograms of first-attempt waits and of run times, per minute), then reads those
rows for the part of its window they hold and the raw rows for the rest.

The watermark, StatsRollup.folded_until, splits the two: every task completed and every attempt
finished before it is in the rollup; what completes or finishes at or after it is read raw. It
follows the clock at SETTLE behind (a claim committed just after its timestamp, clocks a little
apart), one minute at a time. An outcome can still be written later with an earlier time (a
worker writes a batch's successes together, each stamped with its own finish): the fold notes
the attempts in flight (InFlightAttempt), and the next fold adds those outcomes, so they show a
minute late rather than never.

The rollup records outcomes as they happened: a failed task retried by hand afterwards, or
purged, still counts in the minute it failed. A TRUNCATE of the task table changes its
relfilenode, and the rollup then starts afresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction

from django_task_queue.api import sql
from django_task_queue.api.percentiles import GROWTH, Durations
from django_task_queue.priorities import priority_name

MAX_WINDOW_MINUTES = 1440
SETTLE = timedelta(minutes=2)
_MINUTE = timedelta(minutes=1)


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def fold(now: datetime) -> None:
    """Fold into the rollup the work finished since the last fold, in one transaction."""
    horizon = minute_of(now) - timedelta(minutes=MAX_WINDOW_MINUTES + 1)  # no window reaches it
    with transaction.atomic():
        sql.fetch_all("rollup_lock")
        folded_until, source, table_source = sql.fetch_all("rollup_state")[0]
        afresh = source != table_source  # no rollup yet, or the task table was truncated
        if afresh:
            sql.fetch_all("rollup_clear")
        start = horizon if afresh else max(folded_until, horizon)
        target = max(start, minute_of(now - SETTLE))
        if target == start and not afresh:
            return
        params = {"since": start, "until": target, "horizon": horizon, "growth": GROWTH}
        sql.fetch_all("fold", {**params, **sql.BAND_PARAMS})
        sql.fetch_all("rollup_trim", params)
        sql.fetch_all("rollup_advance", {"folded_until": target, "source": table_source})


@contextmanager
def one_snapshot() -> Iterator[None]:
    """The reads of one request in one snapshot: watermark, rollup and raw rows agree."""
    if connection.in_atomic_block:
        # Inside a caller's transaction (ATOMIC_REQUESTS, tests) its isolation level rules.
        yield
        return
    with transaction.atomic():
        sql.fetch_all("repeatable_read")
        sql.fetch_all("serial_plans")
        yield


def folded_until() -> datetime | None:
    rows = sql.fetch_all("folded_until")
    return rows[0][0] if rows else None


def throughput(
    since: datetime, until: datetime, folded: datetime | None
) -> dict[datetime, tuple[int, int]]:
    """(completed, failed) of each minute of [since, until) that had any."""
    live_from = _live_from(since, until, folded)
    rows = sql.fetch_all("rolled_throughput", {"since": since, "until": live_from})
    rows += sql.fetch_all("throughput", {"since": live_from, "until": until})
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
    rolled = sql.fetch_all("rolled_durations", params) if folded is not None else []
    for figure, band, bucket, count in rolled:
        target = found.wait_by_band[band] if figure == "wait" else found.run
        target.buckets[bucket] += count
    waits = sql.fetch_all("live_waits", {**params, "folded_until": folded or since})
    for priority, wait_ms in waits:
        found.wait_by_band[priority_name(priority)].values.append(wait_ms)
    found.run.values.extend(ms for (ms,) in sql.fetch_all("live_run_times", params))
    return found


def _live_from(since: datetime, until: datetime, folded: datetime | None) -> datetime:
    """Where raw rows take over from the rollup within [since, until)."""
    if folded is None:
        return since
    return max(since, min(folded, until))

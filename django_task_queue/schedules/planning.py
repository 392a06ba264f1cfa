"""What a scheduler does with a schedule that is due: pure decisions, no I/O.

A schedule's state says the next tick it waits for. When that tick is past, every tick from it
to now is due: normally just one; after every scheduler was down, the ones missed meanwhile,
which the schedule's `catch_up` says what to do with ("none": run none of them, only a tick
that is on time; "latest": run the latest once; "all": run each, oldest first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django_task_queue.schedules.rules import Rule

# A tick enqueued later than this after its instant was missed, not merely late: a scheduler
# passes at least once a second while it runs.
ON_TIME_S = 10.0
# The most ticks one pass enqueues for one schedule catching up "all"; the next pass, at
# once, goes on from there.
MAX_TICKS_PER_PASS = 1_000


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with a due schedule, and where its clock goes next."""

    ticks: list[datetime]  # to enqueue, oldest first
    skipped: int  # ticks not run because the previous run had not finished
    last_tick_at: datetime | None  # the latest tick handled, run or not
    next_tick_at: datetime
    missed_from: datetime | None = None  # the first of the ticks missed and not run

    @property
    def handled(self) -> bool:
        return self.last_tick_at is not None


def plan(rule: Rule, next_tick_at: datetime, now: datetime, *, previous_running: bool) -> Plan:
    """The ticks to enqueue for a schedule waiting for `next_tick_at`, at `now`."""
    trigger = rule.trigger
    first = next_tick_at
    if trigger.latest_at_or_before(first) != first:  # not one of its ticks: the next one is
        first = trigger.next_after(first)
    if first > now:
        return Plan([], 0, None, first)
    latest = trigger.latest_at_or_before(now)
    if rule.catch_up == "all":
        ticks = [first]
        while len(ticks) < MAX_TICKS_PER_PASS and (tick := trigger.next_after(ticks[-1])) <= now:
            ticks.append(tick)
        last = ticks[-1]
        missed_from = None
    else:
        on_time = rule.catch_up == "latest" or now - latest <= timedelta(seconds=ON_TIME_S)
        ticks = [latest] if on_time else []
        last = latest
        missed_from = first if first < latest or not on_time else None
    skipped = 0
    if rule.skip_if_running and ticks:
        # A tick enqueued now is itself a run that has not finished for the ticks after it.
        skipped = len(ticks) if previous_running else len(ticks) - 1
        ticks = [] if previous_running else ticks[:1]
    return Plan(ticks, skipped, last, trigger.next_after(last), missed_from)

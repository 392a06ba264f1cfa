"""The schedules' rows in PostgreSQL: copied in from the definitions, read as clocks, advanced
with the tasks of their ticks (sql/schedules.sql), paused and resumed."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import PushEntry
from django_task_queue.broker.events import TaskEvent, record
from django_task_queue.dispatch import push_after_commit, push_entry
from django_task_queue.ids import new_ids
from django_task_queue.models import Schedule
from django_task_queue.schedules.definitions import Definition
from django_task_queue.schedules.planning import Plan
from django_task_queue.states import TaskStatus

UNFINISHED = frozenset({TaskStatus.PENDING, TaskStatus.RETRY, TaskStatus.PROCESSING})


@dataclass(frozen=True, slots=True)
class Clock:
    name: str
    enabled: bool
    next_tick_at: datetime
    previous_running: bool  # known only for due schedules that skip ticks while running


@dataclass(frozen=True, slots=True)
class Tick:
    """One task to insert for a schedule: for a tick, or run now (`forced`)."""

    definition: Definition
    scheduled_for: datetime
    forced: bool = False


def sync(definitions: Iterable[Definition], now: datetime) -> None:
    """Copy the definitions in; a new or re-timed schedule waits for its next tick from now."""
    rows = [
        (
            d.name,
            d.task_name,
            *d.rule.trigger.columns,
            d.options.queue_name,
            d.options.priority,
            d.rule.catch_up,
            d.rule.skip_if_running,
            d.rule.trigger.next_after(now),
        )
        for d in definitions
    ]
    columns = (
        "names",
        "task_names",
        "crons",
        "every_s",
        "timezones",
        "queue_names",
        "priorities",
        "catch_ups",
        "skip_if_running",
        "next_ticks",
    )
    store.write("sync_schedules", {"now": now, **_columns(columns, rows)})


def clocks(definitions: Sequence[Definition], now: datetime) -> list[Clock]:
    """The clocks of the schedules among `definitions` that have a row."""
    checked = [d.name for d in definitions if d.rule.skip_if_running]
    params = {"names": [d.name for d in definitions], "checked": checked, "now": now}
    return [
        Clock(name, enabled, next_tick_at, status in UNFINISHED)
        for name, enabled, next_tick_at, status in store.read("schedule_clocks", params)
    ]


def advance(plans: Sequence[tuple[Definition, datetime, Plan]]) -> list[Tick]:
    """Advance each (definition, clock read, plan) and insert its ticks' tasks, where no other
    scheduler got there first; the tasks go to Redis after. Returns the ticks it inserted."""
    if not plans:
        return []
    state_rows = [
        (
            d.name,
            expected,
            p.next_tick_at,
            p.last_tick_at,
            p.skipped,
            p.ticks[-1] if p.ticks else None,
        )
        for d, expected, p in plans
    ]
    names = ("names", "expected", "next_ticks", "last_ticks", "skipped", "lag_ticks")
    ticks = [Tick(d, at) for d, _, p in plans for at in p.ticks]
    return [tick for tick, _ in _insert(ticks, _columns(names, state_rows))]


def run_now(definition: Definition, now: datetime) -> uuid.UUID | None:
    """Insert one task of the schedule at once, whatever its clock; None if one was already
    made for this very instant."""
    empty = _columns(("names", "expected", "next_ticks", "last_ticks", "skipped", "lag_ticks"), [])
    inserted = _insert([Tick(definition, now, forced=True)], empty)
    return inserted[0][1] if inserted else None


def pause(name: str) -> bool:
    return bool(Schedule.objects.filter(name=name, enabled=True).update(enabled=False))


def resume(name: str, next_tick_at: datetime) -> bool:
    """Enable a paused schedule from its next tick: the ticks it was paused for never run."""
    return bool(
        Schedule.objects.filter(name=name, enabled=False).update(
            enabled=True, next_tick_at=next_tick_at
        )
    )


def _insert(ticks: list[Tick], state: dict[str, list[Any]]) -> list[tuple[Tick, uuid.UUID]]:
    """Run enqueue_ticks; the ticks whose task it inserted, with the task's id."""
    now = timezone.now()
    ids = new_ids(len(ticks))
    rows = [
        (
            task_id,
            tick.definition.name,
            tick.scheduled_for,
            tick.forced,
            tick.definition.task_name,
            tick.definition.args_json,
            tick.definition.kwargs_json,
            *tick.definition.options[1:],
        )
        for task_id, tick in zip(ids, ticks, strict=True)
    ]
    columns = (
        "ids",
        "schedule_names",
        "scheduled_fors",
        "forced",
        "task_names",
        "args",
        "kwargs",
        "priorities",
        "queue_names",
        "max_retries",
        "retry_delays",
        "retry_backoffs",
        "timeouts",
    )
    seq_by_id = dict(store.write("enqueue_ticks", {"now": now, **state, **_columns(columns, rows)}))
    inserted = [
        (tick, task_id) for tick, task_id in zip(ticks, ids, strict=True) if task_id in seq_by_id
    ]
    _dispatch(inserted, seq_by_id)
    return inserted


def _dispatch(inserted: list[tuple[Tick, uuid.UUID]], seq_by_id: dict[uuid.UUID, int]) -> None:
    """Push the inserted tasks to Redis once their rows commit."""
    entries: dict[str, list[PushEntry]] = {}
    enqueued: Counter[tuple[str, str]] = Counter()
    made: list[TaskEvent] = []
    for tick, task_id in inserted:
        options = tick.definition.options
        made.append(
            TaskEvent(
                "enqueued",
                str(task_id),
                options.task_name,
                options.queue_name,
                TaskStatus.PENDING,
                0,
                options.priority,
            )
        )
        entries.setdefault(options.queue_name, []).append(
            push_entry(task_id, options.priority, seq_by_id[task_id], None)
        )
        enqueued[options.queue_name, options.task_name] += 1
    if entries:

        def dispatch() -> None:
            record(made)  # written with the push, in its round trip
            push_after_commit(entries, enqueued)

        transaction.on_commit(dispatch)


def _columns(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
    """Rows transposed into one list per named column (the statements' unnest arrays)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return {name: list(values) for name, values in zip(names, columns, strict=True)}

"""The schedules as the API, the admin, `list_schedules` and /metrics report them: each row of
PostgreSQL with its latest run, next to this process's definitions (a row whose definition is
gone is orphaned; a definition no scheduler has copied in yet shows with its first tick)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.utils import timezone

from django_task_queue import store
from django_task_queue.exceptions import ConfigurationError
from django_task_queue.models import Task
from django_task_queue.schedules.definitions import Definition, load_definitions
from django_task_queue.schedules.triggers import Cron, Every

RECENT_RUNS = 20


@dataclass(frozen=True)
class ScheduleRun:
    task_id: uuid.UUID
    scheduled_for: datetime
    status: str
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class ScheduleStatus:
    name: str
    task_name: str
    cron: str | None
    every_seconds: float | None
    timezone: str
    queue_name: str
    priority: int
    catch_up: str
    skip_if_running: bool
    enabled: bool
    orphaned: bool
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_task_id: uuid.UUID | None
    last_task_status: str | None
    lag_seconds: float | None
    skipped_ticks: int
    recent_runs: list[ScheduleRun] = field(default_factory=list)

    @property
    def trigger(self) -> str:
        if self.cron is not None:
            return Cron(self.cron, self.timezone).describe()
        return Every(int(self.every_seconds or 0)).describe()


def list_schedules() -> list[ScheduleStatus]:
    """Every schedule, rows and definitions, by name."""
    return _statuses(None)


def get_schedule(name: str) -> ScheduleStatus | None:
    """One schedule with its recent runs, newest first; None if no schedule has this name."""
    found = _statuses(name)
    if not found:
        return None
    rows = (
        Task.objects.filter(schedule_name=name)
        .order_by("-scheduled_for")
        .values_list("id", "scheduled_for", "status", "created_at", "started_at", "completed_at")
    )
    runs = [
        ScheduleRun(task_id, at, status, created_at, started_at, completed_at)
        for task_id, at, status, created_at, started_at, completed_at in rows[:RECENT_RUNS]
        if at is not None  # every task a schedule made has its tick
    ]
    return replace(found[0], recent_runs=runs)


def _statuses(name: str | None) -> list[ScheduleStatus]:
    now = timezone.now()
    definitions = _definitions(now)
    found = {
        row[0]: _from_row(row, row[0] in definitions)
        for row in store.read("schedule_rows", {"name": name})
    }
    for definition in definitions.values():
        if definition.name not in found and name in {None, definition.name}:
            found[definition.name] = _unsynced(definition, now)
    return [found[key] for key in sorted(found)]


def _definitions(now: datetime) -> dict[str, Definition]:
    try:
        return load_definitions(now)
    except ConfigurationError:  # the system checks report it; the rows still show
        return {}


def _from_row(row: tuple[Any, ...], defined: bool) -> ScheduleStatus:
    (
        name,
        task_name,
        cron,
        every_s,
        tz,
        queue_name,
        priority,
        catch_up,
        skip_if_running,
        enabled,
        next_tick_at,
        lag_s,
        skipped,
        last_id,
        last_status,
        last_at,
    ) = row
    return ScheduleStatus(
        name=name,
        task_name=task_name,
        cron=cron,
        every_seconds=None if every_s is None else float(every_s),
        timezone=tz,
        queue_name=queue_name,
        priority=priority,
        catch_up=catch_up,
        skip_if_running=skip_if_running,
        enabled=enabled,
        orphaned=not defined,
        next_run_at=next_tick_at if enabled and defined else None,
        last_run_at=last_at,
        last_task_id=last_id,
        last_task_status=last_status,
        lag_seconds=lag_s,
        skipped_ticks=skipped,
    )


def _unsynced(definition: Definition, now: datetime) -> ScheduleStatus:
    trigger = definition.rule.trigger
    cron, every_s, tz = trigger.columns
    return ScheduleStatus(
        name=definition.name,
        task_name=definition.task_name,
        cron=cron,
        every_seconds=None if every_s is None else float(every_s),
        timezone=tz,
        queue_name=definition.options.queue_name,
        priority=definition.options.priority,
        catch_up=definition.rule.catch_up,
        skip_if_running=definition.rule.skip_if_running,
        enabled=True,
        orphaned=False,
        next_run_at=trigger.next_after(now),
        last_run_at=None,
        last_task_id=None,
        last_task_status=None,
        lag_seconds=None,
        skipped_ticks=0,
    )

"""What users do to a schedule (the API, the admin, the commands): pause, resume, run now."""

from __future__ import annotations

import uuid

from django.utils import timezone

from django_task_queue.exceptions import TaskQueueError
from django_task_queue.models import Schedule
from django_task_queue.schedules import state
from django_task_queue.schedules.definitions import Definition, load_definitions


class UnknownScheduleError(TaskQueueError):
    """No schedule has this name, in code, settings or PostgreSQL."""


class OrphanedScheduleError(TaskQueueError):
    """The schedule's row outlived its definition: it is shown, never run."""


def pause(name: str) -> None:
    """Stop a schedule's ticks until it is resumed (running tasks are left alone)."""
    _ensure_row(name)
    state.pause(name)


def resume(name: str) -> None:
    """Start a paused schedule again from its next tick: the ticks it missed never run."""
    definition = _ensure_row(name)
    if definition is None:
        raise OrphanedScheduleError(f"schedule {name!r} is defined nowhere: it cannot run")
    state.resume(name, definition.rule.trigger.next_after(timezone.now()))


def run_now(name: str) -> uuid.UUID:
    """Enqueue one task of the schedule now, whatever its clock; the new task's id."""
    definition = _ensure_row(name)
    if definition is None:
        raise OrphanedScheduleError(f"schedule {name!r} is defined nowhere: it cannot run")
    task_id = state.run_now(definition, timezone.now())
    if task_id is None:  # another run was made at this very microsecond: take the next
        task_id = state.run_now(definition, timezone.now())
    assert task_id is not None
    return task_id


def _ensure_row(name: str) -> Definition | None:
    """The schedule's definition (None when orphaned), its row written if no scheduler has yet."""
    now = timezone.now()
    definition = load_definitions(now).get(name)
    if definition is not None:
        state.sync([definition], now)
    elif not Schedule.objects.filter(name=name).exists():
        raise UnknownScheduleError(f"no schedule is named {name!r}")
    return definition

"""Operations on many tasks at once: purge old finished ones, requeue failed ones, retry or cancel
a selection; the plain functions behind the maintenance commands and the admin's actions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from django_task_queue import store
from django_task_queue.exceptions import InvalidTransitionError
from django_task_queue.models import Task
from django_task_queue.states import FINISHED_STATUSES, TaskStatus
from django_task_queue.transitions import retry

_REQUEUE_BATCH = 500


# -- purge ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    tasks: int
    attempts: int
    batches: int
    dry_run: bool


def check_finished_statuses(statuses: Iterable[str]) -> list[str]:
    """The statuses, each of them finished; ValueError naming one that is not."""
    allowed = sorted(FINISHED_STATUSES)
    checked = []
    for status in statuses:
        if status not in allowed:
            raise ValueError(f"{status!r} is not a finished status ({', '.join(allowed)})")
        checked.append(status)
    return checked


def purge_finished(
    *,
    older_than: timedelta,
    statuses: Sequence[str] = tuple(sorted(FINISHED_STATUSES)),
    batch_size: int = 1000,
    dry_run: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> PurgeResult:
    """Delete finished tasks completed more than `older_than` ago, with their attempts.

    Each batch is its own short transaction, so the purge never holds locks on the whole table
    and can be stopped at any point; `on_batch` hears each batch's task count.
    """
    params: dict[str, Any] = {
        "statuses": check_finished_statuses(statuses),
        "before": timezone.now() - older_than,
        "limit": batch_size,
        "queues": None,
        "except_queues": [],
    }
    if dry_run:
        tasks, attempts = store.read("purge_count", params)[0]
        return PurgeResult(int(tasks), int(attempts), 0, dry_run=True)
    total_tasks = total_attempts = batches = 0
    while True:
        with transaction.atomic():
            tasks, attempts = store.write("purge_batch", params)[0]
        if not tasks:
            break
        batches += 1
        total_tasks += tasks
        total_attempts += attempts
        if on_batch is not None:
            on_batch(tasks)
        if tasks < batch_size:
            break
    return PurgeResult(total_tasks, total_attempts, batches, dry_run=False)


# -- retry or cancel many ------------------------------------------------------------------------


@dataclass
class BulkResult:
    """Which tasks an action applied to, and which it skipped with the reason."""

    done: list[uuid.UUID] = field(default_factory=list)
    skipped: list[tuple[uuid.UUID, str]] = field(default_factory=list)


def apply_each(action: Callable[[uuid.UUID], Task], task_ids: Iterable[uuid.UUID]) -> BulkResult:
    """Apply `retry` or `cancel` to each task on its own; a wrong status skips, never aborts."""
    result = BulkResult()
    for task_id in task_ids:
        try:
            action(task_id)
        except InvalidTransitionError as exc:
            result.skipped.append((task_id, str(exc)))
        except Task.DoesNotExist:
            result.skipped.append((task_id, "The task no longer exists."))
        else:
            result.done.append(task_id)
    return result


# -- requeue failed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailedFilter:
    task_name: str | None = None
    queue_name: str | None = None
    since: datetime | None = None  # failed (completed) at or after


def failed_tasks(selection: FailedFilter) -> QuerySet[Task]:
    """The failed tasks the filter selects, newest first."""
    tasks = Task.objects.filter(status=TaskStatus.FAILED.value)
    if selection.task_name:
        tasks = tasks.filter(task_name=selection.task_name)
    if selection.queue_name:
        tasks = tasks.filter(queue_name=selection.queue_name)
    if selection.since:
        tasks = tasks.filter(completed_at__gte=selection.since)
    return tasks.order_by("-created_at", "-id")


def requeue_failed(selection: FailedFilter, *, limit: int | None = None) -> BulkResult:
    """Retry every failed task the filter selects (up to `limit`), in batches of ids."""
    result = BulkResult()
    after: tuple[datetime, uuid.UUID] | None = None
    remaining = limit
    while remaining is None or remaining > 0:
        page = failed_tasks(selection)
        if after is not None:
            created_at, task_id = after
            page = page.filter(
                Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=task_id)
            )
        size = _REQUEUE_BATCH if remaining is None else min(_REQUEUE_BATCH, remaining)
        rows = list(page.values_list("created_at", "id")[:size])
        if not rows:
            break
        after = rows[-1]
        batch = apply_each(retry, [task_id for _, task_id in rows])
        result.done += batch.done
        result.skipped += batch.skipped
        if remaining is not None:
            remaining -= len(rows)
    return result

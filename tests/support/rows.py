"""Task and attempt rows written straight to PostgreSQL, as a worker would have left them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from django_task_queue.models import Attempt, Task

MakeTask = Callable[..., Task]


def create_task(**fields: Any) -> Task:
    """A task row (no Redis entry); `created_at` may be given, unlike with auto_now_add."""
    values: dict[str, Any] = {"task_name": "add_numbers", "args": [1, 2]}
    values.update(fields)
    created_at = values.pop("created_at", None)
    task = Task.objects.create(**values)
    if created_at is not None:
        # auto_now_add ignores a given value; set it afterwards.
        Task.objects.filter(pk=task.pk).update(created_at=created_at)
        task.refresh_from_db()
    return task


def add_attempt(task: Task, number: int = 1, **fields: Any) -> Attempt:
    now = timezone.now()
    values: dict[str, Any] = {
        "worker_id": "w1",
        "started_at": now,
        "finished_at": now,
        "outcome": "success",
        "duration_ms": 10.0,
    }
    values.update(fields)
    return Attempt.objects.create(task=task, number=number, **values)

"""A `django.tasks` backend: Django's task API on this queue's workers, retries and history.

    TASKS = {"default": {"BACKEND": "django_task_queue.backends.TaskQueueBackend",
                         "QUEUES": ["default"], "OPTIONS": {"max_retries": 0}}}

Django's priority scale (-100..100, larger runs sooner) is the queue's own scale, so tasks
enqueued through either API are ordered together. A Django task is stored under its module
path (`task.module_path`), which the worker finds among the modules it imported at start-up.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, cast

from django.tasks import Task as DjangoTask
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskError
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
from django.tasks.signals import task_enqueued
from django.utils.json import normalize_json

from django_task_queue.exceptions import TaskValidationError, UnknownTaskError
from django_task_queue.models import Attempt, Task
from django_task_queue.services.producer import enqueue
from django_task_queue.task_options import ENQUEUE_KEYWORDS
from django_task_queue.task_registry import task_registry

_STATUS = {
    "pending": TaskResultStatus.READY,
    "retry": TaskResultStatus.READY,
    "processing": TaskResultStatus.RUNNING,
    "success": TaskResultStatus.SUCCESSFUL,
    "failed": TaskResultStatus.FAILED,
    "cancelled": TaskResultStatus.FAILED,
}
# OPTIONS may set, for every task, the options of enqueue that a Django task does not carry.
# Uniqueness is a property of each task (its key), not of a backend.
_OPTION_NAMES = ENQUEUE_KEYWORDS - {
    "priority", "queue_name", "run_after", "countdown", "unique_key", "unique_for", "unique_while"
}  # fmt: skip

type AnyTask = DjangoTask[..., Any]
type AnyResult = TaskResult[..., Any]


class TaskQueueBackend(BaseTaskBackend):
    supports_defer = True
    supports_async_task = True
    supports_get_result = True
    supports_priority = True

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        unknown = set(self.options) - _OPTION_NAMES
        if unknown:
            raise InvalidTask(f"Unknown OPTIONS for TaskQueueBackend: {', '.join(sorted(unknown))}")
        # Django's tasks are not retried unless the project asks for it.
        self.max_retries = int(self.options.get("max_retries", 0))
        self.retry_delay = self.options.get("retry_delay")
        self.timeout = self.options.get("timeout")

    def enqueue[**P, R](
        self, task: DjangoTask[P, R], args: list[Any], kwargs: dict[str, Any]
    ) -> TaskResult[P, R]:
        self.validate_task(task)
        # The task object is in hand: registering it spares a lookup by name.
        task_registry.add_django_task(task)
        try:
            row = enqueue(
                task.module_path,
                normalize_json(list(args)),
                normalize_json(dict(kwargs)),
                priority=task.priority,
                queue_name=task.queue_name,
                run_after=task.run_after,
                max_retries=self.max_retries,
                retry_delay=self.retry_delay,
                timeout=self.timeout,
            )
        except TaskValidationError as exc:
            raise InvalidTask(str(exc)) from exc
        result = cast("TaskResult[P, R]", task_result(row, [], task=task, backend=self.alias))
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> AnyResult:
        try:
            row = Task.objects.get(pk=uuid.UUID(str(result_id)))
        except (ValueError, Task.DoesNotExist) as exc:
            raise TaskResultDoesNotExist(result_id) from exc
        attempts = list(row.attempts.order_by("number"))
        try:
            task = task_registry.get_task(row.task_name).django_task
        except UnknownTaskError as exc:
            raise TaskResultDoesNotExist(result_id) from exc
        if not isinstance(task, DjangoTask):
            raise TaskResultDoesNotExist(result_id)
        return task_result(row, attempts, task=task, backend=self.alias)


def task_result(row: Task, attempts: list[Attempt], *, task: AnyTask, backend: str) -> AnyResult:
    """Django's view of a task row and its attempts."""
    errors = [
        TaskError(
            exception_class_path=_exception_path(attempt.error_type or "Exception"),
            traceback=attempt.traceback or attempt.error_message or "",
        )
        for attempt in attempts
        if attempt.outcome not in {"success", "running"}
    ]
    result: AnyResult = TaskResult(
        task=task.using(priority=row.priority, queue_name=row.queue_name, run_after=row.run_after),
        id=str(row.id),
        status=_STATUS[row.status],
        enqueued_at=row.created_at,
        started_at=attempts[0].started_at if attempts else None,
        finished_at=row.completed_at,
        last_attempted_at=attempts[-1].started_at if attempts else None,
        args=row.args,
        kwargs=row.kwargs,
        backend=backend,
        errors=errors,
        worker_ids=[attempt.worker_id for attempt in attempts],
    )
    if row.status == "success":
        value = json.loads(row.result) if isinstance(row.result, str) else row.result
        object.__setattr__(result, "_return_value", value)
    return result


def _exception_path(error_type: str) -> str:
    # Attempts store a builtin exception by its bare name and any other by its module path.
    return error_type if "." in error_type else f"builtins.{error_type}"

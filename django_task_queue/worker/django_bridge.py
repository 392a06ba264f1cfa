"""What a worker does for tasks enqueued through Django's task API: their context and signals."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import Signal
from django.tasks import TaskContext
from django.tasks.signals import task_finished, task_started

from django_task_queue.backends import AnyResult, TaskQueueBackend, task_result
from django_task_queue.exceptions import UnknownTaskError
from django_task_queue.models import Task
from django_task_queue.outcomes import ClaimedTask
from django_task_queue.task_registry import TaskFunction, task_registry

logger = logging.getLogger(__name__)


def _result_of(task: ClaimedTask, function: TaskFunction) -> AnyResult:
    row = Task.objects.get(pk=task.id)
    attempts = list(row.attempts.order_by("number"))
    django_task = function.django_task
    return task_result(row, attempts, task=django_task, backend=django_task.backend)


def context_for(task: ClaimedTask, function: TaskFunction) -> TaskContext[..., Any]:
    """Django's TaskContext: its attempt number counts this attempt too."""
    return TaskContext(task_result=_result_of(task, function))


def _django_function(task: ClaimedTask) -> TaskFunction | None:
    try:
        function = task_registry.get_task(task.task_name)
    except UnknownTaskError:
        return None
    return function if function.django_task is not None else None


def _send(signal: Signal, task: ClaimedTask) -> None:
    function = _django_function(task)
    if function is None:
        return
    # A failing receiver is the project's bug: log it, never let it stop the worker.
    for receiver, response in signal.send_robust(
        TaskQueueBackend, task_result=_result_of(task, function)
    ):
        if isinstance(response, Exception):
            logger.error("task signal receiver %r failed: %r", receiver, response)


def send_started(task: ClaimedTask) -> None:
    _send(task_started, task)


def send_finished(task: ClaimedTask) -> None:
    """Sent after the outcome is stored, so receivers that read the result see it."""
    _send(task_finished, task)

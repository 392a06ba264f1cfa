"""Options reach the task row by every route: enqueue's keywords, a function's defaults, Django."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from django_task_queue.backends import _OPTION_NAMES, TaskQueueBackend
from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import TaskSpec, enqueue, enqueue_validated, validate_task
from tests.support import django_tasks

# A value for each option a Django backend's OPTIONS may set, none of them the default.
BACKEND_OPTIONS: dict[str, Any] = {"max_retries": 4, "retry_delay": 7.5, "timeout": 9.0}


def test_enqueue_keywords_are_stored_under_the_seeds_column_names(stores: Broker) -> None:
    # given every option enqueue takes, by its public keyword
    task = enqueue(
        "add_numbers",
        [1, 2],
        priority="high",
        queue_name="reports",
        max_retries=5,
        retry_delay=2.5,
        timeout=30,
        countdown=60,
    )

    # then the row holds each of them
    row = Task.objects.get(pk=task.pk)
    assert (row.priority, row.queue_name, row.max_retries) == (50, "reports", 5)
    assert (row.retry_delay, row.timeout) == (2.5, 30.0)
    assert row.run_after is not None
    assert stores.depths(["reports"])["reports"].delayed == 1


def test_a_function_default_fills_what_enqueue_leaves_out(stores: Broker) -> None:
    # given failing_task, registered with max_retries=2 and retry_delay=1
    task = enqueue("failing_task", timeout=5)

    row = Task.objects.get(pk=task.pk)
    assert (row.max_retries, row.retry_delay, row.timeout) == (2, 1.0, 5.0)


def test_each_django_backend_option_reaches_the_row(stores: Broker) -> None:
    # given a backend whose OPTIONS set every option it takes
    options = {name: BACKEND_OPTIONS[name] for name in _OPTION_NAMES}
    backend = TaskQueueBackend("opts", {"QUEUES": ["default"], "OPTIONS": options})

    # when a Django task is enqueued through it
    result = backend.enqueue(django_tasks.add, [1, 2], {})

    # then the row holds each option under its name
    row = Task.objects.get(pk=result.id)
    assert {name: getattr(row, name) for name in options} == options


def test_validated_tasks_are_enqueued_in_batches_keeping_their_order(stores: Broker) -> None:
    now = timezone.now()
    validated = [validate_task(TaskSpec("add_numbers", [i, i]), now) for i in range(25)]

    tasks = enqueue_validated(validated, batch_size=10)

    assert [task.id for task in tasks] == [task.id for task in validated]
    assert [task.seq for task in tasks] == sorted(task.seq for task in tasks)
    assert Task.objects.count() == 25
    assert stores.depths(["default"])["default"].ready == 25


@pytest.mark.parametrize("count", [0, 1])
def test_enqueue_validated_takes_none_or_one(stores: Broker, count: int) -> None:
    validated = [validate_task(TaskSpec("test_noop"), timezone.now()) for _ in range(count)]

    assert len(enqueue_validated(validated)) == count
    assert Task.objects.count() == count

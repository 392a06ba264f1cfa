"""Logs: run_worker's --log-level takes effect, and the producer logs enqueues at DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.db import transaction

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import TaskSpec, enqueue, enqueue_many
from tests.support.processes import WorkerProcess

StartWorker = Callable[..., WorkerProcess]


@pytest.mark.e2e
def test_a_worker_at_warning_level_does_not_log_task_starts(start_worker: StartWorker) -> None:
    task = enqueue("add_numbers", [1, 2])

    run = start_worker("--burst", "--log-level=WARNING")

    assert run.wait() == 0
    assert Task.objects.get(pk=task.pk).status == "success"
    assert "task started" not in run.log()
    assert "task succeeded" not in run.log()


@pytest.mark.e2e
def test_a_worker_at_info_level_logs_each_lifecycle_event(start_worker: StartWorker) -> None:
    task = enqueue("add_numbers", [1, 2])

    run = start_worker("--burst", "--log-level=INFO", "--worker-id=loud")

    assert run.wait() == 0
    log = run.log()
    assert f"task started: task_id={task.pk} task_name=add_numbers attempt=1 worker=loud" in log
    assert f"task succeeded: task_id={task.pk}" in log
    assert " DEBUG " not in log


@pytest.fixture
def producer_debug(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    # An in-process run_worker stops the package logger propagating; the capture needs it.
    monkeypatch.setattr(logging.getLogger("django_task_queue"), "propagate", True)
    caplog.set_level(logging.DEBUG, logger="django_task_queue.services.producer")


def test_the_producer_logs_each_task_and_each_batch_at_debug(
    stores: Broker, producer_debug: None, caplog: pytest.LogCaptureFixture
) -> None:
    tasks = enqueue_many(
        [
            TaskSpec(task="add_numbers", args=[1, 1]),
            TaskSpec(task="multiply_numbers", args=[2, 2], queue_name="reports"),
        ]
    )

    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert lines == [
        f"task enqueued: task_id={tasks[0].pk} task_name=add_numbers queue=default priority=0",
        f"task enqueued: task_id={tasks[1].pk} task_name=multiply_numbers queue=reports priority=0",
        "enqueued 2 task(s): default=1 reports=1",
    ]


def test_nothing_is_logged_for_a_rolled_back_enqueue(
    stores: Broker, producer_debug: None, caplog: pytest.LogCaptureFixture
) -> None:
    def enqueue_then_fail() -> None:
        with transaction.atomic():
            enqueue("add_numbers", [1, 1])
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        enqueue_then_fail()

    assert not [r for r in caplog.records if "enqueued" in r.getMessage()]

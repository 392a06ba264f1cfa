"""A real `run_worker`: draining, shutdown by signals, supervision, and its options."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from django_task_queue.models import Attempt, Task
from django_task_queue.services import TaskSpec, enqueue, enqueue_many
from tests.support.markers import pids_that_recorded
from tests.support.processes import WorkerProcess, wait_for

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]


def _status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


def test_two_worker_processes_run_every_task_exactly_once(start_worker: StartWorker) -> None:
    enqueue_many(TaskSpec(task="test_noop") for _ in range(2000))

    run = start_worker("--workers=2", "--burst")

    assert run.wait(timeout_s=60) == 0
    assert Task.objects.filter(status="success").count() == 2000
    assert Attempt.objects.count() == 2000
    assert len(set(Attempt.objects.values_list("worker_id", flat=True))) == 2


def test_an_idle_worker_starts_a_new_task_without_polling(start_worker: StartWorker) -> None:
    start_worker("--workers=1", "--poll-interval=30")
    warmup = enqueue("add_numbers", [0, 0])
    wait_for(lambda: _status(warmup) == "success", what="the worker to start")

    task = enqueue("add_numbers", [1, 1])

    # A 30 s poll interval could not explain a start within the deadline: the push woke it.
    wait_for(lambda: _status(task) == "success", timeout_s=5, what="the blocked worker to wake")


def test_sigterm_lets_the_running_task_finish_then_exits_zero(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    run = start_worker("--workers=1")
    task = enqueue("test_sleep_then_record", [str(marker_dir), "g", 1.0])
    wait_for(lambda: pids_that_recorded(marker_dir, "start:g"), what="the task to start")

    run.signal(signal.SIGTERM)

    assert run.wait() == 0
    assert _status(task) == "success"


def test_sigterm_still_stops_a_worker_after_a_task_that_ignored_it(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    run = start_worker("--workers=1")
    careless = enqueue("test_ignores_sigterm")
    wait_for(lambda: _status(careless) == "success", what="the careless task to run")
    task = enqueue("test_sleep_then_record", [str(marker_dir), "h", 1.0])
    wait_for(lambda: pids_that_recorded(marker_dir, "start:h"), what="the next task to start")

    run.signal(signal.SIGTERM)

    # Left ignored, the worker ran on until the supervisor killed it, 30 s later.
    assert run.wait(timeout_s=15) == 0
    assert _status(task) == "success"
    assert "replaced the worker's SIGTERM handler" in run.log()


def test_a_second_signal_stops_at_once_and_requeues_the_task(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    run = start_worker("--workers=1")
    task = enqueue("test_sleep_then_record", [str(marker_dir), "h", 30.0])
    wait_for(lambda: pids_that_recorded(marker_dir, "start:h"), what="the task to start")
    run.signal(signal.SIGTERM)
    # Two signals sent at once coalesce into one; a person presses Ctrl-C twice, not at once.
    wait_for(lambda: "stopping after its current task" in run.log(), what="the first signal")
    started = time.monotonic()

    run.signal(signal.SIGTERM)

    assert run.wait() == 0
    assert time.monotonic() - started < 5
    stored = Task.objects.get(pk=task.pk)
    assert stored.status == "pending"
    assert stored.attempts.get().outcome == "interrupted"
    follower = start_worker("--workers=1")
    wait_for(lambda: Task.objects.get(pk=task.pk).attempt == 2, what="the task to be picked again")
    follower.stop()


def test_the_supervisor_restarts_a_worker_that_dies(start_worker: StartWorker) -> None:
    run = start_worker("--workers=2")
    first = wait_for(lambda: len(run.child_pids()) == 2 and run.child_pids(), what="2 workers")

    os.kill(first[0], signal.SIGKILL)

    wait_for(
        lambda: len(run.child_pids()) == 2 and first[0] not in run.child_pids(),
        what="a replacement worker",
    )
    task = enqueue("add_numbers", [2, 2])
    wait_for(lambda: _status(task) == "success", what="the pool to serve")


def test_max_tasks_ends_the_run_after_that_many_tasks(start_worker: StartWorker) -> None:
    enqueue_many(TaskSpec(task="test_noop") for _ in range(5))

    run = start_worker("--workers=1", "--max-tasks=3")

    assert run.wait() == 0
    assert Task.objects.filter(status="success").count() == 3


def test_a_worker_serves_only_its_queues_in_the_given_order(start_worker: StartWorker) -> None:
    other = enqueue("add_numbers", [1, 1], queue_name="other")
    low_first = enqueue("add_numbers", [1, 2], queue_name="second")
    urgent = enqueue("add_numbers", [1, 3], queue_name="first")

    run = start_worker("--queue=first,second", "--burst")

    assert run.wait() == 0
    assert _status(other) == "pending"
    first_started = Task.objects.get(pk=urgent.pk).started_at
    second_started = Task.objects.get(pk=low_first.pk).started_at
    assert first_started is not None
    assert second_started is not None
    assert first_started < second_started


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--workers=0", "--workers must be at least 1"),
        ("--max-tasks=0", "--max-tasks must be at least 1"),
        ("--poll-interval=0", "--poll-interval must be a positive"),
        ("--log-level=LOUD", "--log-level must be one of"),
        ("--queue=bad name", "--queue 'bad name'"),
    ],
)
def test_invalid_options_end_with_a_clear_command_error(option: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("run_worker", option)

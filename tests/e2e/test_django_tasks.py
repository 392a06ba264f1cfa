"""Django's public task API (`django.tasks`) against our backend and a real `run_worker`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.tasks import TaskResultStatus, default_task_backend, task, task_backends
from django.tasks.exceptions import InvalidTask
from django.utils import timezone

from django_task_queue.backends import TaskQueueBackend
from django_task_queue.broker.client import Broker
from tests.support import django_tasks
from tests.support.processes import (
    ROOT,
    TEST_TASK_MODULES,
    WorkerProcess,
    database_url,
    wait_for,
)

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]


@pytest.fixture
def signal_log(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "signals.log"
    os.environ["DTQ_SIGNAL_LOG"] = str(path)
    yield path
    del os.environ["DTQ_SIGNAL_LOG"]


def _finished(result_id: str) -> bool:
    return default_task_backend.get_result(result_id).is_finished


def test_the_default_backend_is_ours_with_every_feature() -> None:
    assert isinstance(task_backends["default"], TaskQueueBackend)
    assert default_task_backend.supports_defer
    assert default_task_backend.supports_get_result
    assert default_task_backend.supports_priority
    assert default_task_backend.supports_async_task


def test_an_enqueued_django_task_runs_on_our_worker(
    start_worker: StartWorker, signal_log: Path
) -> None:
    result = django_tasks.add.enqueue(2, 3)
    assert result.status == TaskResultStatus.READY

    start_worker("--workers=1")
    wait_for(lambda: _finished(result.id), what="the task to finish")

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL  # type: ignore[comparison-overlap]  # refresh() changed it
    assert result.return_value == 5
    assert len(result.worker_ids) == 1
    assert result.started_at is not None
    assert result.finished_at is not None
    signals = [line.split() for line in signal_log.read_text().splitlines()]
    assert [s[0] for s in signals if s[2] == result.id] == ["enqueued", "started", "finished"]
    pids = {s[0]: int(s[1]) for s in signals if s[2] == result.id}
    assert pids["enqueued"] == os.getpid()
    assert pids["started"] == pids["finished"] != os.getpid()
    assert [s[3] for s in signals if s[2] == result.id][1:] == ["RUNNING", "SUCCESSFUL"]


def test_django_priorities_run_in_order(start_worker: StartWorker, tmp_path: Path) -> None:
    marker = str(tmp_path / "order.txt")
    for priority in (-100, 0, 100, 10, -10):
        django_tasks.record_order.using(priority=priority).enqueue(marker, str(priority))

    run = start_worker("--workers=1", "--burst")

    assert run.wait() == 0
    assert Path(marker).read_text().split() == ["100", "10", "0", "-10", "-100"]


def test_run_after_is_honoured_within_a_second(start_worker: StartWorker) -> None:
    run = start_worker("--workers=1")
    wait_for(run.child_pids, what="the worker to be up")
    run_after = timezone.now() + timedelta(seconds=1.5)

    result = django_tasks.add.using(run_after=run_after).enqueue(1, 1)
    wait_for(lambda: _finished(result.id), what="the deferred task")

    result.refresh()
    assert result.started_at is not None
    assert run_after <= result.started_at < run_after + timedelta(seconds=1)


def test_a_failing_task_reports_its_errors_with_tracebacks(start_worker: StartWorker) -> None:
    result = django_tasks.explode.enqueue("kaboom")
    start_worker("--workers=1")
    wait_for(lambda: _finished(result.id), what="the failure")

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    (error,) = result.errors
    assert error.exception_class is ValueError
    assert "ValueError: kaboom" in error.traceback
    with pytest.raises(ValueError, match="Task failed"):
        _ = result.return_value


def test_get_result_works_from_another_process(start_worker: StartWorker) -> None:
    result = django_tasks.add.enqueue(20, 22)
    start_worker("--workers=1")
    wait_for(lambda: _finished(result.id), what="the task")

    code = (
        "from django.tasks import default_task_backend as b; "
        f"r = b.get_result('{result.id}'); print(r.status, r.return_value)"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "TASK_QUEUE_TASK_MODULES": TEST_TASK_MODULES,
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert output.split()[-2:] == ["SUCCESSFUL", "42"]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_async_enqueue_and_an_async_task_function(
    start_worker: StartWorker, concurrency: int
) -> None:
    result = async_to_sync(django_tasks.async_double.aenqueue)(21)
    start_worker("--workers=1", f"--concurrency={concurrency}")  # 4: on the event loop
    wait_for(lambda: _finished(result.id), what="the async task")

    refreshed = async_to_sync(django_tasks.async_double.aget_result)(result.id)
    # The stubs type an async task's value as its coroutine; the stored value is the result.
    assert refreshed.return_value == 42  # type: ignore[comparison-overlap]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_takes_context_sees_the_right_attempt_number_on_a_retry(
    start_worker: StartWorker, concurrency: int
) -> None:
    result = django_tasks.flaky_with_context.enqueue(2)
    start_worker("--workers=1", f"--concurrency={concurrency}")
    wait_for(lambda: _finished(result.id), timeout_s=20, what="the retried task")

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2
    assert result.attempts == 2
    assert len(result.errors) == 1


def test_djangos_validation_rules_fail_at_enqueue(stores: Broker) -> None:
    with pytest.raises(InvalidTask, match="module level"):

        @task
        def nested() -> None: ...

    with pytest.raises(InvalidTask, match="not valid for backend"):
        django_tasks.add.using(queue_name="unknown").enqueue(1, 2)
    with pytest.raises(InvalidTask, match="aware"):
        django_tasks.add.using(run_after=timezone.now().replace(tzinfo=None)).enqueue(1, 2)
    with pytest.raises(TypeError):
        django_tasks.add.enqueue(object(), 2)  # type: ignore[arg-type]  # deliberately not JSON
    with pytest.raises(InvalidTask, match="args"):
        django_tasks.add.enqueue(1)  # type: ignore[call-arg]  # deliberately missing b
    from django_task_queue.models import Task

    assert Task.objects.count() == 0

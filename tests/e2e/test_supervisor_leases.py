"""The supervisor keeps its children's leases: task code cannot starve them, a child's death
is seen at once, and a task stuck in C code past its hard timeout is killed with its process."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from django_task_queue.models import Task
from django_task_queue.services import enqueue
from tests.support.markers import labels, pids_that_recorded
from tests.support.processes import WorkerProcess, wait_for

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]

# Long enough that only the supervisor, never a lease running out, can explain a quick rerun.
LONG_LEASE = {"LEASE_S": 60.0, "HEARTBEAT_INTERVAL_S": 0.4}


def _outcomes(task: Task) -> list[str]:
    return [a.outcome for a in Task.objects.get(pk=task.pk).attempts.order_by("number")]


def _status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


def test_a_task_holding_the_gil_for_two_leases_runs_once_and_succeeds(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    # given two worker processes with 2 s leases, and a task whose C code holds the GIL ~5 s
    start_worker("--workers=2")
    task = enqueue("test_holds_the_gil", [str(marker_dir), "gil", 5.0])

    # when it runs
    wait_for(lambda: _status(task) != "pending", what="the task to start")
    wait_for(lambda: _status(task) in {"success", "failed"}, timeout_s=60, what="its outcome")

    # then it ran once, in one attempt, and succeeded
    assert _status(task) == "success"
    assert _outcomes(task) == ["success"]
    assert labels(marker_dir).count("start:gil") == 1


def test_a_killed_childs_task_runs_again_without_waiting_for_its_lease(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    # given a 60 s lease and a task running in a child
    run = start_worker("--workers=1", overrides=LONG_LEASE)
    task = enqueue("test_sleep_then_record", [str(marker_dir), "k", 1.0])
    wait_for(lambda: pids_that_recorded(marker_dir, "start:k"), what="the task to start")
    (victim,) = pids_that_recorded(marker_dir, "start:k")

    # when the child is killed
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)

    # then its supervisor sees the death and the task runs again long before the lease ends
    wait_for(lambda: labels(marker_dir).count("start:k") == 2, timeout_s=20, what="the rerun")
    rerun_after_s = time.monotonic() - killed_at
    wait_for(lambda: _status(task) == "success", timeout_s=20, what="the rerun to succeed")
    assert rerun_after_s < 20  # the lease is 60 s
    assert _outcomes(task) == ["lost", "success"]
    lost = Task.objects.get(pk=task.pk).attempts.get(number=1)
    assert "died: killed by SIGKILL" in (lost.error_message or "")
    assert "exited with -9; restarting" in run.log()


def test_a_task_stuck_in_c_code_past_its_hard_timeout_is_killed_and_its_process_replaced(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    # given a task whose C code holds the GIL for ~20 s deaf to signals, with a 1 s timeout
    run = start_worker("--workers=1", overrides=LONG_LEASE)
    stuck = enqueue("test_holds_the_gil", [str(marker_dir), "stuck", 20.0, True], timeout=1)

    # when it passes its hard timeout (the soft one cannot interrupt C code)
    wait_for(lambda: _status(stuck) == "failed", timeout_s=15, what="the hard timeout")

    # then the attempt is a timeout, the process was replaced, and the pool keeps serving
    attempt = Task.objects.get(pk=stuck.pk).attempts.get()
    assert attempt.outcome == "timeout"
    assert "its worker process was killed and replaced" in (attempt.error_message or "")
    after = enqueue("add_numbers", [1, 2])
    wait_for(lambda: _status(after) == "success", timeout_s=15, what="the pool to keep serving")
    assert "is past its hard timeout; killing the process" in run.log()
    assert "exited with -9; restarting in 0.0 s" in run.log()
    assert "end:stuck" not in labels(marker_dir)


def test_a_run_whose_worker_id_a_live_run_uses_takes_another_and_runs_nothing_twice(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    # given a run holding two tasks under a fixed worker id (as two hosts with one host name)
    first = start_worker("--workers=1", "--concurrency=2", "--worker-id=web")
    tasks = [enqueue("test_sleep_then_record", [str(marker_dir), f"s{i}", 3.0]) for i in range(2)]
    wait_for(lambda: sum(x.startswith("start:") for x in labels(marker_dir)) == 2, what="starts")

    # when a second run starts under the same id
    second = start_worker("--workers=1", "--concurrency=2", "--worker-id=web")

    # then it takes an id of its own, and the first run's tasks run once
    wait_for(lambda: "in use by a live process elsewhere" in second.log(), what="the clash")
    for task in tasks:
        wait_for(lambda t=task: _status(t) == "success", what="the tasks")  # type: ignore[misc]
        assert _outcomes(task) == ["success"]
    assert "of an earlier run settled" not in second.log()
    assert first.process.poll() is None

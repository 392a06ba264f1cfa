"""Real `run_worker --concurrency N` processes: every guarantee holds for every slot."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from django_task_queue.models import Task
from django_task_queue.services import TaskSpec, enqueue, enqueue_many
from tests.support.markers import labels, pids_that_recorded
from tests.support.processes import WorkerProcess, wait_for

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]

# Long enough that only the supervisor, never a lease running out, can explain a quick rerun.
LONG_LEASE = {"LEASE_S": 60.0, "HEARTBEAT_INTERVAL_S": 0.4}


def _status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


def _outcomes(task: Task) -> list[str]:
    return [a.outcome for a in Task.objects.get(pk=task.pk).attempts.order_by("number")]


def _sleepers(marker_dir: Path, count: int, duration_s: float, prefix: str = "s") -> list[Task]:
    return [
        enqueue("test_sleep_then_record", [str(marker_dir), f"{prefix}{i}", duration_s])
        for i in range(count)
    ]


def _all_started(marker_dir: Path, count: int, prefix: str = "s") -> bool:
    started = [label for label in labels(marker_dir) if label.startswith(f"start:{prefix}")]
    return len(started) >= count


def test_every_task_a_killed_process_held_runs_again(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    start_worker("--workers=1", "--concurrency=3")
    tasks = _sleepers(marker_dir, 3, 1.5)
    wait_for(lambda: _all_started(marker_dir, 3), what="three tasks to run at once")
    (victim,) = pids_that_recorded(marker_dir, "start:s0")

    os.kill(victim, signal.SIGKILL)

    for task in tasks:
        wait_for(lambda t=task: _status(t) == "success", timeout_s=20, what="every rerun")  # type: ignore[misc]
        assert _outcomes(task) == ["lost", "success"]
    assert sorted(labels(marker_dir)).count("start:s1") == 2


def test_tasks_longer_than_their_lease_each_run_once_while_their_process_lives(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    start_worker("--workers=1", "--concurrency=3")  # leases of 2 s
    tasks = _sleepers(marker_dir, 3, 5.0)

    for task in tasks:
        wait_for(lambda t=task: _status(t) == "success", timeout_s=30, what="the long tasks")  # type: ignore[misc]

    assert sorted(labels(marker_dir)) == sorted(
        [f"start:s{i}" for i in range(3)] + [f"end:s{i}" for i in range(3)]
    )
    assert all(_outcomes(task) == ["success"] for task in tasks)


def test_a_slot_that_frees_takes_the_best_ready_task(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    start_worker("--workers=1", "--concurrency=2")
    # One slot frees long before the other, so the waiting tasks run one after another there
    # (two slots freeing together would start two of them at once, in either order).
    _sleepers(marker_dir, 1, 1.0, prefix="busy")
    _sleepers(marker_dir, 1, 8.0, prefix="long")
    wait_for(lambda: _all_started(marker_dir, 1, prefix="busy"), what="one slot to be busy")
    wait_for(lambda: _all_started(marker_dir, 1, prefix="long"), what="both slots to be busy")

    # in one transaction: all four are ready before either slot frees
    *lows, high = enqueue_many(
        [TaskSpec("test_record", [str(marker_dir), f"low{i}"], priority=-50) for i in range(3)]
        + [TaskSpec("test_record", [str(marker_dir), "high"], priority=50)]
    )

    wait_for(lambda: all(_status(task) == "success" for task in [*lows, high]), timeout_s=15)
    order = [label for label in labels(marker_dir) if not label.endswith(("busy0", "long0"))]
    assert order == ["high", "low0", "low1", "low2"]


def test_a_worker_with_busy_slots_starts_a_new_task_without_polling(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    start_worker("--workers=1", "--concurrency=2", "--poll-interval=30")
    _sleepers(marker_dir, 1, 10.0, prefix="busy")
    wait_for(lambda: _all_started(marker_dir, 1, prefix="busy"), what="one slot to be busy")

    task = enqueue("add_numbers", [1, 1])

    # A 30 s poll interval could not explain a start within the deadline: the push woke it.
    wait_for(lambda: _status(task) == "success", timeout_s=5, what="the free slot to take it")


def test_sigterm_waits_for_every_running_task_then_exits_zero(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    run = start_worker("--workers=1", "--concurrency=3")
    tasks = _sleepers(marker_dir, 3, 1.5)
    wait_for(lambda: _all_started(marker_dir, 3), what="three tasks to run at once")

    run.signal(signal.SIGTERM)

    assert run.wait() == 0
    assert all(_outcomes(task) == ["success"] for task in tasks)


def test_an_idle_worker_with_several_slots_stops_at_once_on_sigterm(
    start_worker: StartWorker,
) -> None:
    run = start_worker("--workers=1", "--concurrency=4", "--poll-interval=30")
    warmup = enqueue("add_numbers", [0, 0])
    wait_for(lambda: _status(warmup) == "success", what="the worker to start")
    started = time.monotonic()

    run.signal(signal.SIGTERM)

    assert run.wait() == 0
    assert time.monotonic() - started < 5  # not the 25 s its idle wait may last


def test_a_second_signal_releases_every_running_task_at_once(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    run = start_worker("--workers=1", "--concurrency=3")
    tasks = _sleepers(marker_dir, 3, 30.0)
    wait_for(lambda: _all_started(marker_dir, 3), what="three tasks to run at once")
    run.signal(signal.SIGTERM)
    wait_for(lambda: "stopping after its current task" in run.log(), what="the first signal")
    started = time.monotonic()

    run.signal(signal.SIGTERM)

    assert run.wait() == 0
    assert time.monotonic() - started < 5
    for task in tasks:
        assert _status(task) == "pending"
        assert _outcomes(task) == ["interrupted"]


def test_a_hard_timeout_replaces_the_process_and_releases_its_other_tasks_without_a_retry(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    # given a task running in one slot, then a task stuck in C code past its timeout in another
    run = start_worker("--workers=1", "--concurrency=2", overrides=LONG_LEASE)
    (bystander,) = _sleepers(marker_dir, 1, 3.0, prefix="by")
    wait_for(lambda: _all_started(marker_dir, 1, prefix="by"), what="the bystander to start")
    # (in a slot thread no signal reaches it: an asynchronous exception waits for the regex)
    stuck = enqueue("test_holds_the_gil", [str(marker_dir), "stuck", 20.0], timeout=1)

    # when the stuck task passes its hard timeout
    wait_for(lambda: _status(stuck) == "failed", timeout_s=15, what="the hard timeout")

    # then it is a timeout, the bystander was interrupted (no retry spent) and runs again
    assert _outcomes(stuck) == ["timeout"]
    wait_for(lambda: _status(bystander) == "success", timeout_s=20, what="the bystander rerun")
    assert _outcomes(bystander) == ["interrupted", "success"]
    assert Task.objects.get(pk=bystander.pk).retry_count == 0
    assert "exited with -9; restarting in 0.0 s" in run.log()


def test_every_task_of_a_killed_host_runs_again_after_its_lease(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    # given a run (supervisor and child) holding three running tasks
    first = start_worker("--workers=1", "--concurrency=3")
    tasks = _sleepers(marker_dir, 3, 1.0)
    wait_for(lambda: _all_started(marker_dir, 3), what="three tasks to run at once")

    # when the whole run is killed, as a host that dies, and another takes over
    first.kill_group()
    first.wait()
    start_worker("--workers=1", "--concurrency=3")

    # then each task runs again once its lease runs out
    for task in tasks:
        wait_for(lambda t=task: _status(t) == "success", timeout_s=20, what="every rerun")  # type: ignore[misc]
        assert _outcomes(task) == ["lost", "success"]


def test_a_frozen_process_with_several_tasks_cannot_overwrite_their_newer_attempts(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    # given two runs, one of which runs all three tasks
    stale_run = start_worker("--workers=1", "--concurrency=3")
    tasks = _sleepers(marker_dir, 3, 3.0)
    wait_for(lambda: _all_started(marker_dir, 3), what="three tasks to run at once")
    (stale_child,) = pids_that_recorded(marker_dir, "start:s0")
    start_worker("--workers=1", "--concurrency=3")

    # when it is frozen (supervisor and child, as a frozen host) until the others take over
    # (a takeover is a start by another process: a task lost with its process runs alone, so
    # the other run may claim several at once and give back all but one, attempt number too)
    os.killpg(stale_run.pid, signal.SIGSTOP)
    try:
        for label in ("start:s0", "start:s1", "start:s2"):
            wait_for(
                lambda label=label: set(pids_that_recorded(marker_dir, label)) - {stale_child},  # type: ignore[misc]
                timeout_s=20,
                what=f"a takeover ({label})",
            )
    finally:
        os.killpg(stale_run.pid, signal.SIGCONT)

    # then both runs finish every task, and only the newer attempts' outcomes count
    wait_for(lambda: labels(marker_dir).count("end:s0") == 2, timeout_s=15, what="both runs")
    for task in tasks:
        wait_for(lambda t=task: _status(t) == "success", what="the newer attempts")  # type: ignore[misc]
        attempts = list(Task.objects.get(pk=task.pk).attempts.order_by("number"))
        assert [a.outcome for a in attempts] == ["lost", "success"]
        assert attempts[0].worker_id != attempts[1].worker_id

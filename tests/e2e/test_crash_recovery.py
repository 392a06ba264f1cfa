"""Faults injected into real worker processes: SIGKILL, SIGSTOP, lost Redis, hard timeouts."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from tests.support.markers import labels, pids_that_recorded
from tests.support.processes import WorkerProcess, process_state, wait_for

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]


def _status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


def _sleeper(marker_dir: Path, label: str, duration_s: float) -> Task:
    return enqueue("test_sleep_then_record", [str(marker_dir), label, duration_s])


def test_killed_worker_task_is_rerun(start_worker: StartWorker, marker_dir: Path) -> None:
    run = start_worker("--workers=1")
    task = _sleeper(marker_dir, "a", 1.5)
    wait_for(lambda: pids_that_recorded(marker_dir, "start:a"), what="the task to start")
    (victim,) = pids_that_recorded(marker_dir, "start:a")

    os.kill(victim, signal.SIGKILL)

    wait_for(lambda: _status(task) == "success", timeout_s=20, what="the rerun to succeed")
    stored = Task.objects.get(pk=task.pk)
    assert [a.outcome for a in stored.attempts.order_by("number")] == ["lost", "success"]
    assert labels(marker_dir).count("end:a") == 1
    assert victim not in pids_that_recorded(marker_dir, "end:a")
    assert "exited with -9; restarting" in run.log()


def test_killed_process_group_task_is_rerun_by_another_worker(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    first = start_worker("--workers=2")
    task = _sleeper(marker_dir, "b", 1.0)
    wait_for(lambda: pids_that_recorded(marker_dir, "start:b"), what="the task to start")

    first.kill_group()
    first.wait()
    start_worker("--workers=1")

    wait_for(lambda: _status(task) == "success", timeout_s=20, what="the rerun to succeed")
    assert [a.outcome for a in Task.objects.get(pk=task.pk).attempts.order_by("number")] == [
        "lost",
        "success",
    ]


def test_a_worker_resumed_after_losing_its_lease_cannot_overwrite_the_newer_attempt(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    runs = [start_worker("--workers=1"), start_worker("--workers=1")]
    task = _sleeper(marker_dir, "c", 3.0)
    wait_for(lambda: pids_that_recorded(marker_dir, "start:c"), what="the task to start")
    (stale,) = pids_that_recorded(marker_dir, "start:c")
    # The supervisor keeps its children's leases: stop it with them, as a frozen host would be.
    (stale_run,) = [run for run in runs if run.pid == os.getpgid(stale)]

    os.killpg(stale_run.pid, signal.SIGSTOP)
    try:
        wait_for(lambda: Task.objects.get(pk=task.pk).attempt == 2, timeout_s=15, what="a takeover")
        assert process_state(stale) == "T"
    finally:
        os.killpg(stale_run.pid, signal.SIGCONT)

    wait_for(lambda: labels(marker_dir).count("end:c") == 2, timeout_s=15, what="both to finish")
    wait_for(lambda: _status(task) == "success", what="the newer attempt to succeed")
    stored = Task.objects.get(pk=task.pk)
    attempts = list(stored.attempts.order_by("number"))
    assert [a.outcome for a in attempts] == ["lost", "success"]
    assert attempts[1].worker_id == stored.worker_id
    assert attempts[0].worker_id != attempts[1].worker_id


def test_a_task_that_ignores_its_timeout_is_stopped_and_the_pool_keeps_serving(
    start_worker: StartWorker,
) -> None:
    run = start_worker("--workers=1")
    stubborn = enqueue("test_ignores_timeout", [30])
    wait_for(lambda: _status(stubborn) == "failed", timeout_s=15, what="the hard timeout")

    after = enqueue("add_numbers", [1, 2])

    wait_for(lambda: _status(after) == "success", timeout_s=15, what="the pool to keep serving")
    stored = Task.objects.get(pk=stubborn.pk)
    attempt = stored.attempts.get()
    assert attempt.outcome == "timeout"
    assert "its worker process was killed and replaced" in (attempt.error_message or "")
    assert "is past its hard timeout; killing the process" in run.log()
    assert "exited with -9; restarting in 0.0 s" in run.log()


def test_every_waiting_task_runs_after_redis_is_flushed_under_a_running_worker(
    start_worker: StartWorker, stores: Broker
) -> None:
    tasks = [enqueue("add_numbers", [i, 1], countdown=1.5) for i in range(50)]
    start_worker("--workers=2")
    keys = list(stores.client.scan_iter(match=f"{stores.keys.prefix}:*"))
    stores.client.delete(*keys)

    wait_for(
        lambda: Task.objects.filter(status="success").count() == len(tasks),
        timeout_s=20,
        what="every task to run",
    )
    assert all(Task.objects.get(pk=t.pk).attempt == 1 for t in tasks)


def test_a_task_longer_than_its_lease_is_never_delivered_twice_while_its_worker_lives(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    start_worker("--workers=2")  # the other worker would take it if the lease lapsed
    task = _sleeper(marker_dir, "long", 5.0)  # 2.5 leases of 2 s

    wait_for(lambda: _status(task) == "success", timeout_s=30, what="the long task")

    assert labels(marker_dir).count("start:long") == 1
    assert Task.objects.get(pk=task.pk).attempts.count() == 1


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_task_that_kills_its_worker_is_failed_and_the_tasks_claimed_with_it_run(
    start_worker: StartWorker, marker_dir: Path, concurrency: int
) -> None:
    culprit = enqueue("test_kill_own_process")
    others = [enqueue("test_record", [str(marker_dir), f"other-{i}"]) for i in range(5)]
    # Short leases so that each loss is seen within seconds; a batch of short tasks holds ten,
    # and with 4 slots the others run beside it until it must run alone.
    start_worker(
        "--workers=1",
        f"--concurrency={concurrency}",
        overrides={"LEASE_S": 1, "HEARTBEAT_INTERVAL_S": 0.2, "MAX_LOST_ATTEMPTS": 2},
    )

    wait_for(lambda: _status(culprit) == "failed", timeout_s=30, what="the culprit to fail")
    wait_for(
        lambda: all(_status(task) == "success" for task in others),
        timeout_s=30,
        what="the tasks claimed with it to run",
    )
    assert "Lost 2 times" in (Task.objects.get(pk=culprit.pk).error_message or "")
    ran = labels(marker_dir)
    # With several slots, the others that ran beside it when it killed the process run again.
    assert sorted(ran if concurrency == 1 else set(ran)) == [f"other-{i}" for i in range(5)]


def test_a_worker_and_its_maintenance_connect_again_after_postgresql_ends_their_sessions(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    start_worker("--workers=1", overrides={"LEASE_S": 2, "HEARTBEAT_INTERVAL_S": 0.2})
    task = _sleeper(marker_dir, "p", 1.5)
    wait_for(lambda: pids_that_recorded(marker_dir, "start:p"), what="the task to start")

    # As a PostgreSQL restart (or a pooler's idle timeout) would: every session but the test's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    # Its heartbeat renews the lease again and its worker records the success; before, every
    # later statement of the worker and of the supervisor's maintenance failed.
    wait_for(lambda: _status(task) == "success", timeout_s=20, what="the success to be recorded")
    assert [a.outcome for a in Task.objects.get(pk=task.pk).attempts.order_by("number")] == [
        "success"
    ]
    after = enqueue("add_numbers", [1, 2])
    wait_for(lambda: _status(after) == "success", timeout_s=10, what="the next task")

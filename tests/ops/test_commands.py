"""The maintenance commands on real rows: purge_tasks, requeue_failed, queue_status."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_task_queue.broker.client import Broker, RunningRecord, WorkerRecord
from django_task_queue.models import Attempt, Task
from django_task_queue.services import enqueue
from django_task_queue.timeutil import to_ms
from tests.support.rows import MakeTask, add_attempt


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _step(sql: str) -> str | None:
    if sql in {"BEGIN", "COMMIT"}:
        return sql
    return "purge" if "DELETE FROM django_task_queue_task" in sql else None


def _days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


# -- purge_tasks ---------------------------------------------------------------------------------


@pytest.fixture
def aged_tasks(make_task: MakeTask) -> dict[str, Task]:
    """Finished tasks old and recent, and unfinished ones created long ago."""
    tasks = {
        **{
            f"old_success_{i}": make_task(status="success", completed_at=_days_ago(40))
            for i in range(5)
        },
        "old_failed": make_task(status="failed", completed_at=_days_ago(35)),
        "old_cancelled": make_task(status="cancelled", completed_at=_days_ago(31)),
        "recent_success": make_task(status="success", completed_at=_days_ago(2)),
        "old_pending": make_task(status="pending", created_at=_days_ago(60)),
        "old_retry": make_task(status="retry", created_at=_days_ago(60)),
    }
    for name, task in tasks.items():
        if not name.endswith("pending"):
            add_attempt(task, 1, outcome="error" if "retry" in name else "success")
    return tasks


def test_purge_deletes_only_old_finished_tasks_and_their_attempts_in_batches(
    aged_tasks: dict[str, Task],
) -> None:
    with CaptureQueriesContext(connection) as queries:
        output = _run("purge_tasks", "--older-than-days=30", "--batch-size=2")

    kept = set(Task.objects.values_list("id", flat=True))
    assert kept == {aged_tasks[n].id for n in ("recent_success", "old_pending", "old_retry")}
    assert set(Attempt.objects.values_list("task_id", flat=True)) == {
        aged_tasks["recent_success"].id,
        aged_tasks["old_retry"].id,
    }
    assert "Deleted 7 " in output
    assert "and 7 attempt(s) in 4 batch(es)." in output
    # Each batch is its own transaction: never one transaction around the whole purge.
    steps = [_step(q["sql"]) for q in queries.captured_queries]
    assert [s for s in steps if s] == ["BEGIN", "purge", "COMMIT"] * 4


def test_purge_can_be_limited_to_some_statuses(aged_tasks: dict[str, Task]) -> None:
    _run("purge_tasks", "--older-than-days=30", "--status=failed,cancelled")

    assert not Task.objects.filter(status__in=["failed", "cancelled"]).exists()
    assert Task.objects.filter(status="success").count() == 6


def test_a_dry_run_counts_and_deletes_nothing(aged_tasks: dict[str, Task]) -> None:
    output = _run("purge_tasks", "--older-than-days=30", "--dry-run")

    assert "would delete 7 " in output
    assert "and 7 attempt(s)" in output
    assert Task.objects.count() == len(aged_tasks)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--older-than-days=30", "--status=pending"], "'pending' is not a finished status"),
        (["--older-than-days=-1"], "must be zero or more"),
        (["--older-than-days=1", "--batch-size=0"], "at least 1"),
    ],
)
def test_purge_refuses_bad_options(stores: Broker, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("purge_tasks", *args)


# -- requeue_failed ------------------------------------------------------------------------------


@pytest.fixture
def failures(make_task: MakeTask) -> dict[str, Task]:
    return {
        "add_old": make_task(status="failed", completed_at=_days_ago(10)),
        "add_recent": make_task(status="failed", completed_at=_days_ago(0.1)),
        "multiply_other": make_task(
            status="failed",
            task_name="multiply_numbers",
            queue_name="other",
            completed_at=_days_ago(0.1),
        ),
        "success": make_task(status="success", completed_at=_days_ago(0.1)),
    }


def _statuses(tasks: dict[str, Task]) -> dict[str, str]:
    return {name: Task.objects.get(pk=task.pk).status for name, task in tasks.items()}


def test_requeue_filters_by_task_name_and_time(failures: dict[str, Task], stores: Broker) -> None:
    since = _days_ago(1).isoformat()

    output = _run("requeue_failed", "--task-name=add_numbers", f"--since={since}")

    assert _statuses(failures) == {
        "add_old": "failed",
        "add_recent": "pending",
        "multiply_other": "failed",
        "success": "success",
    }
    assert stores.ready_ids("default", 10) == [str(failures["add_recent"].pk)]
    assert "Requeued 1 failed task(s)." in output


def test_requeue_filters_by_queue(failures: dict[str, Task], stores: Broker) -> None:
    _run("requeue_failed", "--queue=other")

    assert _statuses(failures)["multiply_other"] == "pending"
    assert stores.ready_ids("other", 10) == [str(failures["multiply_other"].pk)]
    assert _statuses(failures)["add_recent"] == "failed"


def test_requeue_stops_at_the_limit(failures: dict[str, Task]) -> None:
    _run("requeue_failed", "--limit=2")

    assert Task.objects.filter(status="pending").count() == 2
    assert Task.objects.filter(status="failed").count() == 1


def test_requeue_dry_run_lists_and_changes_nothing(failures: dict[str, Task]) -> None:
    output = _run("requeue_failed", "--since=2000-01-01", "--dry-run")

    assert "would requeue 3 failed task(s)" in output
    assert str(failures["multiply_other"].pk) in output
    assert Task.objects.filter(status="failed").count() == 3


def test_requeue_refuses_a_bad_date(stores: Broker) -> None:
    with pytest.raises(CommandError, match="not an ISO 8601"):
        call_command("requeue_failed", "--since=yesterday")


# -- queue_status --------------------------------------------------------------------------------


def test_queue_status_shows_counts_beside_redis_depths_and_live_workers(
    stores: Broker, make_task: MakeTask
) -> None:
    enqueue("add_numbers", [1, 1])
    enqueue("add_numbers", [2, 2])
    enqueue("multiply_numbers", [1, 1], queue_name="reports", countdown=600)
    make_task(status="failed", completed_at=timezone.now())
    running = enqueue("add_numbers", [3, 3], queue_name="reports")
    now_ms = to_ms(timezone.now())
    stores.record_worker(
        WorkerRecord(
            worker_id="ops-worker-1",
            hostname="box",
            pid=4242,
            queues=["reports"],
            state="busy",
            current_task_id=str(running.pk),
            started_at_ms=now_ms - 60_000,
            last_seen_ms=now_ms - 1500,
            tasks_done=7,
        ),
        ttl_s=30,
    )

    output = _run("queue_status")

    lines = {line.split()[0]: line.split() for line in output.splitlines() if line.strip()}
    # queue, pending, processing, success, retry, failed, cancelled, |, ready, delayed, processing
    assert lines["default"] == ["default", "2", "0", "0", "0", "1", "0", "|", "2", "0", "0"]
    assert lines["reports"] == ["reports", "2", "0", "0", "0", "0", "0", "|", "1", "1", "0"]
    assert "Live workers: 1" in output
    worker_line = lines["ops-worker-1"]
    assert "pid=4242" in worker_line
    assert f"current_task={running.pk}" in worker_line
    assert "slots=1/1" in worker_line
    assert any(field.startswith("heartbeat=1.") for field in worker_line)


def test_queue_status_shows_a_workers_slots_in_use_and_what_runs_in_each(stores: Broker) -> None:
    # given a worker with four slots, two of them running a task
    now_ms = to_ms(timezone.now())
    stores.record_worker(
        WorkerRecord(
            "wide-worker", "box", 4343, ["default"], "busy", "task-a", now_ms, now_ms, 0,
            concurrency=4,
            running=(
                RunningRecord("task-b", "slow_task", "default", 2, 3, now_ms - 5_000),
                RunningRecord("task-a", "add_numbers", "default", 1, 0, now_ms - 12_000),
            ),
        ),
        ttl_s=30,
    )  # fmt: skip

    # when the status is printed
    output = _run("queue_status")

    # then the worker line counts the busy slots, and one line per slot follows, in slot order
    lines = output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.split()[:1] == ["wide-worker"])
    assert "slots=2/4" in lines[at]
    assert lines[at + 1].split()[:5] == ["slot", "0:", "task-a", "add_numbers", "queue=default"]
    assert lines[at + 1].split()[5] == "attempt=1"
    assert lines[at + 1].split()[6].startswith("running=12.")
    assert lines[at + 2].split()[:4] == ["slot", "3:", "task-b", "slow_task"]


def test_queue_status_with_nothing_enqueued_says_so(stores: Broker) -> None:
    output = _run("queue_status")

    assert "No queues yet" in output
    assert "Live workers: 0" in output


def test_the_local_worker_check_fails_without_a_worker_on_this_host(stores: Broker) -> None:
    with pytest.raises(CommandError, match="no live worker on this host"):
        call_command("queue_status", "--check-local-worker")

    now_ms = to_ms(timezone.now())
    stores.record_worker(
        WorkerRecord(
            "here-1", socket.gethostname(), 1, ["default"], "idle", None, now_ms, now_ms, 0
        ),
        ttl_s=30,
    )

    assert "1 live worker(s) on this host" in _run("queue_status", "--check-local-worker")


# -- pause_queue, resume_queue -------------------------------------------------------------------


def test_pause_queue_and_resume_queue_say_what_they_did(stores: Broker) -> None:
    from django_task_queue.flow_control.pausing import paused_queues

    assert _run("pause_queue", "reports") == "Paused queue reports.\n"
    assert _run("pause_queue", "reports") == "Queue reports was already paused.\n"
    assert set(paused_queues()) == {"reports"}
    assert stores.paused_flags(["reports"]) == {"reports"}
    assert _run("resume_queue", "reports") == "Resumed queue reports.\n"
    assert _run("resume_queue", "reports") == "Queue reports was not paused.\n"
    assert stores.paused_flags(["reports"]) == set()


def test_pause_queue_refuses_a_bad_name(stores: Broker) -> None:
    with pytest.raises(CommandError, match="queue_name"):
        _run("pause_queue", "no spaces")

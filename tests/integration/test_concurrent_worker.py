"""A worker process with several slots, run in the test process: what each task does stays its
own, and the worker's bookkeeping stays on a connection no task touches."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from django_task_queue.transitions import claim_batch, release_worker_tasks
from tests.support.drain import drain_concurrently
from tests.support.markers import labels


def _stored(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def _times(tasks: list[Task], field: str) -> list[datetime]:
    found = [getattr(_stored(task), field) for task in tasks]
    assert all(found)
    return sorted(found)


def _span_s(earliest: datetime, latest: datetime) -> float:
    return (latest - earliest).total_seconds()


def test_four_slots_run_four_tasks_at_once_each_on_its_own_thread_and_connection(
    stores: Broker, marker_dir: Path
) -> None:
    tasks = [
        enqueue("test_thread_and_connection", [str(marker_dir), f"t{i}", 0.5]) for i in range(4)
    ]

    worker = drain_concurrently(4)

    results: list[dict[str, Any]] = [_stored(task).result or {} for task in tasks]
    assert all(_stored(task).status == "success" for task in tasks)
    assert len({result["thread"] for result in results}) == 4
    backends = {result["backend_pid"] for result in results}
    assert len(backends) == 4
    with connection.cursor() as cursor:  # the loop's thread: the one that claims and records
        cursor.execute("SELECT pg_backend_pid()")
        (bookkeeping,) = cursor.fetchone()
    assert bookkeeping not in backends
    started = _times(tasks, "started_at")
    assert _span_s(started[0], started[-1]) < 0.4  # together, not one after another
    assert worker.tasks_done == 4


@pytest.mark.parametrize(
    ("args", "error_type"),
    [
        (["sys_exit"], "SystemExit"),
        (["unstorable"], "ValueError"),
        (["deep"], "ResultNotJSONError"),
    ],
)
def test_a_task_that_misbehaves_fails_alone_while_the_other_slots_run_theirs(
    stores: Broker, args: list[str], error_type: str
) -> None:
    bad = enqueue("test_misbehaves", args)
    others = [enqueue("add_numbers", [i, 1]) for i in range(6)]

    drain_concurrently(4)

    assert (_stored(bad).status, _stored(bad).attempts.get().error_type) == ("failed", error_type)
    assert [_stored(task).result for task in others] == [i + 1 for i in range(6)]


def test_a_task_that_leaves_a_transaction_open_fails_and_the_next_task_of_its_thread_is_recorded(
    stores: Broker,
) -> None:
    bad = enqueue("test_leaves_a_transaction_open", ["begin", "placeholder", False])
    Task.objects.filter(pk=bad.pk).update(args=["begin", str(bad.id), False])
    others = [enqueue("add_numbers", [i, 1]) for i in range(6)]

    drain_concurrently(2)

    connection.close()  # read what another connection sees: only what was committed
    stored = _stored(bad)
    assert (stored.status, stored.attempts.get().error_type) == (
        "failed",
        "TransactionLeftOpenError",
    )
    assert stored.queue_name == "default"  # its own write was rolled back
    assert all(_stored(task).status == "success" for task in others)


def test_a_plain_function_past_its_timeout_is_interrupted_in_its_thread(stores: Broker) -> None:
    looping = enqueue("test_python_loop", [30.0], timeout=0.3)
    other = enqueue("add_numbers", [1, 2])

    drain_concurrently(2)

    stored = _stored(looping)
    assert (stored.status, stored.attempts.get().outcome) == ("failed", "timeout")
    assert (stored.attempts.get().duration_ms or 0) < 5_000
    assert "exceeded its timeout of 0.3 s" in (stored.error_message or "")
    assert _stored(other).result == 3


def test_async_tasks_wait_together_on_one_event_loop(stores: Broker, marker_dir: Path) -> None:
    tasks = [
        enqueue("test_async_sleep_then_record", [str(marker_dir), f"a{i}", 0.5]) for i in range(20)
    ]

    drain_concurrently(20)

    assert all(_stored(task).status == "success" for task in tasks)
    starts, finishes = _times(tasks, "started_at"), _times(tasks, "completed_at")
    assert _span_s(starts[0], finishes[-1]) < 3  # not 20 x 0.5 s
    assert len(labels(marker_dir)) == 40


def test_an_async_task_is_cancelled_at_its_timeout_and_fails_cleanly(
    stores: Broker, marker_dir: Path
) -> None:
    slow = enqueue("test_async_sleep_then_record", [str(marker_dir), "slow", 30.0], timeout=0.3)
    other = enqueue("add_numbers", [1, 2])

    drain_concurrently(2)

    stored = _stored(slow)
    assert (stored.status, stored.attempts.get().outcome) == ("failed", "timeout")
    assert "exceeded its timeout of 0.3 s" in (stored.error_message or "")
    assert labels(marker_dir) == ["start:slow"]  # cancelled: it never reached its end
    assert _stored(other).result == 3


def test_max_tasks_ends_a_run_with_several_slots_after_that_many_tasks(stores: Broker) -> None:
    tasks = [enqueue("add_numbers", [i, 1]) for i in range(10)]

    worker = drain_concurrently(4, max_tasks=6)

    assert worker.tasks_done == 6
    assert sum(_stored(task).status == "success" for task in tasks) == 6
    assert sum(_stored(task).status == "pending" for task in tasks) == 4


def test_a_task_run_alone_starts_only_once_the_successes_before_it_are_recorded(
    stores: Broker,
) -> None:
    # given a task whose last attempt was lost with its process, behind a quick one
    suspect = enqueue("test_count_running", priority=10)
    (claimed,) = claim_batch(stores, ["default"], "host:9-1", 1) or []
    release_worker_tasks(
        stores, "host:9-1", [(claimed.id, claimed.attempt)], outcome="lost", reason="died"
    )
    quick = enqueue("test_noop", priority=20)

    # when a worker with two slots runs both
    drain_concurrently(2)

    # then the quick task's success was in PostgreSQL before the suspect ran: were the suspect
    # to kill its process, it would take nothing else down with it
    assert _stored(quick).status == "success"
    assert _stored(suspect).result == 1  # itself, the only task processing while it ran

"""The core promises of the queue, against the real PostgreSQL and Redis (worker in-process)."""

from __future__ import annotations

import itertools
import time
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from django_task_queue.broker.client import Broker
from django_task_queue.exceptions import (
    InvalidTransitionError,
    StoreUnavailableError,
    TaskValidationError,
)
from django_task_queue.models import Attempt, Task
from django_task_queue.outcomes import Success
from django_task_queue.services import TaskSpec, cancel, enqueue, enqueue_many, retry
from django_task_queue.transitions import claim_batch
from django_task_queue.worker import executor
from django_task_queue.worker.decisions import Tuning
from django_task_queue.worker.executor import execute
from tests.support.drain import drain, work_until
from tests.support.markers import labels


def _status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


def test_a_task_runs_to_success_with_its_result(stores: Broker) -> None:
    task = enqueue("add_numbers", [10, 20])

    drain()

    stored = Task.objects.get(pk=task.pk)
    assert (stored.status, stored.result, stored.attempt) == ("success", 30, 1)
    assert stored.started_at is not None
    assert stored.completed_at is not None
    attempt = stored.attempts.get()
    assert (attempt.outcome, attempt.worker_id) == ("success", "test-drainer")
    assert stores.depths(["default"])["default"].processing == 0


def test_higher_priority_runs_first_then_enqueue_order(stores: Broker) -> None:
    plan = ["low", "normal", "high", "low", "critical", "normal", "high", "low"]
    tasks = [enqueue("add_numbers", [i, 0], priority=p) for i, p in enumerate(plan)]

    drain()

    started = Attempt.objects.order_by("started_at", "id").values_list("task_id", flat=True)
    order = [next(i for i, t in enumerate(tasks) if t.id == tid) for tid in started]
    assert order == [4, 2, 6, 1, 5, 0, 3, 7]


def test_a_rolled_back_transaction_runs_nothing(stores: Broker) -> None:
    def enqueue_then_fail() -> None:
        with transaction.atomic():
            enqueue("add_numbers", [1, 2])
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        enqueue_then_fail()

    assert Task.objects.count() == 0
    assert stores.depths(["default"])["default"].ready == 0


def test_redis_sees_the_task_only_after_commit(stores: Broker) -> None:
    with transaction.atomic():
        enqueue("add_numbers", [1, 2])
        assert stores.depths(["default"])["default"].ready == 0

    assert stores.depths(["default"])["default"].ready == 1


def test_enqueue_inside_a_transaction_adds_no_savepoint(stores: Broker) -> None:
    # One INSERT needs none, and each savepoint is two more round trips per enqueue.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        enqueue("add_numbers", [1, 2])

    assert [q["sql"] for q in queries.captured_queries if "SAVEPOINT" in q["sql"]] == []


def _other_session() -> Any:
    """A PostgreSQL session of its own, beside the test's."""
    return connection.get_new_connection(connection.get_connection_params())


def _last_statement_of_this_session() -> str:
    """What PostgreSQL says this thread's session ran last, as another session sees it."""
    connection.ensure_connection()
    assert connection.connection is not None
    pid = connection.connection.info.backend_pid
    other = _other_session()
    try:
        [(query,)] = other.execute(
            "SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]
        ).fetchall()
    finally:
        other.close()
    return str(query)


def test_enqueueing_no_specs_sends_nothing_to_either_store(stores: Broker) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'before enqueue_many'")
    pushes = stores.pushes  # this thread's broker, the producer's

    assert enqueue_many([]) == []

    assert _last_statement_of_this_session() == "SELECT 'before enqueue_many'"
    assert stores.pushes == pushes


def test_a_failed_insert_marks_the_callers_transaction_for_rollback(stores: Broker) -> None:
    # Another session holds a lock no INSERT can pass, and this transaction waits briefly.
    other = _other_session()
    try:
        other.execute("LOCK TABLE django_task_queue_task IN SHARE MODE")
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '50ms'")
            with pytest.raises(StoreUnavailableError, match="lock timeout"):
                enqueue("add_numbers", [1, 2])

            assert transaction.get_connection().needs_rollback
    finally:
        other.close()


def test_a_failing_task_is_retried_after_its_delay_then_fails(stores: Broker) -> None:
    task = enqueue("failing_task", [], {"error_message": "boom"}, max_retries=2, retry_delay=0.3)

    work_until(lambda: _status(task) == "failed")

    stored = Task.objects.get(pk=task.pk)
    assert (stored.retry_count, stored.attempt, stored.error_message) == (2, 3, "boom")
    assert "RuntimeError: boom" in (stored.traceback or "")
    attempts = list(stored.attempts.order_by("number"))
    assert [a.outcome for a in attempts] == ["error", "error", "error"]
    for earlier, later in itertools.pairwise(attempts):
        assert earlier.finished_at is not None
        gap_s = (later.started_at - earlier.finished_at).total_seconds()
        # Due after 0.3 s, promoted within a tick (0.25 s); the margin absorbs a loaded machine.
        assert 0.3 <= gap_s < 2.5, gap_s


def test_max_retries_three_means_at_most_four_runs(stores: Broker) -> None:
    task = enqueue("failing_task", [], max_retries=3, retry_delay=0)

    work_until(lambda: _status(task) == "failed")

    assert Task.objects.get(pk=task.pk).attempts.count() == 4


def test_a_result_that_is_not_json_fails_cleanly(stores: Broker) -> None:
    task = enqueue("test_unserializable", max_retries=0)

    drain()

    stored = Task.objects.get(pk=task.pk)
    assert stored.status == "failed"
    assert "cannot be stored as JSON" in (stored.error_message or "")
    assert stored.attempts.get().error_type == "ResultNotJSONError"


def test_a_soft_timeout_stops_the_task_and_records_it(stores: Broker) -> None:
    task = enqueue("slow_task", [], {"duration": 5}, timeout=0.2, max_retries=0)

    drain()

    stored = Task.objects.get(pk=task.pk)
    assert stored.status == "failed"
    assert stored.attempts.get().outcome == "timeout"
    assert "timeout of 0.2 s" in (stored.error_message or "")


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        ([1], {}, "args"),
        ([1, 2, 3], {}, "args"),
        ([1, 2], {"c": 1}, "kwargs"),
        ("12", {}, "args"),
        ([1, 2], [], "kwargs"),
        ([{1, 2}, 2], {}, "args"),
    ],
)
def test_bad_arguments_are_rejected_at_enqueue(
    stores: Broker, args: object, kwargs: object, field: str
) -> None:
    with pytest.raises(TaskValidationError) as info:
        enqueue("add_numbers", args, kwargs)

    assert info.value.field == field
    assert Task.objects.count() == 0


def test_an_unknown_task_name_is_rejected_at_enqueue(stores: Broker) -> None:
    with pytest.raises(TaskValidationError, match="task_name"):
        enqueue("no_such_task")


def test_bulk_enqueue_of_ten_thousand_tasks(stores: Broker) -> None:
    specs = (TaskSpec(task="test_noop") for _ in range(10_000))

    tasks = enqueue_many(specs)

    assert len(tasks) == 10_000
    assert Task.objects.count() == 10_000
    assert stores.depths(["default"])["default"].ready == 10_000
    seqs = [task.seq for task in tasks]
    assert seqs == sorted(seqs)


def test_bulk_enqueue_is_all_or_nothing(stores: Broker) -> None:
    specs = [TaskSpec(task="add_numbers", args=[1, 2]), TaskSpec(task="add_numbers", args=[1])]

    with pytest.raises(TaskValidationError):
        enqueue_many(specs)

    assert Task.objects.count() == 0


def test_a_bad_spec_in_a_later_batch_leaves_nothing_committed_or_pushed(stores: Broker) -> None:
    good = [TaskSpec(task="add_numbers", args=[i, i]) for i in range(25)]
    specs = [*good, TaskSpec(task="add_numbers", args=[1])]  # the 3rd batch of 10 is bad

    with pytest.raises(TaskValidationError):
        enqueue_many(specs, batch_size=10)

    assert Task.objects.count() == 0
    assert stores.depths(["default"])["default"].ready == 0


def test_bulk_enqueue_in_several_batches_keeps_the_order_and_pushes_every_task(
    stores: Broker,
) -> None:
    tasks = enqueue_many(
        (TaskSpec(task="add_numbers", args=[i, i]) for i in range(35)), batch_size=10
    )

    assert [task.args for task in tasks] == [[i, i] for i in range(35)]
    assert [task.seq for task in tasks] == sorted(task.seq for task in tasks)
    assert Task.objects.count() == 35
    assert stores.depths(["default"])["default"].ready == 35


def test_bulk_enqueue_inserts_batches_of_the_size_asked_for(stores: Broker) -> None:
    enqueue_many((TaskSpec(task="test_noop") for _ in range(35)), batch_size=10)

    # The rows one statement inserted share its command id in their transaction (cmin).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM django_task_queue_task GROUP BY cmin ORDER BY min(seq)"
        )
        sizes = [count for (count,) in cursor.fetchall()]
    assert sizes == [10, 10, 10, 5]


@pytest.mark.parametrize(
    ("field", "valid", "refused"), [("priority", 1, True), ("max_retries", 1, 1.0)]
)
def test_a_batch_refuses_an_option_equal_to_a_valid_one_of_another_type(
    stores: Broker, field: str, valid: object, refused: object
) -> None:
    # Specs with the same options share one validation; True == 1 and 1.0 == 1 must not.
    specs = [
        TaskSpec(task="add_numbers", args=[1, 2], **{field: valid}),  # type: ignore[arg-type]
        TaskSpec(task="add_numbers", args=[1, 2], **{field: refused}),  # type: ignore[arg-type]
    ]

    with pytest.raises(TaskValidationError) as info:
        enqueue_many(specs)

    assert info.value.field == field
    assert Task.objects.count() == 0


def test_bulk_enqueued_tasks_get_distinct_time_ordered_uuids(stores: Broker) -> None:
    tasks = enqueue_many(TaskSpec(task="test_noop") for _ in range(2_000))

    ids = [task.id for task in tasks]
    assert len(set(ids)) == 2_000
    assert {(task_id.version, task_id.variant) for task_id in ids} == {(7, uuid.RFC_4122)}
    assert set(Task.objects.values_list("id", flat=True)) == set(ids)


def test_a_cancelled_task_never_runs(stores: Broker) -> None:
    task = enqueue("add_numbers", [1, 2])

    cancel(task.id)
    drain()

    stored = Task.objects.get(pk=task.pk)
    assert (stored.status, stored.attempt) == ("cancelled", 0)
    assert stores.depths(["default"])["default"].ready == 0


def test_a_task_waiting_for_retry_can_be_cancelled(stores: Broker) -> None:
    task = enqueue("failing_task", [], max_retries=1, retry_delay=60)
    drain()
    assert _status(task) == "retry"

    cancel(task.id)

    assert _status(task) == "cancelled"
    assert stores.depths(["default"])["default"].delayed == 0


def test_a_finished_task_cannot_be_cancelled(stores: Broker) -> None:
    task = enqueue("add_numbers", [1, 2])
    drain()

    with pytest.raises(InvalidTransitionError, match="success task cannot be cancelled"):
        cancel(task.id)


def test_a_failed_task_can_be_retried_by_the_user(stores: Broker) -> None:
    task = enqueue("failing_task", [], {"should_fail": True}, max_retries=0)
    drain()
    assert _status(task) == "failed"
    Task.objects.filter(pk=task.pk).update(kwargs={"should_fail": False})

    retry(task.id)
    drain()

    stored = Task.objects.get(pk=task.pk)
    assert (stored.status, stored.result, stored.attempt) == (
        "success",
        "Task completed successfully",
        2,
    )


def test_a_scheduled_task_waits_for_its_time(stores: Broker) -> None:
    task = enqueue("add_numbers", [1, 2], countdown=0.5)
    drain()
    assert _status(task) == "pending"
    started = time.monotonic()

    work_until(lambda: _status(task) == "success")

    assert time.monotonic() - started < 2.0
    stored = Task.objects.get(pk=task.pk)
    assert stored.started_at is not None
    assert stored.run_after is not None
    assert stored.started_at >= stored.run_after


def test_backoff_spreads_retries(stores: Broker) -> None:
    task = enqueue("test_backoff")

    work_until(lambda: _status(task) == "failed")

    attempts = list(Task.objects.get(pk=task.pk).attempts.order_by("number"))
    gaps = [
        (later.started_at - earlier.finished_at).total_seconds()
        for earlier, later in itertools.pairwise(attempts)
        if earlier.finished_at
    ]
    assert 0.1 <= gaps[0] <= 0.2 + 0.5
    assert 0.2 <= gaps[1] <= 0.4 + 0.5


@pytest.mark.parametrize(
    "spawner",
    [
        # Its own push makes the worker look at once.
        pytest.param("test_enqueue_urgent", id="pushed-by-this-process"),
        # Only the announcement tells the worker: its own push count does not change.
        pytest.param("test_enqueue_urgent_elsewhere", id="pushed-by-another-process"),
    ],
)
def test_a_better_task_arriving_mid_batch_runs_before_the_rest_of_the_batch(
    stores: Broker, tmp_path: Path, spawner: str
) -> None:
    marker = str(tmp_path)
    enqueue_many(
        [
            TaskSpec(task=spawner, args=[marker], priority="low"),
            *(
                TaskSpec(task="test_record", args=[marker, f"low{i}"], priority="low")
                for i in range(4)
            ),
        ]
    )

    # A check before every task: the order then depends on what the worker hears, not on how
    # long the spawner took.
    worker = drain(tuning=Tuning(recheck_after_s=0.0))

    assert labels(tmp_path) == ["spawner", "critical", "low0", "low1", "low2", "low3"]
    assert worker.tasks_done == 6
    assert Attempt.objects.count() == 6
    assert stores.depths(["default"])["default"].processing == 0


@pytest.mark.parametrize("how", ["autocommit_off", "begin", "atomic_entered"])
@pytest.mark.parametrize("fail", [False, True])
def test_a_task_that_leaves_a_transaction_open_fails_and_what_follows_is_recorded(
    stores: Broker, how: str, fail: bool
) -> None:
    # Left open, the transaction would have swallowed every outcome the worker recorded after
    # it: never committed, their rows locked, those tasks `processing` for the worker's life.
    bad = enqueue("test_leaves_a_transaction_open", [how, "placeholder", fail])
    Task.objects.filter(pk=bad.pk).update(args=[how, str(bad.id), fail])
    after = enqueue("add_numbers", [1, 2])

    drain()

    connection.close()  # read what another connection sees: only what was committed
    stored = Task.objects.get(pk=bad.pk)
    assert stored.status == "failed"
    assert stored.queue_name == "default"  # the task's own write was rolled back
    attempt = stored.attempts.get()
    if fail:  # its own error is the more useful one
        assert (attempt.error_type, stored.error_message) == (
            "ValueError",
            "failed inside its transaction",
        )
    else:
        assert attempt.error_type == "TransactionLeftOpenError"
        assert "left a transaction open on database connection 'default'" in (
            stored.error_message or ""
        )
    assert Task.objects.get(pk=after.pk).status == "success"
    assert connection.get_autocommit()


def test_a_task_run_inside_an_atomic_block_it_found_is_not_taken_for_one_left_open(
    stores: Broker,
) -> None:
    enqueue("add_numbers", [1, 2])
    [claimed] = claim_batch(stores, ["default"], "w1", 1) or []

    with transaction.atomic():
        outcome = execute(claimed)
        assert connection.in_atomic_block

    assert outcome == Success("3")


@pytest.mark.parametrize(
    ("how", "error_type", "message"),
    [
        ("sys_exit", "SystemExit", "SystemExit(3); a task cannot stop its worker"),
        ("cancelled", "asyncio.exceptions.CancelledError", "CancelledError()"),
        ("unprintable", "tests.support.tasks._UnprintableError", "its message could not be read"),
        ("unstorable", "ValueError", "bad\\x00byte \\udc80"),
        ("deep", "ResultNotJSONError", "cannot be stored as JSON (list)"),
    ],
)
def test_a_task_that_raises_past_exception_fails_and_the_worker_runs_the_next_one(
    stores: Broker, how: str, error_type: str, message: str
) -> None:
    bad = enqueue("test_misbehaves", [how])
    after = enqueue("add_numbers", [1, 2])

    drain()

    stored = Task.objects.get(pk=bad.pk)
    assert (stored.status, stored.attempts.get().error_type) == ("failed", error_type)
    assert message in (stored.error_message or "")
    assert _status(after) == "success"


def test_a_result_larger_than_postgresql_stores_fails_the_task_not_the_worker(
    stores: Broker,
) -> None:
    # The real limit is 268,435,455 bytes; a smaller one spares the test a 256 MiB string.
    big = enqueue("test_returns_text", [5_000])
    after = enqueue("add_numbers", [1, 2])

    with mock.patch.object(executor, "_MAX_JSONB_BYTES", 4_000):
        drain()

    stored = Task.objects.get(pk=big.pk)
    assert (stored.status, stored.attempts.get().error_type) == ("failed", "ResultTooLargeError")
    assert "5,002 bytes of JSON" in (stored.error_message or "")
    assert _status(after) == "success"

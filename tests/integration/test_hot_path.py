"""The hot path's batching: one statement records a batch and claims the next, leases of recorded
successes are dropped with the next claim, scripts survive a Redis that forgot them, and a
worker claiming ahead keeps exactly-once runs and priority order."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import Broker, PushEntry, get_broker
from django_task_queue.broker.index_reads import QueueDepths
from django_task_queue.exceptions import StoreUnavailableError
from django_task_queue.models import Task
from django_task_queue.outcomes import ClaimedTask, Completed, Failure
from django_task_queue.services import TaskSpec, enqueue, enqueue_many
from django_task_queue.states import AttemptOutcome, TaskStatus
from django_task_queue.timeutil import to_ms
from django_task_queue.transitions import (
    claim_batch,
    complete_and_claim,
    complete_many,
    fail,
    release,
    unclaim,
)
from django_task_queue.worker.decisions import Tuning
from django_task_queue.worker.deps import PostgresTaskStore, WorkerDeps
from django_task_queue.worker.loop import Worker
from django_task_queue.worker.options import WorkerOptions
from tests.support import markers
from tests.support.drain import drain
from tests.support.processes import wait_for


def _completed(task: ClaimedTask, result_json: str) -> Completed:
    return Completed(task, result_json, duration_ms=1, finished_at=timezone.now())


def test_one_call_records_the_finished_batch_and_claims_the_next(stores: Broker) -> None:
    first = enqueue("add_numbers", [1, 2])
    second = enqueue("add_numbers", [3, 4])
    [running] = claim_batch(stores, ["default"], "w1", 1) or []

    recorded, claimed = complete_and_claim(stores, [_completed(running, "3")], ["default"], "w1", 1)

    assert recorded == {first.id}
    assert [task.id for task in claimed or []] == [second.id]
    assert Task.objects.get(pk=first.pk).status == "success"
    assert Task.objects.get(pk=second.pk).status == "processing"
    attempt = Task.objects.get(pk=first.pk).attempts.get()
    assert (attempt.outcome, attempt.duration_ms) == ("success", 1)


def test_the_successes_applied_come_back_on_one_row_not_on_every_claimed_row(
    stores: Broker,
) -> None:
    tasks = enqueue_many(TaskSpec(task="add_numbers", args=[i, i]) for i in range(6))
    running = claim_batch(stores, ["default"], "w1", 3) or []
    now = timezone.now()
    params = {
        **_params_for_every_statement([str(task.id) for task in running]),
        "done_attempts": [task.attempt for task in running],
        "results": ["0"] * 3,
        "started": [now] * 3,
        "finished": [now] * 3,
        "durations": [1.0] * 3,
        "claim_ids": [str(task.id) for task in tasks[3:]],
        "lease_expires_at": now + timedelta(seconds=30),
        "due_by": now + timedelta(seconds=1),
    }

    rows = store.write("complete_and_claim", params)  # as the worker runs it

    assert len(rows) == 3  # one per claimed task
    assert [row[0] is None for row in rows] == [False, True, True]
    assert set(next(row[0] for row in rows if row[0] is not None)) == {t.id for t in running}


def test_a_claim_looks_its_ids_up_by_key_even_when_statistics_say_nothing_waits(
    stores: Broker,
) -> None:
    # Statistics taken while every task had finished, then a burst of enqueues: the planner
    # would read every waiting task through a partial index for each claim.
    finished = enqueue_many(TaskSpec(task="test_noop") for _ in range(500))
    Task.objects.filter(pk__in=[task.pk for task in finished]).update(status="success")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE django_task_queue_task")
    waiting = enqueue_many(TaskSpec(task="test_noop") for _ in range(5_000))
    now = timezone.now()
    params = {
        "done_ids": [],
        "done_attempts": [],
        "results": [],
        "started": [],
        "finished": [],
        "durations": [],
        "claim_ids": [str(task.id) for task in waiting[:64]],
        "worker_id": "w1",
        "now": now,
        "lease_expires_at": now,
        "due_by": now,
    }

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:  # server-side binding, as the worker
        cursor.execute("EXPLAIN " + store.queries()["complete_and_claim"], params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "dtq_task_waiting" not in plan


def _params_for_every_statement(wanted: list[str]) -> dict[str, Any]:
    """Parameters naming two running tasks (attempt 1), for any statement of queries.sql."""
    now = timezone.now()
    return {
        "done_ids": wanted,
        "done_attempts": [1, 1],
        "results": ["null", "null"],
        "started": [now, now],
        "finished": [now, now],
        "durations": [1.0, 1.0],
        "claim_ids": [],
        "worker_id": "w1",
        "now": now,
        "lease_expires_at": now,
        "due_by": now,
        "ids": wanted,
        "attempts": [1, 1],
        "task_id": wanted[0],
        "attempt": 1,
        "will_retry": False,
        "retry_count": 0,
        "next_retry_at": None,
        "error_message": "boom",
        "traceback": "",
        "completed_at": now,
        "outcome": "error",
        "started_at": now,
        "duration_ms": 1.0,
        "error_type": "ValueError",
        "reason": "stopped",
        "limit": 2,
        "max_lost": 3,
    }


@pytest.mark.parametrize(
    ("statement", "crowd"),
    [
        ("complete_and_claim", "processing"),
        ("unclaim_tasks", "processing"),
        ("extend_leases", "processing"),
        ("fail_task", "processing"),
        ("release_task", "processing"),
        ("waiting_entry", "pending"),
        ("cancel_task", "pending"),
        ("retry_task", "failed"),
    ],
)
def test_a_statement_finds_its_tasks_by_key_however_many_share_their_status(
    stores: Broker, statement: str, crowd: str
) -> None:
    # Statistics taken while no task had that status, then many with it: the planner would
    # read every one of them, through an index on the status, to find the few it wants.
    tasks = enqueue_many(TaskSpec(task="test_noop") for _ in range(3_000))
    Task.objects.update(status="success")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE django_task_queue_task")
    Task.objects.filter(pk__in=[task.pk for task in tasks[500:]]).update(status=crowd, attempt=1)
    params = _params_for_every_statement([str(task.id) for task in tasks[500:502]])

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:  # server-side binding, as the worker
        cursor.execute("EXPLAIN " + store.queries()[statement], params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "django_task_queue_task_pkey" in plan
    by_status = r"dtq_task_(status|leases|waiting)|Seq Scan on django_task_queue_task\b"
    assert not re.search(by_status, plan), plan


def _seq_scans_of_tasks_by(name: str, params: dict[str, Any]) -> int:
    """Run a named statement as the worker does; how many times it scanned the task table."""

    def scans_so_far() -> int:
        # This backend's counts not yet reported, which one transaction keeps together.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT seq_scan FROM pg_stat_xact_user_tables"
                " WHERE relname = 'django_task_queue_task'"
            )
            [(scans,)] = cursor.fetchall()
        return int(scans)

    # Committed, not rolled back: psycopg deallocates every prepared statement at a rollback.
    with transaction.atomic():
        before = scans_so_far()
        store.write(name, params)
        return scans_so_far() - before


def test_statements_planned_on_a_small_table_are_planned_again_once_it_has_grown(
    stores: Broker,
) -> None:
    # Nothing analyzes the table here, as on a server with autovacuum off: only a new
    # prepared statement gets a plan made for the table as it is.
    replanner = store._Replanner()
    running = enqueue_many(TaskSpec(task="test_noop") for _ in range(20))
    Task.objects.update(status="processing", attempt=1)
    params: dict[str, Any] = {
        "lease_expires_at": timezone.now(),
        "ids": [task.id for task in running[:2]],
        "attempts": [1, 1],
    }
    with mock.patch.object(store, "_replanner", replanner):
        for _ in range(10):  # PostgreSQL settles on a generic plan after five runs
            _seq_scans_of_tasks_by("extend_leases", params)
        enqueue_many(TaskSpec(task="test_noop") for _ in range(20_000))
        stale_plan_scans = _seq_scans_of_tasks_by("extend_leases", params)

        store.replan_if_grown()
        replanned_scans = [_seq_scans_of_tasks_by("extend_leases", params) for _ in range(10)]
        store.replan_if_grown()  # the table has not grown since

    assert stale_plan_scans == 1  # the plan made on 20 rows reads all 20,020
    assert replanned_scans == [0] * 10
    assert replanner.generation == 1


def _attempts_read_by(name: str, params: dict[str, Any]) -> int:
    """Run a named statement as the worker does; how many attempt rows and index entries it
    read (a scan of the table or of a whole index reads them all)."""
    # Rows a scan of the table returned, plus entries its index scans returned (this
    # transaction's counts: no view shows them for indexes).
    counted = (
        "SELECT sum(pg_stat_get_xact_tuples_returned(oid)) FROM pg_class"
        " WHERE oid = 'django_task_queue_attempt'::regclass OR oid IN (SELECT indexrelid"
        " FROM pg_index WHERE indrelid = 'django_task_queue_attempt'::regclass)"
    )
    with connection.cursor() as cursor:
        cursor.execute(counted)
        [(before,)] = cursor.fetchall()
        store.write(name, params)
        cursor.execute(counted)
        [(after,)] = cursor.fetchall()
    return int(after) - int(before)


@pytest.mark.parametrize(
    "statement",
    ["complete_and_claim", "unclaim_tasks", "fail_task", "release_task", "reap_expired"],
)
def test_a_statement_finds_attempts_by_key_with_a_plan_made_while_there_were_none(
    stores: Broker, statement: str
) -> None:
    # A worker's plan can be made while the attempt table is empty (a new deployment, a
    # purge) and then kept for as long as its connection lives, while the table grows; the
    # re-planner only watches the task table. On an empty table a scan looks as cheap as the key.
    tasks = enqueue_many(TaskSpec(task="test_noop") for _ in range(2_000))
    Task.objects.update(status="processing", attempt=1, lease_expires_at=timezone.now())
    params = _params_for_every_statement([str(task.id) for task in tasks[:2]])
    # Committed, not rolled back: psycopg deallocates every prepared statement at a rollback.
    with mock.patch.object(store, "_replanner", store._Replanner()), transaction.atomic():
        with connection.cursor() as cursor:
            # The plan is made at the first run, on the empty table, and kept.
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        _attempts_read_by(statement, params)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_task_queue_attempt (task_id, number, worker_id, started_at,"
                " outcome) SELECT id, n, 'w0', now(), CASE WHEN n = 1 THEN 'running' ELSE"
                " 'error' END FROM django_task_queue_task, generate_series(1, 10) AS n"
            )
        read = _attempts_read_by(statement, params)

    # The two tasks' ten attempts each, read at most twice; a scan reads 2,000 or more.
    assert read <= 40


def test_a_recorded_success_keeps_its_redis_lease_only_until_the_next_claim(
    stores: Broker,
) -> None:
    enqueue("add_numbers", [1, 2])
    enqueue("add_numbers", [3, 4])
    [running] = claim_batch(stores, ["default"], "w1", 1) or []
    _, claimed = complete_and_claim(stores, [_completed(running, "3")], ["default"], "w1", 1)
    assert claimed
    # The first lease is still held: it is dropped with the next claim's round trip.
    assert stores.depths(["default"])["default"].processing == 2

    assert complete_and_claim(stores, [], ["default"], "w1", 1) == (set(), None)

    assert stores.depths(["default"])["default"].processing == 1


def test_leases_kept_for_later_are_dropped_before_a_worker_idles(stores: Broker) -> None:
    enqueue("add_numbers", [1, 2])
    enqueue("add_numbers", [3, 4])
    [running] = claim_batch(stores, ["default"], "w1", 1) or []
    complete_and_claim(stores, [_completed(running, "3")], ["default"], "w1", 1)

    stores.wait_for_work(["default"], 0.01)

    assert stores.depths(["default"])["default"].processing == 1


def test_a_stale_success_in_the_combined_statement_is_not_recorded(stores: Broker) -> None:
    task = enqueue("add_numbers", [1, 2])
    [stale] = claim_batch(stores, ["default"], "w1", 1) or []
    Task.objects.filter(pk=task.pk).update(attempt=stale.attempt + 1)  # a newer attempt

    recorded, claimed = complete_and_claim(stores, [_completed(stale, "3")], ["default"], "w1")

    assert (recorded, claimed) == (set(), None)
    assert Task.objects.get(pk=task.pk).status == "processing"


def test_pushes_still_work_after_redis_forgets_its_scripts(stores: Broker) -> None:
    stores.client.script_flush()

    stores.push_all({"default": [PushEntry("a-task", 5, 0)]}, to_ms(timezone.now()))

    assert stores.depths(["default"])["default"].ready == 1


def test_a_claim_with_leases_to_drop_survives_redis_forgetting_its_scripts(
    stores: Broker,
) -> None:
    enqueue("add_numbers", [1, 2])
    enqueue("add_numbers", [3, 4])
    [running] = claim_batch(stores, ["default"], "w1", 1) or []
    stores.ack_later([running.claim])
    stores.client.script_flush()

    assert claim_batch(stores, ["default"], "w1", 1)

    assert stores.depths(["default"])["default"].processing == 1


def test_preparing_the_hot_path_leaves_djangos_own_cursors_unprepared(stores: Broker) -> None:
    enqueue("add_numbers", [1, 2])
    claim_batch(stores, ["default"], "w1", 1)
    raw = connection.connection
    assert raw is not None

    assert raw.prepare_threshold is None
    prepared = store.read("waiting_batch", _waiting_params())
    assert prepared == store.read("waiting_batch", _waiting_params())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1


def _waiting_params() -> dict[str, object]:
    return {"after_seq": 0, "changed_before": timezone.now(), "limit": 10}


def _worker(
    *, claims_ahead: bool, average_ms: float, store: PostgresTaskStore | None = None
) -> Worker:
    """A burst worker as `run_worker` makes one, assuming its tasks take `average_ms`: batches of
    about 10 ms of task time, and claiming ahead (if asked) while tasks take 1-20 ms."""
    return Worker(
        WorkerOptions(queues=("default",), burst=True),
        "ahead-worker",
        WorkerDeps(broker=get_broker(), store=store or PostgresTaskStore()),
        tuning=Tuning(
            claim_ahead_max_task_ms=20.0 if claims_ahead else 0.0, assumed_task_ms=average_ms
        ),
    )


def _processing(broker: Broker) -> int:
    return broker.depths(["default"])["default"].processing


def test_a_worker_claiming_ahead_runs_every_task_once_and_leaves_no_lease(
    stores: Broker, marker_dir: Path
) -> None:
    tasks = [enqueue("test_record", [str(marker_dir), f"t{i}"]) for i in range(30)]
    worker = _worker(claims_ahead=True, average_ms=5.0)

    while worker.step(wait_s=0):
        pass
    # The queue looked empty, so the thread dropped the leases it kept without a next claim.
    wait_for(lambda: _processing(stores) == 0, timeout_s=5, what="the kept leases dropped")
    worker.close()

    assert sorted(markers.labels(marker_dir)) == sorted(f"t{i}" for i in range(30))
    statuses = set(Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list("status"))
    assert statuses == {("success",)}
    assert stores.depths(["default"])["default"] == QueueDepths(ready=0, delayed=0, processing=0)


def test_a_batch_claimed_ahead_is_given_back_when_a_better_task_arrives(
    stores: Broker, marker_dir: Path
) -> None:
    enqueue("test_record", [str(marker_dir), "low-1"], priority="low")
    enqueue("test_record", [str(marker_dir), "low-2"], priority="low")
    worker = _worker(claims_ahead=True, average_ms=15.0)  # batches of one task

    assert worker.step(wait_s=0)  # runs low-1 while low-2 is claimed ahead
    enqueue("test_record", [str(marker_dir), "high"], priority="high")
    while worker.step(wait_s=0):
        pass
    worker.close()

    assert markers.labels(marker_dir) == ["low-1", "high", "low-2"]
    low_2 = Task.objects.get(args__1="low-2")
    # Given back unstarted: its claim was undone, so it ran as attempt 1.
    assert (low_2.status, low_2.attempt) == ("success", 1)


def test_stopping_gives_back_the_batch_claimed_ahead(stores: Broker, marker_dir: Path) -> None:
    enqueue("test_record", [str(marker_dir), "first"])
    second = enqueue("test_record", [str(marker_dir), "second"])
    worker = _worker(claims_ahead=True, average_ms=15.0)  # batches of one task

    assert worker.step(wait_s=0)
    # Claimed ahead and held: the lease keeper renews it.
    wait_for(lambda: [task.id for task in worker.held.leased()] == [second.id], timeout_s=5)
    worker.stop()
    worker.close()

    assert markers.labels(marker_dir) == ["first"]
    stored = Task.objects.get(pk=second.pk)
    assert (stored.status, stored.attempt) == ("pending", 0)
    assert stores.depths(["default"])["default"] == QueueDepths(ready=1, delayed=0, processing=0)


def _durability() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def test_a_workers_claims_and_outcomes_commit_without_waiting_for_the_wal_flush(
    stores: Broker,
) -> None:
    for i in range(5):
        enqueue("add_numbers", [i, 1], retry_delay=60)
    claimed = claim_batch(stores, ["default"], "w1", 4)
    assert claimed is not None
    assert len(claimed) == 4
    first, second, third, fourth = claimed
    failure = Failure(AttemptOutcome.ERROR, "ValueError", "boom", "")
    verbs: list[Callable[[], object]] = [
        lambda: claim_batch(stores, ["default"], "w1", 1),
        lambda: complete_many(stores, [_completed(first, "2")]),
        lambda: fail(stores, second, failure, 1.0),
        lambda: release(stores, third, "stopping", 1.0),
        lambda: unclaim(stores, [fourth]),
    ]

    for verb in verbs:
        with transaction.atomic():
            verb()
            # then this transaction alone commits without waiting
            assert _durability() == "off"
        assert _durability() == "on"
    assert sorted(Task.objects.values_list("status", flat=True)) == [
        "pending", "pending", "processing", "retry", "success"
    ]  # fmt: skip


class _ClaimFailsOnce(PostgresTaskStore):
    """The real task store, whose next claim fails as if PostgreSQL were down, once asked to."""

    def __init__(self) -> None:
        self.fail_next_claim = False

    def complete_and_claim(
        self,
        broker: Broker,
        done: Sequence[Completed],
        queue_names: Sequence[str],
        worker_id: str,
        count: int,
    ) -> tuple[set[uuid.UUID], list[ClaimedTask] | None]:
        if self.fail_next_claim:
            self.fail_next_claim = False
            raise StoreUnavailableError("PostgreSQL is unreachable")
        return super().complete_and_claim(broker, done, queue_names, worker_id, count)


def test_successes_kept_through_a_failed_claim_are_recorded_by_the_next(
    stores: Broker, marker_dir: Path
) -> None:
    first = enqueue("test_record", [str(marker_dir), "first"])
    enqueue("test_record", [str(marker_dir), "second"])
    store = _ClaimFailsOnce()
    worker = _worker(claims_ahead=False, average_ms=15.0, store=store)  # batches of one task
    assert worker.step(wait_s=0)  # runs "first"; its success rides on the next claim

    store.fail_next_claim = True
    with pytest.raises(StoreUnavailableError):
        worker.step(wait_s=0)
    while worker.step(wait_s=0):
        pass

    stored = Task.objects.get(pk=first.pk)
    assert (stored.status, stored.attempt) == ("success", 1)
    assert markers.labels(marker_dir) == ["first", "second"]


class _FailureFailsOnce(PostgresTaskStore):
    """The real task store, whose first recording of a failure fails as if PostgreSQL were
    down."""

    def __init__(self) -> None:
        self.failed_once = False

    def fail(
        self, broker: Broker, task: ClaimedTask, failure: Failure, duration_ms: float
    ) -> TaskStatus | None:
        if not self.failed_once:
            self.failed_once = True
            raise StoreUnavailableError("PostgreSQL is unreachable")
        return super().fail(broker, task, failure, duration_ms)


def test_an_outage_mid_batch_leaves_no_task_held_the_outcome_is_recorded_and_the_rest_run(
    stores: Broker,
) -> None:
    # given a batch of three whose first task fails, and PostgreSQL down as that is recorded
    bad = enqueue("test_misbehaves", ["sys_exit"])
    good = [enqueue("add_numbers", [i, 1]) for i in range(2)]
    worker = _worker(claims_ahead=False, average_ms=1.0, store=_FailureFailsOnce())
    with pytest.raises(StoreUnavailableError):
        worker.step(wait_s=0)

    # when the stores answer again
    while worker.step(wait_s=0):
        pass

    # then the failure is recorded, the two never started were given back and ran, and no
    # task is left `processing` (its lease would have been renewed for the worker's life)
    assert Task.objects.get(pk=bad.pk).status == "failed"
    assert [Task.objects.get(pk=task.pk).result for task in good] == [1, 2]
    assert not Task.objects.filter(status="processing").exists()
    assert _processing(stores) == 0


def _terminate_sessions() -> None:
    """End this test database's sessions (this thread's included) from another connection, as
    a PostgreSQL restart or a pooler's idle timeout would; waits until they are gone."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        other.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        other.close()


def test_the_hot_path_connects_again_once_postgresql_has_closed_its_connection(
    stores: Broker,
) -> None:
    store.read("task_table_bytes", {})  # connected
    _terminate_sessions()

    with pytest.raises(StoreUnavailableError):
        store.read("task_table_bytes", {})  # the call that finds it gone fails
    # Every later call failed too, "the connection is lost", for the life of the process.
    task = enqueue("add_numbers", [1, 2])
    drain()

    assert Task.objects.get(pk=task.pk).status == "success"

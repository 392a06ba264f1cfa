"""The worker registry: reading it writes nothing; the reconciler loop forgets expired workers."""

from __future__ import annotations

from django.utils import timezone

from django_task_queue.broker.client import Broker, RunningRecord, WorkerRecord
from django_task_queue.timeutil import to_ms
from django_task_queue.worker.maintenance import Maintenance
from tests.support.maintenance import run_only


def record(broker: Broker, worker_id: str) -> None:
    now_ms = to_ms(timezone.now())
    broker.record_worker(
        WorkerRecord(
            worker_id=worker_id,
            hostname="here",
            pid=1,
            queues=["default"],
            state="idle",
            current_task_id=None,
            started_at_ms=now_ms,
            last_seen_ms=now_ms,
            tasks_done=0,
        ),
        ttl_s=30,
    )


def indexed(broker: Broker) -> set[str]:
    return {str(worker_id) for worker_id in broker.client.zrange(broker.keys.workers, 0, -1)}


def test_a_worker_whose_record_expired_is_skipped_by_reads_and_forgotten_by_the_reconciler(
    stores: Broker,
) -> None:
    # given a live worker, and one whose record expired (its heartbeats stopped)
    record(stores, "alive")
    record(stores, "dead")
    stores.client.delete(stores.keys.worker("dead"))

    # when the registry is read, only the live worker is listed, and the index is left as it was
    assert [worker.worker_id for worker in stores.workers()] == ["alive"]
    assert indexed(stores) == {"alive", "dead"}

    # then the reconciler loop's turn drops the expired worker from the index
    run_only(Maintenance(), "reconciler")
    assert indexed(stores) == {"alive"}


def test_a_worker_record_keeps_its_slots_and_the_tasks_running_in_them(broker: Broker) -> None:
    # given a worker with four slots, two of them running a task
    now_ms = to_ms(timezone.now())
    running = (
        RunningRecord("task-a", "add_numbers", "default", 1, 0, now_ms - 2000),
        RunningRecord("task-b", "slow_task", "reports", 3, 2, now_ms - 500),
    )
    written = WorkerRecord(
        "w-4", "here", 7, ["default", "reports"], "busy", "task-a", now_ms, now_ms, 12,
        concurrency=4, running=running,
    )  # fmt: skip

    # when it is recorded and the registry is read back
    broker.record_worker(written, ttl_s=30)
    (read,) = broker.workers()

    # then every field comes back as it was written
    assert read == written


def test_a_record_from_before_concurrency_reads_as_one_slot_with_no_running_list(
    broker: Broker,
) -> None:
    # given a registry hash as an older version wrote it: no `concurrency`, no `running`
    now_ms = to_ms(timezone.now())
    broker.client.hset(
        broker.keys.worker("old"),
        mapping={
            "worker_id": "old", "hostname": "here", "pid": 3, "queues": "default",
            "state": "busy", "current_task_id": "task-x", "started_at_ms": now_ms,
            "last_seen_ms": now_ms, "tasks_done": 5,
        },
    )  # fmt: skip
    broker.client.zadd(broker.keys.workers, {"old": now_ms})

    # when the registry is read
    (read,) = broker.workers()

    # then the new fields take their defaults and the current task is kept
    assert read.concurrency == 1
    assert read.running == ()
    assert read.current_task_id == "task-x"
    assert read.tasks_done == 5

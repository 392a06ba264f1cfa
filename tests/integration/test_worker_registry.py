"""The worker registry: reading it writes nothing; the reconciler loop forgets expired workers."""

from __future__ import annotations

from django.utils import timezone

from django_task_queue.broker.client import Broker, WorkerRecord
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

"""Recovery paths in-process: fencing, reaping expired leases, rebuilding a lost Redis index."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from unittest import mock

from django.utils import timezone
from pytest_django.fixtures import Settings

from django_task_queue.broker.client import Broker
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.models import Task
from django_task_queue.outcomes import ClaimedTask, Completed
from django_task_queue.services import enqueue, recovery
from django_task_queue.timeutil import to_ms
from django_task_queue.transitions import claim_batch, complete_many, reap_expired_leases
from django_task_queue.worker.deps import PostgresTaskStore, WorkerDeps
from tests.conftest import TEST_PREFIX
from tests.support.drain import drain, work_until


def _claim(broker: Broker, worker_id: str) -> ClaimedTask:
    claimed = claim_batch(broker, ["default"], worker_id, 1)
    assert claimed
    return claimed[0]


def _completed(task: ClaimedTask, result_json: str) -> Completed:
    return Completed(task, result_json, duration_ms=1, finished_at=timezone.now())


def _expire_lease(task_id: uuid.UUID) -> None:
    Task.objects.filter(pk=task_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def _flush_our_keys(broker: Broker) -> None:
    keys = list(broker.client.scan_iter(match=f"{TEST_PREFIX}:*"))
    broker.client.delete(*keys)


class _CountingGiveBacks(PostgresTaskStore):
    """The real task store, counting the tasks of each call that gives claimed tasks back."""

    def __init__(self) -> None:
        self.given_back: list[int] = []

    def unclaim(self, broker: Broker, tasks: Sequence[ClaimedTask]) -> None:
        self.given_back.append(len(tasks))
        super().unclaim(broker, tasks)


def test_an_expired_lease_makes_the_task_run_again(stores: Broker) -> None:
    task = enqueue("add_numbers", [1, 2])
    _claim(stores, "doomed-worker")
    _expire_lease(task.id)

    assert reap_expired_leases(stores) == 1
    drain()

    stored = Task.objects.get(pk=task.pk)
    assert (stored.status, stored.attempt) == ("success", 2)
    assert [a.outcome for a in stored.attempts.order_by("number")] == ["lost", "success"]


def test_a_stale_worker_cannot_overwrite_the_newer_attempt(stores: Broker) -> None:
    task = enqueue("add_numbers", [1, 2])
    stale = _claim(stores, "stale-worker")
    _expire_lease(task.id)
    reap_expired_leases(stores)
    fresh = _claim(stores, "fresh-worker")

    stale_applied = complete_many(stores, [_completed(stale, "999")])

    assert not stale_applied
    stored = Task.objects.get(pk=task.pk)
    assert (stored.status, stored.attempt, stored.worker_id) == ("processing", 2, "fresh-worker")
    # The stale ack did not remove the fresh lease.
    assert stores.depths(["default"])["default"].processing == 1
    assert complete_many(stores, [_completed(fresh, "3")]) == {fresh.id}
    assert Task.objects.get(pk=task.pk).result == 3
    assert stores.depths(["default"])["default"].processing == 0


def test_a_task_lost_too_often_is_failed_as_a_poison_pill(
    stores: Broker, settings: Settings
) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "MAX_LOST_ATTEMPTS": 2}
    task = enqueue("add_numbers", [1, 2], max_retries=0)
    for worker_id in ("w1", "w2"):
        _claim(stores, worker_id)
        _expire_lease(task.id)
        reap_expired_leases(stores)

    stored = Task.objects.get(pk=task.pk)
    assert stored.status == "failed"
    assert "Lost 2 times" in (stored.error_message or "")


def test_tasks_lost_together_run_alone_next_so_one_culprit_cannot_fail_the_others(
    stores: Broker, settings: Settings
) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "MAX_LOST_ATTEMPTS": 2}
    tasks = [enqueue("test_count_running") for _ in range(10)]
    claim_batch(stores, ["default"], "dying-worker", 10)  # claimed together, then it died
    for task in tasks:
        _expire_lease(task.id)
    reap_expired_leases(stores)
    store = _CountingGiveBacks()

    drain(deps=WorkerDeps(broker=stores, store=store))

    stored = [Task.objects.get(pk=task.pk) for task in tasks]
    assert [row.status for row in stored] == ["success"] * 10
    # Each ran with no other task claimed: had the culprit been among them, it alone would
    # have been lost again.
    assert [row.result for row in stored] == [1] * 10
    assert [[a.outcome for a in row.attempts.order_by("number")] for row in stored] == [
        ["lost", "success"]
    ] * 10
    # After the first, the worker claimed them one at a time instead of giving most back.
    assert sum(store.given_back) == 9


def test_every_waiting_task_runs_once_after_redis_loses_its_data(stores: Broker) -> None:
    retrying = enqueue("failing_task", [], max_retries=1, retry_delay=0.2)
    drain()
    due = [enqueue("add_numbers", [i, i]) for i in range(20)]
    scheduled = enqueue("add_numbers", [5, 5], countdown=0.3)
    running = enqueue("add_numbers", [7, 7])
    _claim(stores, "crashing-worker")  # takes the first due task
    _flush_our_keys(stores)
    Task.objects.filter(pk__in=[t.id for t in due[:1]]).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    everything = [*due, retrying, scheduled, running]
    work_until(
        lambda: Task.objects.filter(status__in=["success", "failed"]).count() == len(everything)
    )

    for task in everything:
        stored = Task.objects.get(pk=task.pk)
        expected = "failed" if task.id == retrying.id else "success"
        assert stored.status == expected, task.task_name
    assert Task.objects.get(pk=retrying.pk).attempts.count() == 2
    # No task ran more often than its failures and the lost attempt explain.
    assert Task.objects.get(pk=due[0].pk).attempts.count() == 2
    assert all(Task.objects.get(pk=t.pk).attempts.count() == 1 for t in due[1:])


def test_a_task_committed_while_redis_was_down_is_dispatched_by_the_reconciler(
    stores: Broker,
) -> None:
    with mock.patch.object(Broker, "push_all", side_effect=BrokerUnavailableError("down")):
        task = enqueue("add_numbers", [2, 3])
    assert stores.depths(["default"])["default"].ready == 0

    pushed = recovery.reconcile(stores, grace_s=0)
    drain()

    assert pushed == 1
    assert Task.objects.get(pk=task.pk).result == 5


def test_the_reconciler_leaves_present_tasks_alone(stores: Broker) -> None:
    enqueue("add_numbers", [1, 2])
    enqueue("add_numbers", [1, 2], countdown=60)

    assert recovery.reconcile(stores, grace_s=0) == 0


def test_the_reconciler_skips_a_task_popped_but_not_yet_claimed(stores: Broker) -> None:
    enqueue("add_numbers", [1, 2])
    # A worker popped it from Redis and is about to claim it in PostgreSQL.
    claim = stores.claim(["default"], "token", to_ms(timezone.now()), 10_000)
    assert claim is not None

    assert recovery.reconcile(stores, grace_s=0) == 0


def test_promotion_moves_due_tasks_in_priority_order(stores: Broker) -> None:
    low = enqueue("add_numbers", [1, 1], priority="low", countdown=0.05)
    high = enqueue("add_numbers", [2, 2], priority="high", countdown=0.1)

    work_until(lambda: Task.objects.filter(status="success").count() == 2)

    assert Task.objects.get(pk=low.pk).started_at is not None
    assert Task.objects.get(pk=high.pk).started_at is not None
    assert stores.depths(["default"])["default"].delayed == 0

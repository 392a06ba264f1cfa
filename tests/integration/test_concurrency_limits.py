"""Concurrency and rate limits in-process: the claim script starts no more of a group than its
limit, and no sooner than its rate."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from django_task_queue.broker.client import Broker
from django_task_queue.exceptions import TaskValidationError
from django_task_queue.models import Task
from django_task_queue.monitoring.tasks import waiting_reason
from django_task_queue.outcomes import ClaimedTask, Completed
from django_task_queue.services import TaskSpec, enqueue, enqueue_many, recovery
from django_task_queue.task_registry import task_registry
from django_task_queue.transitions import claim_batch, complete_many
from tests.conftest import TEST_PREFIX


def _claimed_labels(broker: Broker, count: int) -> list[str]:
    return [task.args[1] for task in claim_batch(broker, ["default"], "w", count) or []]


def _done(broker: Broker, tasks: list[ClaimedTask]) -> None:
    complete_many(
        broker, [Completed(t, "null", duration_ms=1, finished_at=timezone.now()) for t in tasks]
    )


def test_a_claim_starts_no_more_than_the_limit_and_takes_the_next_best_instead(
    stores: Broker,
) -> None:
    for i in range(3):
        enqueue("test_limited_per_tenant", ["acme", f"a{i}"], priority=10)
    enqueue("test_limited_per_tenant", ["globex", "g0"])

    claimed = claim_batch(stores, ["default"], "w", 10) or []

    assert [task.args[1] for task in claimed] == ["a0", "a1", "g0"]
    assert stores.ready_ids("default", 10) == [str(Task.objects.get(args=["acme", "a2"]).id)]


def test_a_finished_task_frees_its_concurrency_slot_for_the_next_of_its_group(
    stores: Broker,
) -> None:
    for i in range(3):
        enqueue("test_limited_per_tenant", ["acme", f"a{i}"])
    first = claim_batch(stores, ["default"], "w", 10) or []
    assert claim_batch(stores, ["default"], "w", 10) is None  # nothing can start

    _done(stores, first[:1])

    assert _claimed_labels(stores, 10) == ["a2"]


def test_a_concurrency_slot_whose_lease_ran_out_is_free_again(stores: Broker) -> None:
    for i in range(3):
        enqueue("test_limited_per_tenant", ["acme", f"a{i}"])
    held = claim_batch(stores, ["default"], "w", 10) or []

    # The worker holding it died: nobody renews its lease.
    stores.client.zadd(stores.keys.queue("default").leases, {str(held[0].id): 1})

    assert _claimed_labels(stores, 10) == ["a2"]


def test_a_waiting_task_says_which_limit_holds_it(stores: Broker) -> None:
    for i in range(3):
        enqueue("test_limited_per_tenant", ["acme", f"a{i}"])
    claim_batch(stores, ["default"], "w", 10)

    waiting = Task.objects.get(args=["acme", "a2"])

    assert waiting_reason(waiting) == (
        "waiting: concurrency limit 2 of test_limited_per_tenant for acme reached"
    )


def test_the_rebuild_after_a_redis_flush_puts_tasks_back_under_their_limits(
    stores: Broker,
) -> None:
    for i in range(3):
        enqueue("test_limited_per_tenant", ["acme", f"a{i}"])
    stores.client.delete(*stores.client.scan_iter(match=f"{TEST_PREFIX}:*"))

    recovery.reconcile(stores, grace_s=0)

    assert len(claim_batch(stores, ["default"], "w", 10) or []) == 2


def test_a_queue_without_limited_tasks_claims_as_before(stores: Broker) -> None:
    tasks = [enqueue("add_numbers", [i, i]) for i in range(3)]

    claimed = claim_batch(stores, ["default"], "w", 10) or []

    assert [t.id for t in claimed] == [t.id for t in tasks]
    assert not stores.client.exists(stores.keys.queue("default").limit_of)


def test_a_rate_limit_spaces_the_starts_of_its_tasks_evenly(stores: Broker) -> None:
    tasks = [enqueue("test_rate_limited", ["/nowhere", f"r{i}"]) for i in range(3)]

    first = claim_batch(stores, ["default"], "w", 10) or []
    too_soon = claim_batch(stores, ["default"], "w", 10)
    wait_ms = (stores.rate_wait_until_ms or 0) - time.time() * 1000
    reason = waiting_reason(Task.objects.get(pk=tasks[1].pk))
    time.sleep(0.25)  # one interval of "5/s" (200 ms): the rate is what is tested here
    later = claim_batch(stores, ["default"], "w", 10) or []

    assert [t.id for t in first] == [tasks[0].id]
    assert too_soon is None
    assert 0 < wait_ms <= 200  # when the next start is due: what an idle worker waits for
    assert reason == "waiting: rate limit 5/s of test_rate_limited"
    assert [t.id for t in later] == [tasks[1].id]


def test_bad_limits_are_refused_at_enqueue_naming_the_field(stores: Broker) -> None:
    task_registry.register("test_bad_rate", rate_limit="fast")(_nothing)
    try:
        with pytest.raises(TaskValidationError) as raised:
            enqueue("test_bad_rate")
    finally:
        task_registry.unregister("test_bad_rate")

    assert raised.value.field == "rate_limit"
    assert Task.objects.count() == 0


def _nothing() -> None:
    """A task function registered by one test."""


def test_fair_share_takes_the_tenants_round_robin_however_many_each_enqueued(
    stores: Broker,
) -> None:
    enqueue_many([TaskSpec("test_fair_per_tenant", ["big", "", f"b{i}"]) for i in range(30)])
    enqueue_many([TaskSpec("test_fair_per_tenant", ["small", "", f"s{i}"]) for i in range(3)])
    enqueue("add_numbers", [1, 1], priority=10)  # a higher priority still goes first

    order = []
    while claimed := claim_batch(stores, ["default"], "w", 1):
        order += [task.args[2] if task.args[0] != 1 else "high" for task in claimed]

    assert order[0] == "high"
    assert order[1:8] == ["b0", "s0", "b1", "s1", "b2", "s2", "b3"]
    assert [label for label in order if label.startswith("b")] == [f"b{i}" for i in range(30)]


def test_a_task_that_frees_its_groups_slot_wakes_an_idle_worker_for_the_next(
    stores: Broker,
) -> None:
    for i in range(3):
        enqueue("test_limited_per_tenant", ["acme", f"a{i}"])
    running = claim_batch(stores, ["default"], "w", 10) or []
    assert claim_batch(stores, ["default"], "w", 10) is None  # the limit dropped the tokens

    _done(stores, running[:1])

    assert stores.client.llen(stores.keys.queue("default").notify) == 1

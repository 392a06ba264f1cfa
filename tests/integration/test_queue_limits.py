"""A queue's own limits (TASK_QUEUE["QUEUES"]) in-process: the pause keeper copies them to
Redis, and the claim script starts no more of the queue's tasks than its limit, no sooner than
its rate, whatever their task functions."""

from __future__ import annotations

import time

from pytest_django.fixtures import Settings

from django_task_queue.broker.client import Broker
from django_task_queue.flow_control.queue_limits import keep_queue_limits
from django_task_queue.models import Task
from django_task_queue.monitoring.tasks import waiting_reason
from django_task_queue.services import enqueue
from django_task_queue.transitions import claim_batch
from tests.integration.test_concurrency_limits import _done


def _limit(settings: Settings, **queues: dict[str, object]) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "QUEUES": queues}


def test_a_queue_with_concurrency_limit_2_starts_no_third_task_until_one_finishes(
    stores: Broker, settings: Settings
) -> None:
    _limit(settings, reports={"concurrency_limit": 2})
    keep_queue_limits(stores)
    tasks = [enqueue("add_numbers", [i, i], queue_name="reports") for i in range(4)]

    first = claim_batch(stores, ["reports"], "w1", 10) or []
    second = claim_batch(stores, ["reports"], "w2", 10)
    reason = waiting_reason(Task.objects.get(pk=tasks[2].pk))
    _done(stores, first[:1])
    third = claim_batch(stores, ["reports"], "w2", 10) or []

    assert [t.id for t in first] == [tasks[0].id, tasks[1].id]
    assert second is None
    assert reason == "waiting: concurrency limit 2 of queue reports reached"
    assert [t.id for t in third] == [tasks[2].id]


def test_a_queue_with_a_rate_limit_starts_one_task_per_interval(
    stores: Broker, settings: Settings
) -> None:
    _limit(settings, reports={"rate_limit": "5/s"})
    keep_queue_limits(stores)
    tasks = [enqueue("add_numbers", [i, i], queue_name="reports") for i in range(3)]

    first = claim_batch(stores, ["reports"], "w", 10) or []
    too_soon = claim_batch(stores, ["reports"], "w", 10)
    wait_ms = (stores.rate_wait_until_ms or 0) - time.time() * 1000
    reason = waiting_reason(Task.objects.get(pk=tasks[1].pk))
    time.sleep(0.25)  # one interval of "5/s" (200 ms): the rate is what is tested here
    later = claim_batch(stores, ["reports"], "w", 10) or []

    assert [t.id for t in first] == [tasks[0].id]
    assert too_soon is None
    assert 0 < wait_ms <= 200  # when the next start is due: what an idle worker waits for
    assert reason == "waiting: rate limit 5/s of queue reports"
    assert [t.id for t in later] == [tasks[1].id]


def test_other_queues_of_the_same_worker_are_not_held_back(
    stores: Broker, settings: Settings
) -> None:
    _limit(settings, reports={"concurrency_limit": 1})
    keep_queue_limits(stores)
    enqueue("add_numbers", [1, 1], queue_name="reports")
    enqueue("add_numbers", [2, 2], queue_name="reports")
    other = enqueue("add_numbers", [3, 3])

    claim_batch(stores, ["reports"], "w1", 10)
    claimed = claim_batch(stores, ["reports", "default"], "w2", 10) or []

    assert [t.id for t in claimed] == [other.id]


def test_the_keeper_follows_the_settings_when_a_limit_changes_or_goes(
    stores: Broker, settings: Settings
) -> None:
    _limit(settings, reports={"concurrency_limit": 1, "rate_limit": "10/m"})
    keep_queue_limits(stores)
    assert stores.queue_limits(["reports"]) == {"reports": (1, 6000.0)}

    _limit(settings, reports={"concurrency_limit": 3})
    keep_queue_limits(stores)
    assert stores.queue_limits(["reports"]) == {"reports": (3, 0.0)}

    _limit(settings)
    keep_queue_limits(stores)
    assert stores.queue_limits(["reports"]) == {}
    assert not stores.client.exists(stores.keys.queue("reports").queue_limits)


def test_the_limits_are_back_after_a_redis_flush_by_the_next_keeper_run(
    stores: Broker, settings: Settings
) -> None:
    _limit(settings, reports={"concurrency_limit": 1})
    keep_queue_limits(stores)
    stores.client.delete(stores.keys.queue("reports").queue_limits)

    keep_queue_limits(stores)

    assert stores.queue_limits(["reports"]) == {"reports": (1, 0.0)}


def test_a_task_that_finishes_under_a_full_limit_wakes_an_idle_worker_for_the_next(
    stores: Broker, settings: Settings
) -> None:
    _limit(settings, reports={"concurrency_limit": 1})
    keep_queue_limits(stores)
    for i in range(2):
        enqueue("add_numbers", [i, i], queue_name="reports")
    running = claim_batch(stores, ["reports"], "w1", 10) or []
    assert claim_batch(stores, ["reports"], "w2", 10) is None  # the limit dropped the tokens
    notify = stores.keys.queue("reports").notify
    assert stores.client.llen(notify) == 0

    _done(stores, running)

    assert stores.client.llen(notify) == 1
    assert stores.wait_for_work(["reports"], 0.1)

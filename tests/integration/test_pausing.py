"""Pausing a queue in-process: stored in PostgreSQL, mirrored in Redis, read by every claim."""

from __future__ import annotations

from django_task_queue import store
from django_task_queue.broker.client import Broker
from django_task_queue.flow_control.pausing import (
    keep_flags,
    pause_queue,
    paused_queues,
    resume_queue,
)
from django_task_queue.models import Task
from django_task_queue.monitoring.tasks import waiting_reason
from django_task_queue.services import enqueue
from django_task_queue.worker.maintenance import Maintenance
from tests.conftest import TEST_PREFIX
from tests.support.drain import drain


def _status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


def test_a_paused_queue_accepts_tasks_that_no_worker_starts_until_it_is_resumed(
    stores: Broker,
) -> None:
    assert pause_queue("default") is True
    task = enqueue("add_numbers", [1, 2])

    drain()

    assert _status(task) == "pending"
    assert stores.depths(["default"])["default"].ready == 1
    assert resume_queue("default") is True
    drain()
    assert _status(task) == "success"


def test_pausing_twice_keeps_the_first_pause_and_resuming_a_running_queue_says_so(
    stores: Broker,
) -> None:
    assert pause_queue("default") is True
    first = paused_queues()["default"]

    assert pause_queue("default") is False
    assert paused_queues()["default"] == first
    assert resume_queue("default") is True
    assert resume_queue("default") is False
    assert paused_queues() == {}


def test_a_worker_of_several_queues_runs_the_others_while_one_is_paused(stores: Broker) -> None:
    pause_queue("first")
    held = enqueue("add_numbers", [1, 2], queue_name="first")
    other = enqueue("add_numbers", [3, 4], queue_name="second")

    drain(queues=("first", "second"))

    assert _status(held) == "pending"
    assert _status(other) == "success"


def test_a_paused_earlier_queue_does_not_count_as_a_better_task(stores: Broker) -> None:
    pause_queue("first")
    enqueue("add_numbers", [1, 2], queue_name="first")

    assert stores.best_ready_score(["first", "second"], "second") == float("inf")
    resume_queue("first")
    assert stores.best_ready_score(["first", "second"], "second") == float("-inf")


def test_the_pause_survives_a_redis_flush(stores: Broker) -> None:
    pause_queue("default")
    stores.client.delete(*stores.client.scan_iter(match=f"{TEST_PREFIX}:*"))
    task = enqueue("add_numbers", [1, 2])

    Maintenance().run_all()  # the promoter finds the index gone and rebuilds it, pauses first
    drain()

    assert stores.paused_flags(["default"]) == {"default"}
    assert _status(task) == "pending"


def test_the_pause_keeper_sets_and_drops_the_flags_redis_missed(stores: Broker) -> None:
    # Rows written without their on-commit flag, as when Redis was down at the commit.
    store.write("pause_queue", {"queue_name": "missed", "now": "2026-01-01T00:00:00Z"})
    stores.pause("stale")
    stores.push("stale", [], 0)

    keep_flags(stores)

    assert stores.paused_flags(["missed", "stale"]) == {"missed"}


def test_a_task_of_a_paused_queue_says_why_it_waits(stores: Broker) -> None:
    task = enqueue("add_numbers", [1, 2], queue_name="reports")
    pause_queue("reports")

    assert waiting_reason(Task.objects.get(pk=task.pk)) == "waiting: queue reports is paused"

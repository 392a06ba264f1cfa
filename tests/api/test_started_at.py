"""A task's started_at, as the API shows it: when the code of its first attempt began."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from django_task_queue.transitions import claim_batch, release
from tests.api.conftest import body
from tests.support.drain import drain, work_until


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _started_at(item: dict[str, Any]) -> datetime:
    return _at(item["started_at"])


def test_tasks_sorted_by_started_at_read_in_priority_then_enqueue_order(
    api: APIClient, stores: Broker
) -> None:
    # Given 12 tasks of three priorities, enqueued interleaved before any worker runs
    plan = ["low", "normal", "high"] * 4
    labels = {
        str(enqueue("add_numbers", [i, 0], priority=p).id): f"{p}{i}" for i, p in enumerate(plan)
    }

    # When one worker runs them all (in batches: most of them are claimed together)
    drain()

    # Then sorted by started_at they read high, normal, low, and FIFO within each priority
    tasks = body(api.get("/api/tasks/", {"page_size": 50}))["data"]
    assert {task["status"] for task in tasks} == {"success"}
    by_start = [labels[task["id"]] for task in sorted(tasks, key=_started_at)]
    assert by_start == [
        "high2", "high5", "high8", "high11",
        "normal1", "normal4", "normal7", "normal10",
        "low0", "low3", "low6", "low9",
    ]  # fmt: skip


def test_started_at_is_the_first_attempts_start_after_a_retry(
    api: APIClient, stores: Broker
) -> None:
    # Given a task that fails at every attempt, with one retry at once
    task = enqueue("failing_task", max_retries=1, retry_delay=0)

    # When both attempts have run
    work_until(lambda: Task.objects.get(pk=task.id).status == "failed")

    # Then its started_at is the first attempt's start, which the attempt row records
    detail = body(api.get(f"/api/tasks/{task.id}/"))["data"]
    first, second = detail["attempts"]
    assert (first["outcome"], second["outcome"]) == ("error", "error")
    assert detail["started_at"] == first["started_at"]
    assert _started_at(detail) < _started_at(second)


def test_a_first_attempt_given_back_mid_run_keeps_its_real_start(
    api: APIClient, stores: Broker
) -> None:
    # Given a task whose first attempt has run for 250 ms when its worker is stopped at once
    enqueue("add_numbers", [1, 2])
    [claimed] = claim_batch(stores, ["default"], "w1", 1) or []

    # When the worker gives it back to the queue
    assert release(stores, claimed, "stopped", duration_ms=250.0)

    # Then its started_at is the start of that attempt, 250 ms before its end, not the claim
    detail = body(api.get(f"/api/tasks/{claimed.id}/"))["data"]
    [attempt] = detail["attempts"]
    assert (detail["status"], attempt["outcome"]) == ("pending", "interrupted")
    assert detail["started_at"] == attempt["started_at"]
    assert (_at(attempt["finished_at"]) - _started_at(detail)).total_seconds() == 0.25

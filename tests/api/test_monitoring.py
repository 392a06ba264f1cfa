"""GET /api/failures/, /api/workers/, /api/task-functions/ and /api/health/."""

from __future__ import annotations

import inspect
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker, RunningRecord
from django_task_queue.monitoring.task_functions import json_safe
from django_task_queue.timeutil import to_ms
from tests.api.conftest import body, start_worker
from tests.support.rows import MakeTask, add_attempt


def test_failures_group_failed_attempts_by_error_and_task(
    api: APIClient, make_task: MakeTask
) -> None:
    now = timezone.now()
    first = make_task(status="failed")
    second = make_task(status="failed")
    other = make_task(status="failed", task_name="slow_task", args=[])
    add_attempt(
        first,
        outcome="error",
        error_type="ValueError",
        error_message="bad",
        finished_at=now - timedelta(minutes=5),
    )
    add_attempt(
        second, outcome="error", error_type="ValueError", error_message="bad", finished_at=now
    )
    add_attempt(other, outcome="timeout", error_type="TimeoutError", error_message="slow")
    add_attempt(make_task(), outcome="success")
    add_attempt(make_task(), outcome="error", error_type="Old", finished_at=now - timedelta(days=3))

    response = api.get("/api/failures/")

    assert response.status_code == 200
    groups = body(response)["data"]
    assert [(g["error_type"], g["task_name"], g["count"]) for g in groups] == [
        ("ValueError", "add_numbers", 2),
        ("TimeoutError", "slow_task", 1),
    ]
    assert groups[0]["example_task_id"] == str(second.id)


@pytest.mark.django_db
def test_failures_reject_a_bad_window(api: APIClient) -> None:
    assert api.get("/api/failures/", {"minutes": "0"}).status_code == 400


def test_workers_lists_live_workers_with_their_heartbeat_age(
    api: APIClient, broker: Broker
) -> None:
    start_worker(broker, ["default", "reports"], state="busy")

    response = api.get("/api/workers/")

    assert response.status_code == 200
    (worker,) = body(response)["data"]
    assert worker["queues"] == ["default", "reports"]
    assert worker["state"] == "busy"
    assert 0 <= worker["heartbeat_age_s"] < 5
    assert set(worker) == {
        "worker_id", "hostname", "pid", "queues", "current_task_id", "started_at",
        "last_seen_at", "heartbeat_age_s", "tasks_done", "state", "concurrency", "busy",
        "running_tasks",
    }  # fmt: skip


def test_workers_show_the_slots_in_use_and_the_tasks_running_in_them(
    api: APIClient, broker: Broker
) -> None:
    # given a worker with four slots, running a task in slots 3 and 1
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    started_ms = to_ms(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    running = (
        RunningRecord(second, "slow_task", "reports", 2, 3, started_ms + 30_000),
        RunningRecord(first, "add_numbers", "default", 1, 1, started_ms),
    )
    start_worker(broker, ["default", "reports"], "busy", concurrency=4, running=running)

    # when the workers are listed
    response = api.get("/api/workers/")

    # then the worker shows 2 of its 4 slots busy, and its two tasks in slot order
    assert response.status_code == 200
    (worker,) = body(response)["data"]
    assert (worker["busy"], worker["concurrency"]) == (2, 4)
    assert worker["running_tasks"] == [
        {
            "task_id": first, "task_name": "add_numbers", "queue_name": "default", "attempt": 1,
            "slot": 1, "started_at": "2025-01-02T03:04:05Z",
        },
        {
            "task_id": second, "task_name": "slow_task", "queue_name": "reports", "attempt": 2,
            "slot": 3, "started_at": "2025-01-02T03:04:35Z",
        },
    ]  # fmt: skip


def test_an_idle_worker_has_no_slot_in_use(api: APIClient, broker: Broker) -> None:
    start_worker(broker, ["default"])

    (worker,) = body(api.get("/api/workers/"))["data"]

    assert (worker["busy"], worker["concurrency"], worker["running_tasks"]) == (0, 1, [])


def test_task_functions_describe_signature_parameters_and_defaults(api: APIClient) -> None:
    response = api.get("/api/task-functions/")

    assert response.status_code == 200
    functions = {f["name"]: f for f in body(response)["data"]}
    slow = functions["slow_task"]
    assert slow["signature"].startswith("(duration: float = 5")
    assert slow["parameters"][0] == {
        "name": "duration", "kind": "positional_or_keyword", "required": False, "default": 5,
    }  # fmt: skip
    add = functions["add_numbers"]
    assert add["parameters"][0]["required"] is True
    assert add["doc"] == "Add two numbers."
    assert functions["failing_task"]["defaults"] == {
        "priority_name": "normal", "priority": 0, "max_retries": 2, "retry_delay": 1.0,
        "retry_backoff": False, "timeout": 300.0, "queue_name": "default",
    }  # fmt: skip


def test_a_default_json_cannot_hold_is_shown_as_its_repr() -> None:
    def func(when: object = UTC, ratio: float = float("inf"), keys: object = (1, 2)) -> None: ...

    defaults = [json_safe(p.default) for p in inspect.signature(func).parameters.values()]

    assert defaults == [repr(UTC), "inf", "(1, 2)"]


@pytest.mark.django_db
def test_health_is_200_when_both_stores_answer(api: APIClient, broker: Broker) -> None:
    start_worker(broker, ["default"])

    response = api.get("/api/health/")

    assert response.status_code == 200
    assert body(response)["data"] == {
        "postgres": {"ok": True, "error": None},
        "redis": {"ok": True, "error": None},
        "workers_alive": 1,
    }

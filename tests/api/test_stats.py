"""GET /api/stats/: counts, per-queue PostgreSQL and Redis side by side, throughput, percentiles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import pytest_django.fixtures
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.monitoring import statistics as stats_module
from django_task_queue.services import enqueue
from tests.api.conftest import body, set_task_queue
from tests.support.rows import MakeTask, add_attempt

URL = "/api/stats/"


def stats(api: APIClient, **params: Any) -> dict[str, Any]:
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    data: dict[str, Any] = body(response)["data"]
    return data


def queue(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(q for q in data["queues"] if q["queue_name"] == name)


def test_counts_by_status_add_up_to_the_total(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    for status in ["pending", "pending", "failed", "success"]:
        make_task(status=status)

    data = stats(api)

    assert data["counts"] == {
        "pending": 2, "processing": 0, "success": 1, "failed": 1, "retry": 0, "cancelled": 0,
        "total": 4,
    }  # fmt: skip
    assert data["counts_are_estimates"] is False


def test_a_large_table_estimates_finished_statuses_and_counts_active_ones_exactly(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    # given a table whose statistics say three quarters of it succeeded
    for status in ["success", "success", "success", "pending"]:
        make_task(status=status)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE django_task_queue_task")

    # when PostgreSQL's estimate says the table holds a million rows
    with mock.patch.object(stats_module, "table_estimate", return_value=1_000_000):
        data = stats(api)

    # then success is the estimate, pending the exact count, and the answer says so
    assert data["counts"]["success"] == 750_000
    assert data["counts"]["pending"] == 1
    assert data["counts_are_estimates"] is True


def test_a_queue_shows_redis_depths_next_to_postgres_counts(api: APIClient, stores: Broker) -> None:
    enqueue("add_numbers", [1, 2])
    enqueue("add_numbers", [3, 4])
    enqueue("add_numbers", [5, 6], countdown=3600)

    default = queue(stats(api), "default")

    assert (default["pending"], default["scheduled"]) == (2, 1)
    assert (default["redis_ready"], default["redis_delayed"], default["redis_processing"]) == (
        2,
        1,
        0,
    )
    assert default["drift"] == 0
    assert default["oldest_waiting_age_s"] >= 0
    assert default["live_workers"] == 0


def test_a_queue_shows_its_own_limits(
    api: APIClient, stores: Broker, settings: pytest_django.fixtures.Settings
) -> None:
    set_task_queue(settings, QUEUES={"reports": {"concurrency_limit": 4}})
    enqueue("add_numbers", [1, 2], queue_name="reports")
    enqueue("add_numbers", [1, 2])

    data = stats(api)

    assert (queue(data, "reports")["concurrency_limit"], queue(data, "reports")["rate_limit"]) == (
        4,
        None,
    )
    assert queue(data, "default")["concurrency_limit"] is None


def test_drift_counts_due_tasks_redis_does_not_have(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    # rows written straight to PostgreSQL stand for pushes Redis lost
    make_task(queue_name="lost")
    make_task(queue_name="lost", status="retry")

    lost = queue(stats(api), "lost")

    assert (lost["pending"], lost["retry"], lost["redis_ready"], lost["drift"]) == (1, 1, 0, 2)


def test_throughput_has_one_zero_filled_entry_per_minute_oldest_first(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    now = timezone.now()
    make_task(status="success", completed_at=now)
    make_task(status="success", completed_at=now)
    make_task(status="failed", completed_at=now - timedelta(minutes=3))
    make_task(status="success", completed_at=now - timedelta(minutes=30))

    throughput = stats(api, minutes=10)["throughput"]

    assert len(throughput) == 10
    assert [entry["minute"] for entry in throughput] == sorted(e["minute"] for e in throughput)
    assert throughput[-1]["completed"] == 2
    assert throughput[-4]["failed"] == 1
    assert sum(e["completed"] for e in throughput) == 2


def test_wait_and_run_percentiles_come_from_first_attempts_in_the_window(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    now = timezone.now()
    for wait_s, priority in [(1, 50), (2, 50), (3, 0)]:
        task = make_task(
            status="success", priority=priority, created_at=now - timedelta(seconds=10)
        )
        add_attempt(task, started_at=now - timedelta(seconds=10 - wait_s), duration_ms=wait_s * 100)

    data = stats(api)

    assert data["wait_time_ms"]["p50"] == pytest.approx(2000, abs=1)
    assert data["run_time_ms"]["p50"] == pytest.approx(200)
    high = next(p for p in data["wait_by_priority"] if p["priority_name"] == "high")
    assert high["p50_ms"] == pytest.approx(1500, abs=1)
    assert [p["priority_name"] for p in data["wait_by_priority"]] == [
        "critical", "high", "normal", "low",
    ]  # fmt: skip


def test_wait_by_priority_counts_due_waiting_tasks_per_band(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    make_task(priority=100)
    make_task(priority=-60, status="retry")
    make_task(priority=-60, run_after=timezone.now() + timedelta(hours=1))

    waiting = {p["priority_name"]: p["waiting"] for p in stats(api)["wait_by_priority"]}

    assert waiting == {"critical": 1, "high": 0, "normal": 0, "low": 1}


@pytest.mark.django_db
def test_an_empty_system_has_null_percentiles(api: APIClient, broker: Broker) -> None:
    data = stats(api, minutes=1)

    assert data["wait_time_ms"] == {"p50": None, "p95": None}
    assert data["run_time_ms"] == {"p50": None, "p95": None}
    assert len(data["throughput"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", ["0", "1441", "an hour", "-5"])
def test_a_window_outside_one_to_1440_minutes_is_a_400(api: APIClient, minutes: str) -> None:
    response = api.get(URL, {"minutes": minutes})

    assert response.status_code == 400
    assert "minutes" in body(response)["errors"]

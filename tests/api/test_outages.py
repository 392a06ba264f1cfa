"""A store down: a 503 envelope where the answer needs it, else what PostgreSQL alone can tell."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from rest_framework.test import APIClient

from django_task_queue import services
from django_task_queue.exceptions import StoreUnavailableError
from django_task_queue.models import Task
from django_task_queue.monitoring import health
from tests.api.conftest import body
from tests.support.rows import MakeTask

pytestmark = pytest.mark.usefixtures("redis_down")


def test_stats_answer_from_postgres_with_redis_fields_null(
    api: APIClient, make_task: MakeTask
) -> None:
    make_task()

    response = api.get("/api/stats/")

    assert response.status_code == 200
    data = body(response)["data"]
    assert data["counts"]["pending"] == 1
    (default,) = data["queues"]
    assert default["pending"] == 1
    assert all(
        default[key] is None
        for key in ("redis_ready", "redis_delayed", "redis_processing", "drift", "live_workers")
    )


@pytest.mark.django_db
def test_health_is_503_naming_redis(api: APIClient) -> None:
    response = api.get("/api/health/")

    assert response.status_code == 503
    data = body(response)
    assert data["success"] is False
    assert data["data"]["postgres"] == {"ok": True, "error": None}
    assert data["data"]["redis"]["ok"] is False
    assert data["data"]["redis"]["error"]
    assert data["data"]["workers_alive"] is None


@pytest.mark.django_db
def test_health_is_503_naming_postgres_when_it_does_not_answer(api: APIClient) -> None:
    with mock.patch.object(health, "_postgres_error", return_value="connection refused"):
        response = api.get("/api/health/")

    assert response.status_code == 503
    assert body(response)["data"]["postgres"] == {"ok": False, "error": "connection refused"}


@pytest.mark.django_db
def test_workers_is_a_503_in_the_envelope(api: APIClient) -> None:
    response = api.get("/api/workers/")

    assert response.status_code == 503
    assert body(response) == {
        "success": False,
        "message": "Redis is unreachable; try again shortly.",
        "errors": {},
    }


def test_a_waiting_task_says_redis_is_unreachable(api: APIClient, make_task: MakeTask) -> None:
    task = make_task()

    response = api.get(f"/api/tasks/{task.id}/")

    assert response.status_code == 200
    assert "Redis is unreachable" in body(response)["data"]["waiting_reason"]


@pytest.mark.django_db(transaction=True)
def test_creating_still_succeeds_and_leaves_dispatch_to_the_reconciler(api: APIClient) -> None:
    response = api.post("/api/tasks/", {"task_name": "add_numbers", "args": [1, 2]}, format="json")

    assert response.status_code == 201
    assert Task.objects.filter(pk=body(response)["data"]["id"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("error", [StoreUnavailableError("down"), OperationalError("down")])
def test_postgres_down_while_creating_is_a_503(api: APIClient, error: Exception) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    with mock.patch.object(services, "enqueue_validated_reporting", fail):
        response = api.post(
            "/api/tasks/", {"task_name": "add_numbers", "args": [1, 2]}, format="json"
        )

    assert response.status_code == 503
    assert body(response)["message"] == "PostgreSQL is unreachable; try again shortly."

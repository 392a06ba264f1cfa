"""GET /api/tasks/{id}/: the task with its attempts and, while it waits, the reason why."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from tests.api.conftest import body, start_worker
from tests.support.rows import MakeTask, add_attempt


def detail(api: APIClient, task_id: uuid.UUID) -> dict[str, object]:
    response = api.get(f"/api/tasks/{task_id}/")
    assert response.status_code == 200, response.content
    data: dict[str, object] = body(response)["data"]
    return data


def test_detail_lists_attempts_oldest_first(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    task = make_task(status="success", attempt=2)
    add_attempt(task, 2, outcome="success")
    add_attempt(task, 1, outcome="error", error_type="ValueError", error_message="boom")

    data = detail(api, task.id)

    attempts = data["attempts"]
    assert isinstance(attempts, list)
    assert [a["number"] for a in attempts] == [1, 2]
    assert attempts[0]["error_type"] == "ValueError"
    assert data["waiting_reason"] is None


def test_a_task_scheduled_for_later_says_when(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    task = make_task(run_after=timezone.now() + timedelta(hours=1))

    reason = detail(api, task.id)["waiting_reason"]

    assert isinstance(reason, str)
    assert reason.startswith("scheduled for ")


def test_a_task_waiting_for_a_retry_says_when(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    task = make_task(status="retry", next_retry_at=timezone.now() + timedelta(minutes=1))

    reason = detail(api, task.id)["waiting_reason"]

    assert isinstance(reason, str)
    assert reason.startswith("waiting for retry at ")


def test_a_task_in_a_queue_no_live_worker_serves_says_so(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    start_worker(broker, ["other"])
    task = make_task(queue_name="reports")

    assert detail(api, task.id)["waiting_reason"] == "no live worker serves queue reports"


def test_a_stopping_worker_does_not_count_as_serving(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    start_worker(broker, ["default"], state="stopping")
    task = make_task()

    assert detail(api, task.id)["waiting_reason"] == "no live worker serves queue default"


def test_a_served_task_counts_the_tasks_ahead_of_it(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    # given a live worker, and ahead of our task: one of higher and one of equal priority
    start_worker(broker, ["default"])
    make_task(priority=50)
    make_task(priority=0)
    task = make_task(priority=0)
    # and not ahead: a lower priority, a later equal one, a scheduled one, another queue
    make_task(priority=-50)
    make_task(priority=0)
    make_task(priority=100, run_after=timezone.now() + timedelta(hours=1))
    make_task(priority=100, queue_name="other")

    reason = detail(api, task.id)["waiting_reason"]

    assert reason == "behind 2 task(s) of higher or equal priority in queue default"


def test_the_first_task_in_line_says_it_waits_for_a_free_worker(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    start_worker(broker, ["default"])
    task = make_task()

    reason = detail(api, task.id)["waiting_reason"]

    assert reason == "next in queue default; waiting for a free worker"


@pytest.mark.django_db
def test_an_unknown_id_is_a_404_in_the_envelope(api: APIClient) -> None:
    response = api.get(f"/api/tasks/{uuid.uuid4()}/")

    assert response.status_code == 404
    assert body(response) == {
        "success": False,
        "message": "No Task matches the given query.",
        "errors": {},
    }


@pytest.mark.django_db
def test_an_id_that_is_not_a_uuid_is_a_404_in_the_envelope(api: APIClient) -> None:
    response = api.get("/api/tasks/not-a-uuid/")

    assert response.status_code == 404
    assert body(response)["success"] is False


@pytest.mark.django_db
def test_a_path_without_its_trailing_slash_is_a_404_with_a_hint(api: APIClient) -> None:
    response = api.post("/api/tasks", {"task_name": "add_numbers"}, format="json")

    assert response.status_code == 404
    assert "/api/tasks/" in body(response)["message"]


@pytest.mark.django_db
def test_a_wrong_method_is_a_405_in_the_envelope(api: APIClient, make_task: MakeTask) -> None:
    task = make_task()

    response = api.delete(f"/api/tasks/{task.id}/")

    assert response.status_code == 405
    assert body(response)["success"] is False
    assert "DELETE" in body(response)["message"]

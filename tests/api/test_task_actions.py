"""POST /api/tasks/{id}/retry/ and /cancel/: the user verbs of the state machine; 409 if barred."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from tests.api.conftest import body
from tests.support.rows import MakeTask


def test_cancel_cancels_a_pending_task_and_drops_its_redis_entry(
    api: APIClient, stores: Broker
) -> None:
    task = enqueue("add_numbers", [1, 2])

    response = api.post(f"/api/tasks/{task.id}/cancel/")

    assert response.status_code == 200, response.content
    assert body(response)["data"]["status"] == "cancelled"
    assert Task.objects.get(pk=task.id).status == "cancelled"
    assert stores.ready_ids("default", 10) == []


def test_retry_makes_a_failed_task_pending_and_ready_again(
    api: APIClient, stores: Broker, make_task: MakeTask
) -> None:
    task = make_task(status="failed", retry_count=3, error_message="boom")

    response = api.post(f"/api/tasks/{task.id}/retry/")

    assert response.status_code == 200, response.content
    data = body(response)["data"]
    assert (data["status"], data["retry_count"], data["error_message"]) == ("pending", 0, None)
    assert stores.ready_ids("default", 10) == [str(task.id)]


@pytest.mark.parametrize("status", ["processing", "success", "failed", "cancelled"])
def test_cancelling_a_task_that_is_not_waiting_is_a_409(
    api: APIClient, make_task: MakeTask, status: str
) -> None:
    task = make_task(status=status)

    response = api.post(f"/api/tasks/{task.id}/cancel/")

    assert response.status_code == 409
    assert body(response)["success"] is False
    assert status in body(response)["message"]
    assert Task.objects.get(pk=task.id).status == status


@pytest.mark.parametrize("status", ["pending", "processing", "success", "retry"])
def test_retrying_a_task_that_has_not_failed_or_been_cancelled_is_a_409(
    api: APIClient, make_task: MakeTask, status: str
) -> None:
    task = make_task(status=status)

    response = api.post(f"/api/tasks/{task.id}/retry/")

    assert response.status_code == 409
    assert Task.objects.get(pk=task.id).status == status


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["retry", "cancel"])
def test_an_action_on_an_unknown_id_is_a_404(api: APIClient, action: str) -> None:
    response = api.post(f"/api/tasks/{uuid.uuid4()}/{action}/")

    assert response.status_code == 404
    assert body(response)["success"] is False


@pytest.mark.django_db
def test_get_on_an_action_is_a_405(api: APIClient, make_task: MakeTask) -> None:
    task = make_task()

    assert api.get(f"/api/tasks/{task.id}/cancel/").status_code == 405

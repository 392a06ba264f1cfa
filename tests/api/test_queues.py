"""GET /api/queues/, POST /api/queues/{name}/pause/ and /resume/."""

from __future__ import annotations

from django.contrib.auth.models import User
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.services import enqueue
from tests.api.conftest import body, set_task_queue


def test_pausing_a_queue_answers_its_state_and_flags_it_for_every_worker(
    api: APIClient, stores: Broker
) -> None:
    enqueue("add_numbers", [1, 2], queue_name="reports")

    response = api.post("/api/queues/reports/pause/")

    assert response.status_code == 200
    queue = body(response)["data"]
    assert queue["queue_name"] == "reports"
    assert queue["state"] == "paused"
    assert queue["paused_at"] is not None
    assert queue["ready"] == 1
    assert stores.paused_flags(["reports"]) == {"reports"}


def test_resuming_a_queue_answers_it_running_and_drops_the_flag(
    api: APIClient, stores: Broker
) -> None:
    api.post("/api/queues/reports/pause/")

    response = api.post("/api/queues/reports/resume/")

    assert response.status_code == 200
    assert body(response)["data"]["state"] == "running"
    assert body(response)["data"]["paused_at"] is None
    assert stores.paused_flags(["reports"]) == set()


def test_the_queue_list_names_every_queue_with_its_state_and_depth(
    api: APIClient, stores: Broker
) -> None:
    enqueue("add_numbers", [1, 2])
    enqueue("add_numbers", [1, 2], queue_name="reports", countdown=60)
    api.post("/api/queues/empty-but-paused/pause/")

    queues = {q["queue_name"]: q for q in body(api.get("/api/queues/"))["data"]}

    assert set(queues) == {"default", "reports", "empty-but-paused"}
    assert queues["default"]["state"] == "running"
    assert (queues["default"]["ready"], queues["default"]["delayed"]) == (1, 0)
    assert (queues["reports"]["ready"], queues["reports"]["delayed"]) == (0, 1)
    assert queues["empty-but-paused"]["state"] == "paused"


def test_a_bad_queue_name_is_refused_naming_the_field(api: APIClient, stores: Broker) -> None:
    response = api.post("/api/queues/no%20spaces/pause/")

    assert response.status_code == 400
    assert "queue_name" in body(response)["errors"]
    assert body(api.get("/api/queues/"))["data"] == []


def test_pausing_needs_the_write_permission(stores: Broker, settings: Settings) -> None:
    set_task_queue(settings, API_OPEN=False)
    reader = User.objects.create_user("reader", password="x")
    client = APIClient()
    client.force_authenticate(reader)

    assert client.get("/api/queues/").status_code == 200
    assert client.post("/api/queues/reports/pause/").status_code == 403


def test_the_queue_list_gives_each_queue_its_own_limits(
    api: APIClient, stores: Broker, settings: Settings
) -> None:
    set_task_queue(settings, QUEUES={"reports": {"concurrency_limit": 2, "rate_limit": "10/s"}})
    enqueue("add_numbers", [1, 2])

    queues = {q["queue_name"]: q for q in body(api.get("/api/queues/"))["data"]}

    assert (queues["reports"]["concurrency_limit"], queues["reports"]["rate_limit"]) == (2, "10/s")
    assert (queues["default"]["concurrency_limit"], queues["default"]["rate_limit"]) == (None, None)

"""POST /api/tasks/ and /api/tasks/bulk/ with unique keys: 200 and a flag for what existed."""

from __future__ import annotations

from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from tests.api.conftest import body


def _create(api: APIClient, **fields: object) -> tuple[int, dict[str, object]]:
    response = api.post("/api/tasks/", {"task_name": "add_numbers", **fields}, format="json")
    return response.status_code, body(response)


def test_a_held_key_answers_200_with_the_existing_task_and_the_flag(
    api: APIClient, stores: Broker
) -> None:
    created_status, created = _create(api, args=[1, 2], unique_key="invoice-42")

    again_status, again = _create(api, args=[3, 4], unique_key="invoice-42")

    assert (created_status, created["deduplicated"]) == (201, False)
    assert (again_status, again["deduplicated"]) == (200, True)
    assert again["data"] == created["data"]
    assert Task.objects.count() == 1


def test_the_detail_shows_the_key_and_the_statuses_that_hold_it(
    api: APIClient, stores: Broker
) -> None:
    _, created = _create(api, args=[1, 2], unique_key="k", unique_for=30)
    task_id = created["data"]["id"]  # type: ignore[index]  # the envelope's data is an object

    detail = body(api.get(f"/api/tasks/{task_id}/"))["data"]

    assert detail["unique_key"] == "k"
    assert detail["unique_while"] == ["pending", "retry", "processing"]


def test_a_bulk_says_which_positions_existed(api: APIClient, stores: Broker) -> None:
    _create(api, args=[0, 0], unique_key="k0")
    tasks = [
        {"task_name": "add_numbers", "args": [1, 1], "unique_key": "k0"},
        {"task_name": "add_numbers", "args": [2, 2]},
        {"task_name": "add_numbers", "args": [3, 3], "unique_key": "k1"},
        {"task_name": "add_numbers", "args": [4, 4], "unique_key": "k1"},
    ]

    response = api.post("/api/tasks/bulk/", {"tasks": tasks}, format="json")

    assert response.status_code == 201
    assert body(response)["deduplicated"] == [0, 3]
    assert Task.objects.count() == 3


def test_a_bulk_that_created_nothing_answers_200(api: APIClient, stores: Broker) -> None:
    _create(api, args=[0, 0], unique_key="k0")
    tasks = [{"task_name": "add_numbers", "args": [1, 1], "unique_key": "k0"}]

    response = api.post("/api/tasks/bulk/", {"tasks": tasks}, format="json")

    assert response.status_code == 200
    assert body(response)["deduplicated"] == [0]


def test_bad_unique_options_answer_400_naming_the_field(api: APIClient, stores: Broker) -> None:
    no_key_status, no_key = _create(api, args=[1, 2], unique_for=5)
    bad_status, bad = _create(api, args=[1, 2], unique_key="k", unique_while=["pending"])

    assert (no_key_status, list(no_key["errors"])) == (400, ["unique_key"])  # type: ignore[call-overload]  # errors is an object
    assert (bad_status, list(bad["errors"])) == (400, ["unique_while"])  # type: ignore[call-overload]  # errors is an object
    assert Task.objects.count() == 0

"""POST /api/tasks/bulk/: up to API_MAX_BULK tasks, all or nothing, errors keyed by position."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from tests.api.conftest import body, set_task_queue
from tests.api.test_create import count_argument_checks

URL = "/api/tasks/bulk/"


def add(a: int) -> dict[str, Any]:
    return {"task_name": "add_numbers", "args": [a, a]}


def test_bulk_creates_every_task_in_order(api: APIClient, stores: Broker) -> None:
    # given three valid tasks
    tasks = [add(1), add(2), {**add(3), "priority": "critical"}]

    # when they are posted together
    response = api.post(URL, {"tasks": tasks}, format="json")

    # then all are created, answered in the order given, and dispatched
    assert response.status_code == 201, response.content
    data = body(response)["data"]
    assert [task["args"] for task in data] == [[1, 1], [2, 2], [3, 3]]
    assert Task.objects.count() == 3
    assert stores.ready_ids("default", 10)[0] == data[2]["id"]


def test_each_posted_task_is_validated_once(
    api: APIClient, stores: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_argument_checks(monkeypatch)

    response = api.post(URL, {"tasks": [add(1), add(2), add(3)]}, format="json")

    assert response.status_code == 201
    assert checked == [[1, 1], [2, 2], [3, 3]]


@pytest.mark.django_db
def test_one_bad_task_rejects_the_whole_batch_keyed_by_its_position(api: APIClient) -> None:
    tasks = [add(1), add(2), add(3), {"task_name": "add_numbers", "args": "oops"}]

    response = api.post(URL, {"tasks": tasks}, format="json")

    assert response.status_code == 400
    errors = body(response)["errors"]
    assert list(errors) == ["tasks[3].args"]
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_service_level_errors_are_keyed_by_position_too(api: APIClient) -> None:
    tasks = [add(1), {"task_name": "add_numbers", "args": [1, 2, 3]}, {"task_name": "nope"}]

    response = api.post(URL, {"tasks": tasks}, format="json")

    assert response.status_code == 400
    assert set(body(response)["errors"]) == {"tasks[1].args", "tasks[2].task_name"}
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_more_tasks_than_the_limit_are_rejected(api: APIClient, settings: Settings) -> None:
    set_task_queue(settings, API_MAX_BULK=5)

    response = api.post(URL, {"tasks": [add(i) for i in range(6)]}, format="json")

    assert response.status_code == 400
    assert "tasks" in body(response)["errors"]
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_batch_is_rejected(api: APIClient) -> None:
    response = api.post(URL, {"tasks": []}, format="json")

    assert response.status_code == 400
    assert "tasks" in body(response)["errors"]


@pytest.mark.django_db
def test_tasks_that_is_not_a_list_is_rejected(api: APIClient) -> None:
    response = api.post(URL, {"tasks": add(1)}, format="json")

    assert response.status_code == 400
    assert "tasks" in body(response)["errors"]
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_an_item_that_is_not_an_object_is_rejected_by_position(api: APIClient) -> None:
    response = api.post(URL, {"tasks": [add(1), "add_numbers"]}, format="json")

    assert response.status_code == 400
    assert "tasks[1]" in body(response)["errors"]


@pytest.mark.django_db
def test_unknown_fields_beside_tasks_are_rejected(api: APIClient) -> None:
    response = api.post(URL, {"tasks": [add(1)], "atomic": False}, format="json")

    assert response.status_code == 400
    assert "atomic" in body(response)["errors"]
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_unknown_fields_inside_an_item_are_keyed_by_position(api: APIClient) -> None:
    response = api.post(URL, {"tasks": [add(1), {**add(2), "eta": 5}]}, format="json")

    assert response.status_code == 400
    assert "tasks[1].eta" in body(response)["errors"]

"""POST /api/tasks/: the seed's contract, and bad input that creates nothing and never a 500."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import validation
from tests.api.conftest import body

URL = "/api/tasks/"


def post(api: APIClient, payload: Any) -> Any:
    return api.post(URL, payload, format="json")


def count_argument_checks(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The arguments of every task the producer validates from now on, in order."""
    checked: list[Any] = []
    check_args = validation.check_args

    def counting(args: Any) -> list[Any]:
        checked.append(args)
        return check_args(args)

    monkeypatch.setattr(validation, "check_args", counting)
    return checked


def assert_rejected(response: Any, field: str, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content
    data = body(response)
    assert data["success"] is False
    assert field in data["errors"], data
    assert data["message"]
    assert Task.objects.count() == 0
    return data


def test_seed_payload_creates_a_pending_task_ready_in_redis(api: APIClient, stores: Broker) -> None:
    # given the seed's example payload
    payload = {"task_name": "add_numbers", "args": [10, 20], "priority": "high", "max_retries": 3}

    # when it is posted
    response = post(api, payload)

    # then the task is created, answered in the envelope, and dispatched to Redis
    assert response.status_code == 201
    data = body(response)
    assert data["success"] is True
    task = data["data"]
    assert task["task_name"] == "add_numbers"
    assert task["status"] == "pending"
    assert task["args"] == [10, 20]
    assert task["kwargs"] == {}
    assert task["priority"] == 50
    assert task["priority_name"] == "high"
    assert task["max_retries"] == 3
    assert task["queue_name"] == "default"
    assert Task.objects.filter(pk=task["id"]).exists()
    assert stores.ready_ids("default", 10) == [task["id"]]


def test_every_documented_option_is_stored(api: APIClient, stores: Broker) -> None:
    payload = {
        "task_name": "slow_task",
        "args": [],
        "kwargs": {"duration": 1, "message": "hi"},
        "priority": -20,
        "max_retries": 0,
        "retry_delay": 1.5,
        "timeout": 10,
        "queue_name": "reports",
    }

    response = post(api, payload)

    assert response.status_code == 201, response.content
    task = Task.objects.get(pk=body(response)["data"]["id"])
    assert (task.priority, task.max_retries, task.retry_delay, task.timeout, task.queue_name) == (
        -20, 0, 1.5, 10.0, "reports",
    )  # fmt: skip
    assert task.kwargs == {"duration": 1, "message": "hi"}


def test_omitted_options_take_the_task_functions_defaults(api: APIClient, stores: Broker) -> None:
    response = post(api, {"task_name": "failing_task"})

    data = body(response)["data"]
    assert (data["max_retries"], data["retry_delay"], data["priority_name"]) == (2, 1.0, "normal")


def test_a_posted_task_is_validated_once(
    api: APIClient, stores: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_argument_checks(monkeypatch)

    response = post(api, {"task_name": "add_numbers", "args": [1, 2]})

    assert response.status_code == 201
    assert checked == [[1, 2]]


def test_run_after_schedules_the_task_in_redis_delayed_set(api: APIClient, stores: Broker) -> None:
    later = timezone.now() + timedelta(hours=1)

    response = post(
        api, {"task_name": "add_numbers", "args": [1, 2], "run_after": later.isoformat()}
    )

    assert response.status_code == 201
    assert body(response)["data"]["run_after"] is not None
    assert stores.ready_ids("default", 10) == []
    assert stores.depths(["default"])["default"].delayed == 1


def test_countdown_sets_run_after_that_many_seconds_ahead(api: APIClient, stores: Broker) -> None:
    before = timezone.now()

    response = post(api, {"task_name": "add_numbers", "args": [1, 2], "countdown": 120})

    task = Task.objects.get(pk=body(response)["data"]["id"])
    assert task.run_after is not None
    assert timedelta(seconds=119) < task.run_after - before < timedelta(seconds=125)


@pytest.mark.django_db
def test_missing_task_name_is_rejected_naming_the_field(api: APIClient) -> None:
    assert_rejected(post(api, {"args": [1, 2]}), "task_name")


@pytest.mark.django_db
def test_unknown_task_name_is_rejected_naming_the_field(api: APIClient) -> None:
    data = assert_rejected(post(api, {"task_name": "no_such_task"}), "task_name")
    assert "no_such_task" in data["errors"]["task_name"][0]


@pytest.mark.django_db
def test_args_that_are_not_a_list_are_rejected(api: APIClient) -> None:
    assert_rejected(post(api, {"task_name": "add_numbers", "args": "1, 2"}), "args")


@pytest.mark.django_db
def test_kwargs_that_are_not_an_object_are_rejected(api: APIClient) -> None:
    assert_rejected(post(api, {"task_name": "add_numbers", "kwargs": [1, 2]}), "kwargs")


@pytest.mark.django_db
def test_arguments_that_do_not_bind_to_the_signature_are_rejected(api: APIClient) -> None:
    data = assert_rejected(post(api, {"task_name": "add_numbers", "args": [1, 2, 3]}), "args")
    assert "(a: float, b: float)" in data["errors"]["args"][0]


@pytest.mark.django_db
def test_an_unexpected_keyword_argument_is_rejected_naming_kwargs(api: APIClient) -> None:
    payload = {"task_name": "add_numbers", "args": [1, 2], "kwargs": {"c": 3}}

    assert_rejected(post(api, payload), "kwargs")


@pytest.mark.django_db
def test_unknown_priority_name_is_rejected(api: APIClient) -> None:
    assert_rejected(
        post(api, {"task_name": "add_numbers", "args": [1, 2], "priority": "urgent"}), "priority"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("priority", [101, -101, 1.5, True, None, [50]])
def test_priority_outside_the_scale_or_of_the_wrong_type_is_rejected(
    api: APIClient, priority: Any
) -> None:
    payload = {"task_name": "add_numbers", "args": [1, 2], "priority": priority}

    assert_rejected(post(api, payload), "priority")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_retries", -1),
        ("max_retries", 101),
        ("max_retries", 10**30),
        ("retry_delay", -0.5),
        ("retry_delay", 86_401),
        ("timeout", 0),
        ("timeout", 10**400),
        ("countdown", -1),
    ],
)
def test_negative_or_absurd_numbers_are_rejected_naming_the_field(
    api: APIClient, field: str, value: Any
) -> None:
    assert_rejected(post(api, {"task_name": "add_numbers", "args": [1, 2], field: value}), field)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("task_name", 5),
        ("max_retries", "3"),
        ("max_retries", True),
        ("max_retries", 2.5),
        ("retry_delay", "60"),
        ("timeout", False),
        ("queue_name", 7),
        ("run_after", "tomorrow"),
        ("run_after", 1700000000),
        ("args", None),
    ],
)
def test_values_of_the_wrong_type_are_rejected_naming_the_field(
    api: APIClient, field: str, value: Any
) -> None:
    payload = {"task_name": "add_numbers", "args": [1, 2], field: value}

    assert_rejected(post(api, payload), field)


@pytest.mark.django_db
def test_invalid_queue_name_is_rejected(api: APIClient) -> None:
    payload = {"task_name": "add_numbers", "args": [1, 2], "queue_name": "has space"}

    assert_rejected(post(api, payload), "queue_name")


@pytest.mark.django_db
def test_unknown_fields_are_rejected_each_named(api: APIClient) -> None:
    payload = {"task_name": "add_numbers", "args": [1, 2], "prority": "high", "eta": "soon"}

    data = assert_rejected(post(api, payload), "prority")
    assert "eta" in data["errors"]


@pytest.mark.django_db
def test_run_after_and_countdown_together_are_rejected(api: APIClient) -> None:
    payload = {
        "task_name": "add_numbers",
        "args": [1, 2],
        "run_after": timezone.now().isoformat(),
        "countdown": 5,
    }

    assert_rejected(post(api, payload), "run_after")


@pytest.mark.django_db
def test_a_body_that_is_a_list_is_rejected(api: APIClient) -> None:
    response = post(api, [{"task_name": "add_numbers"}])

    assert response.status_code == 400
    assert body(response)["success"] is False
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_nul_characters_in_arguments_are_rejected(api: APIClient) -> None:
    assert_rejected(post(api, {"task_name": "add_numbers", "args": ["a\x00", 2]}), "args")

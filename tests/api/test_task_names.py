"""A task name in a request never imports a module, and every wrong name is a 400 naming it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.exceptions import TaskValidationError
from django_task_queue.models import Task
from django_task_queue.services.producer import enqueue
from django_task_queue.task_registry import task_registry
from tests.api.conftest import body, set_task_queue
from tests.support import django_tasks  # a Django task module the project imported

PACKAGE = "tests.support.named_by_requests"
WRONG_NAMES = [
    "",
    ".",
    "...",
    "a..b",
    "add_numbers.",
    "1abc.def",
    "no_such_module.anything",
    "no.such.module.anything",
    f"{PACKAGE}.raises_on_import.anything",
    f"{PACKAGE}.side_effect.hidden",
    f"{PACKAGE}.allowed.triple",
    "django_task_queue.conf.get_settings",
    "os.system",
    "tests.support.django_tasks",
]


@pytest.fixture(autouse=True)
def forget_request_named_modules() -> Iterator[None]:
    """Each test starts with none of these modules imported, and leaves none behind."""

    def forget() -> None:
        for name in [m for m in sys.modules if m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]
        for task in list(task_registry):
            if task.name.startswith(f"{PACKAGE}."):
                task_registry.unregister(task.name)

    forget()
    yield
    forget()


@pytest.fixture
def import_marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    marker = tmp_path / "imported"
    monkeypatch.setenv("DTQ_IMPORTED_MARKER", str(marker))
    return marker


def assert_task_name_rejected(response: Any) -> None:
    assert response.status_code == 400, response.content
    data = body(response)
    assert data["success"] is False
    assert "task_name" in str(data["errors"]), data


@pytest.mark.parametrize("name", WRONG_NAMES)
def test_a_wrong_task_name_is_a_400_naming_the_field(
    api: APIClient, db: None, import_marker: Path, name: str
) -> None:
    response = api.post("/api/tasks/", {"task_name": name}, format="json")

    assert_task_name_rejected(response)
    assert Task.objects.count() == 0
    assert not import_marker.exists()


@pytest.mark.parametrize("name", WRONG_NAMES)
def test_a_wrong_task_name_in_a_bulk_request_is_a_400_naming_the_field(
    api: APIClient, db: None, import_marker: Path, name: str
) -> None:
    tasks = [{"task_name": "add_numbers", "args": [1, 2]}, {"task_name": name}]

    response = api.post("/api/tasks/bulk/", {"tasks": tasks}, format="json")

    assert_task_name_rejected(response)
    assert Task.objects.count() == 0
    assert not import_marker.exists()


@pytest.mark.parametrize("name", WRONG_NAMES)
def test_enqueue_refuses_a_wrong_task_name_with_a_validation_error(
    db: None, import_marker: Path, name: str
) -> None:
    with pytest.raises(TaskValidationError) as raised:
        enqueue(name)

    assert raised.value.field == "task_name"
    assert Task.objects.count() == 0
    assert not import_marker.exists()


def test_a_module_named_by_a_request_is_not_imported(
    api: APIClient, stores: Broker, import_marker: Path
) -> None:
    response = api.post(
        "/api/tasks/", {"task_name": f"{PACKAGE}.side_effect.hidden", "args": [1]}, format="json"
    )

    assert response.status_code == 400
    assert f"{PACKAGE}.side_effect" not in sys.modules
    assert not import_marker.exists()


def test_a_django_task_under_an_allowed_prefix_is_imported_and_enqueued(
    api: APIClient, stores: Broker, settings: Settings
) -> None:
    set_task_queue(settings, TASK_IMPORT_PREFIXES=[f"{PACKAGE}.allowed"])

    response = api.post(
        "/api/tasks/", {"task_name": f"{PACKAGE}.allowed.triple", "args": [2]}, format="json"
    )

    assert response.status_code == 201, response.content
    assert Task.objects.get().task_name == f"{PACKAGE}.allowed.triple"


def test_a_module_under_an_allowed_prefix_that_raises_on_import_is_a_400(
    api: APIClient, stores: Broker, settings: Settings
) -> None:
    set_task_queue(settings, TASK_IMPORT_PREFIXES=[PACKAGE])

    response = api.post(
        "/api/tasks/", {"task_name": f"{PACKAGE}.raises_on_import.anything"}, format="json"
    )

    assert_task_name_rejected(response)
    assert Task.objects.count() == 0


def test_a_prefix_allows_only_whole_module_names(
    api: APIClient, stores: Broker, settings: Settings, import_marker: Path
) -> None:
    set_task_queue(settings, TASK_IMPORT_PREFIXES=[f"{PACKAGE}.side"])

    response = api.post(
        "/api/tasks/", {"task_name": f"{PACKAGE}.side_effect.hidden", "args": [1]}, format="json"
    )

    assert_task_name_rejected(response)
    assert not import_marker.exists()


def test_a_django_task_already_imported_is_found_by_its_module_path(
    api: APIClient, stores: Broker
) -> None:
    response = api.post(
        "/api/tasks/", {"task_name": f"{django_tasks.__name__}.add", "args": [1, 2]}, format="json"
    )

    assert response.status_code == 201, response.content

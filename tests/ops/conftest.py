"""Fixtures of the operations tests: a logged-in admin client, task rows made directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from django_task_queue.broker.client import Broker
from django_task_queue.models import Attempt, Task

OPS_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # WhiteNoise warns once, when the first request builds the middleware, that STATIC_ROOT
    # (filled by collectstatic) is missing; it is irrelevant to these tests.
    ignore = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
    for item in items:
        if item.path.is_relative_to(OPS_TESTS):
            item.add_marker(ignore)


@pytest.fixture
def superuser_client(stores: Broker) -> Client:
    """A test client logged in as a superuser, over committed transactions."""
    user = User.objects.create_superuser("root-admin", "root@example.com", "pw-for-tests")
    client = Client()
    client.force_login(user)
    return client


MakeTask = Callable[..., Task]


@pytest.fixture
def make_task(stores: Broker) -> MakeTask:
    """Insert a task row as the worker would have left it (no Redis entry); times may be set."""

    def make(**fields: Any) -> Task:
        values: dict[str, Any] = {"task_name": "add_numbers", "args": [1, 2]}
        values.update(fields)
        created_at: datetime | None = values.pop("created_at", None)
        task = Task.objects.create(**values)
        if created_at is not None:
            # auto_now_add ignores a given value; set it afterwards.
            Task.objects.filter(pk=task.pk).update(created_at=created_at)
            task.refresh_from_db()
        return task

    return make


def add_attempt(task: Task, number: int = 1, **fields: Any) -> Attempt:
    now = timezone.now()
    values: dict[str, Any] = {
        "worker_id": "w1",
        "started_at": now,
        "finished_at": now,
        "outcome": "success",
        "duration_ms": 10.0,
    }
    values.update(fields)
    return Attempt.objects.create(task=task, number=number, **values)

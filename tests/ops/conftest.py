"""Fixtures of the operations tests: a logged-in admin client, task rows made directly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from django_task_queue.broker.client import Broker
from tests.support.rows import MakeTask, create_task

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


@pytest.fixture
def make_task(stores: Broker) -> MakeTask:
    """Insert a task row as the worker would have left it (no Redis entry); times may be set."""
    return create_task

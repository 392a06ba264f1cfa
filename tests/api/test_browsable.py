"""Requests a browser or a tool makes besides JSON calls: HTML, OPTIONS, HEAD; never a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from tests.support.rows import MakeTask

PATHS = [
    "/api/tasks/",
    "/api/tasks/bulk/",
    "/api/stats/",
    "/api/failures/",
    "/api/workers/",
    "/api/task-functions/",
    "/api/health/",
    "/api/auth/me/",
    "/api/auth/login/",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_browser_gets_the_browsable_page_of_every_endpoint(
    api: APIClient, make_task: MakeTask, broker: Broker, path: str
) -> None:
    make_task()

    response = api.get(path, HTTP_ACCEPT="text/html")

    assert response.status_code in {200, 405}
    assert response["Content-Type"].startswith("text/html")


def test_the_browsable_detail_page_renders(
    api: APIClient, make_task: MakeTask, broker: Broker
) -> None:
    task = make_task()

    response = api.get(f"/api/tasks/{task.id}/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_options_describes_every_endpoint(api: APIClient, path: str) -> None:
    assert api.options(path).status_code == 200


@pytest.mark.django_db
def test_head_of_the_list_answers_like_get(api: APIClient) -> None:
    assert api.head("/api/tasks/").status_code == 200

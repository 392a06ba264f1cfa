"""The OpenAPI schema is generated from the views, validates, and the docs page is served."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests.api.conftest import set_task_queue


def test_schema_endpoint_serves_an_openapi_3_document_of_every_endpoint(api: APIClient) -> None:
    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/tasks/", "/api/tasks/bulk/", "/api/tasks/{id}/", "/api/tasks/{id}/retry/",
        "/api/tasks/{id}/cancel/", "/api/stats/", "/api/failures/", "/api/workers/",
        "/api/task-functions/", "/api/health/", "/api/auth/me/", "/api/auth/login/",
        "/api/auth/logout/", "/api/queues/", "/api/queues/{name}/pause/",
        "/api/queues/{name}/resume/", "/api/schedules/", "/api/schedules/{name}/",
        "/api/schedules/{name}/pause/", "/api/schedules/{name}/resume/",
        "/api/schedules/{name}/run/", "/api/workflows/", "/api/workflows/{id}/",
        "/api/workflows/{id}/cancel/",
    }  # fmt: skip
    create = schema["paths"]["/api/tasks/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TaskCreate"
    }
    assert set(create["responses"]) >= {"201", "400", "413", "415"}


def test_the_schema_validates_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"

    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--urlconf=django_task_queue.api.schema_urls",
        f"--file={out}",
    )

    assert out.read_text().startswith("openapi: 3")


def test_schema_and_docs_are_served_even_when_the_api_is_closed(
    api: APIClient, settings: Settings
) -> None:
    set_task_queue(settings, API_OPEN=False)

    assert api.get("/api/schema/").status_code == 200
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


@pytest.mark.parametrize(
    "field", ["task_name", "priority", "max_retries", "run_after", "countdown"]
)
def test_the_create_body_documents_each_field(api: APIClient, field: str) -> None:
    schema = json.loads(api.get("/api/schema/", {"format": "json"}).content)

    assert field in schema["components"]["schemas"]["TaskCreate"]["properties"]

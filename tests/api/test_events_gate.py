"""GET /api/events/'s gate: a browser's EventSource (Accept: text/event-stream) gets in."""

from __future__ import annotations

from typing import Any

from pytest_django.fixtures import Settings
from rest_framework.test import APIRequestFactory

from django_task_queue.api.views.events import EventsGate
from tests.api.conftest import set_task_queue

EVENT_SOURCE = {"HTTP_ACCEPT": "text/event-stream"}


def _gate(path: str = "/api/events/", **headers: Any) -> Any:
    response = EventsGate.as_view()(APIRequestFactory().get(path, **headers))
    response.render()
    return response


def test_an_event_source_passes_the_gate_with_its_filters() -> None:
    response = _gate("/api/events/?queue=emails&status=failed", **EVENT_SOURCE)

    assert response.status_code == 200
    assert response.data["data"] == {"queue": "emails", "status": "failed"}


def test_an_event_source_is_refused_in_json_when_the_api_is_closed(
    settings: Settings, db: None
) -> None:
    set_task_queue(settings, API_OPEN=False)

    response = _gate(**EVENT_SOURCE)

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


def test_a_bad_filter_is_refused_in_json_to_an_event_source() -> None:
    response = _gate("/api/events/?status=nonsense", **EVENT_SOURCE)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")

"""GET /api/schedules/ and a schedule's detail; pause, resume and run now; tasks by schedule."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.models import Schedule, Task
from tests.api.conftest import body, set_task_queue

SUMS = {"task": "add_numbers", "args": [1, 2], "every": 30, "queue_name": "reports"}


@pytest.fixture(autouse=True)
def sums_schedule(settings: Settings) -> None:
    nightly = {
        "task": "random_task",
        "cron": "0 3 * * *",
        "timezone": "Europe/Paris",
        "skip_if_running": True,
    }
    set_task_queue(settings, SCHEDULES={"sums": SUMS, "nightly": nightly})


def schedule(api: APIClient, name: str) -> dict[str, Any]:
    response = api.get(f"/api/schedules/{name}/")
    assert response.status_code == 200, response.content
    data: dict[str, Any] = body(response)["data"]
    return data


@pytest.mark.django_db
def test_the_list_shows_every_defined_schedule_with_its_trigger_and_next_run(
    api: APIClient,
) -> None:
    response = api.get("/api/schedules/")

    assert response.status_code == 200
    by_name = {item["name"]: item for item in body(response)["data"]}
    assert set(by_name) == {"sums", "nightly"}
    assert by_name["sums"] | {"next_run_at": None} == {
        "name": "sums", "task_name": "add_numbers", "cron": None, "every_seconds": 30.0,
        "timezone": "UTC", "trigger": "every 30 s", "queue_name": "reports", "priority": 0,
        "catch_up": "latest", "skip_if_running": False, "enabled": True, "orphaned": False,
        "next_run_at": None, "last_run_at": None, "last_task_id": None, "last_task_status": None,
        "lag_seconds": None, "skipped_ticks": 0,
    }  # fmt: skip
    assert by_name["sums"]["next_run_at"] is not None
    assert by_name["nightly"]["trigger"] == "cron 0 3 * * * (Europe/Paris)"


@pytest.mark.django_db(transaction=True)
def test_run_now_enqueues_one_task_that_carries_the_schedule_and_shows_as_its_last_run(
    api: APIClient, stores: Broker
) -> None:
    response = api.post("/api/schedules/sums/run/")

    assert response.status_code == 201, response.content
    task = body(response)["data"]
    assert (task["task_name"], task["args"], task["queue_name"]) == (
        "add_numbers",
        [1, 2],
        "reports",
    )
    assert task["schedule_name"] == "sums"
    assert task["scheduled_for"] is not None
    assert task["id"] in stores.ready_ids("reports", 10)
    shown = schedule(api, "sums")
    assert (shown["last_task_id"], shown["last_task_status"]) == (task["id"], "pending")
    assert [run["task_id"] for run in shown["recent_runs"]] == [task["id"]]
    listed = body(api.get("/api/tasks/", {"schedule_name": "sums"}))["data"]
    assert [item["id"] for item in listed] == [task["id"]]
    assert body(api.get("/api/tasks/", {"schedule_name": "nightly"}))["data"] == []


@pytest.mark.django_db
def test_pause_and_resume_say_the_new_state(api: APIClient) -> None:
    paused = body(api.post("/api/schedules/sums/pause/"))["data"]

    assert (paused["enabled"], paused["next_run_at"]) == (False, None)
    assert Schedule.objects.get(name="sums").enabled is False
    resumed = body(api.post("/api/schedules/sums/resume/"))["data"]
    assert resumed["enabled"] is True
    assert resumed["next_run_at"] is not None


@pytest.mark.django_db
def test_a_schedule_gone_from_the_code_shows_as_orphaned_and_cannot_run(
    api: APIClient, settings: Settings
) -> None:
    api.post("/api/schedules/sums/pause/")  # writes its row
    set_task_queue(settings, SCHEDULES={})

    shown = schedule(api, "sums")
    response = api.post("/api/schedules/sums/run/")

    assert (shown["orphaned"], shown["next_run_at"]) == (True, None)
    assert response.status_code == 409
    assert "defined nowhere" in body(response)["message"]
    assert not Task.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "pause/", "resume/", "run/"])
def test_an_unknown_schedule_is_a_404_in_the_envelope(api: APIClient, action: str) -> None:
    call = api.get if not action else api.post

    response = call(f"/api/schedules/no-such-schedule/{action}")

    assert response.status_code == 404
    assert body(response) == {
        "success": False,
        "message": "No schedule has this name.",
        "errors": {},
    }


@pytest.mark.django_db
def test_schedules_need_credentials_when_the_api_is_closed(
    api: APIClient, settings: Settings
) -> None:
    set_task_queue(settings, API_OPEN=False)

    assert api.get("/api/schedules/").status_code in {401, 403}
    assert api.post("/api/schedules/sums/run/").status_code in {401, 403}
    assert not Task.objects.exists()

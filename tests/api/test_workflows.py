"""POST, GET /api/workflows/ and a member task's detail: a tree validated as a whole, its steps
shown with their tasks."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task, Workflow

CHORD = {
    "chord": {
        "group": [
            {"task_name": "add_numbers", "args": [1, 2]},
            {"task_name": "add_numbers", "args": [3, 4]},
        ],
        "then": {"task_name": "process_data", "kwargs": {"operation": "sum"}},
    }
}


def _post(client: APIClient, body: Any) -> Any:
    return client.post("/api/workflows/", body, format="json")


def test_a_chord_posted_as_json_is_created_with_its_group_dispatched(
    api: APIClient, stores: Broker
) -> None:
    response = _post(api, CHORD)

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["status"] == "running"
    assert data["progress"] == {
        "total": 3, "waiting": 1, "running": 2, "success": 0, "failed": 0, "cancelled": 0,
    }  # fmt: skip
    group = data["tree"]["steps"][0]
    assert [s["path"] for s in group["steps"]] == ["chord.group[0]", "chord.group[1]"]
    assert [s["task_status"] for s in group["steps"]] == ["pending", "pending"]
    assert data["tree"]["steps"][1]["task_id"] is None
    assert stores.depths(["default"])["default"].ready == 2


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (
            {
                "chain": [
                    {"task_name": "add_numbers", "args": [1, 2]},
                    {"group": [{"task_name": "nope"}]},
                ]
            },
            "chain[1].group[0].task_name",
        ),
        ({"chord": {"group": [{"task_name": "add_numbers", "args": [1, 2]}]}}, "chord.then"),
        ({"chain": []}, "chain"),
        (
            {"chain": [{"task_name": "add_numbers", "args": [1, 2], "countdown": 5}]},
            "chain[0].countdown",
        ),
        (
            {"group": [{"task_name": "add_numbers", "args": [1, 2], "priority": "urgent!"}]},
            "group[0].priority",
        ),
        ({"tasks": []}, "workflow"),
    ],
)
def test_a_bad_step_anywhere_is_a_400_naming_its_path_and_nothing_is_created(
    api: APIClient, stores: Broker, body: Any, path: str
) -> None:
    response = _post(api, body)

    assert response.status_code == 400
    assert path in response.json()["errors"], response.json()
    assert (Workflow.objects.count(), Task.objects.count()) == (0, 0)


def test_the_workflow_list_and_detail_show_status_and_progress(
    api: APIClient, stores: Broker
) -> None:
    created = _post(api, CHORD).json()["data"]

    listed = api.get("/api/workflows/").json()["data"]
    detail = api.get(f"/api/workflows/{created['id']}/").json()["data"]

    assert [w["id"] for w in listed] == [created["id"]]
    assert listed[0]["progress"]["total"] == 3
    assert detail["tree"]["kind"] == "chord"
    member = Task.objects.get(pk=detail["tree"]["steps"][0]["steps"][0]["task_id"])
    assert api.get(f"/api/workflows/{member.pk}/").status_code == 404


def test_a_member_task_names_its_workflow(api: APIClient, stores: Broker) -> None:
    created = _post(api, CHORD).json()["data"]
    member = created["tree"]["steps"][0]["steps"][0]["task_id"]

    task = api.get(f"/api/tasks/{member}/").json()["data"]

    assert task["workflow_id"] == created["id"]


def test_cancelling_a_workflow_through_the_api_cancels_its_waiting_members(
    api: APIClient, stores: Broker
) -> None:
    created = _post(api, CHORD).json()["data"]

    cancelled = api.post(f"/api/workflows/{created['id']}/cancel/").json()["data"]
    again = api.post(f"/api/workflows/{created['id']}/cancel/")

    assert cancelled["status"] == "cancelled"
    assert cancelled["progress"]["cancelled"] == 3
    assert again.status_code == 409

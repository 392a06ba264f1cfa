"""The Django admin: the task list and detail pages, and the bulk retry and cancel actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from tests.support.rows import MakeTask, add_attempt

CHANGELIST = reverse("admin:django_task_queue_task_changelist")


def _act(client: Client, action: str, tasks: list[Task]) -> list[str]:
    response = client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [str(task.pk) for task in tasks]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def _status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


def test_retrying_a_failed_task_makes_it_pending_and_dispatches_it(
    superuser_client: Client, make_task: MakeTask, stores: Broker
) -> None:
    failed = make_task(status="failed", completed_at=timezone.now(), error_message="boom")

    messages = _act(superuser_client, "retry_selected", [failed])

    assert _status(failed) == "pending"
    assert stores.ready_ids("default", 10) == [str(failed.pk)]
    assert messages == ["1 task(s) retried."]


def test_cancelling_a_pending_task_removes_it_from_redis(
    superuser_client: Client, stores: Broker
) -> None:
    pending = enqueue("add_numbers", [1, 2])
    assert stores.depths(["default"])["default"].ready == 1

    messages = _act(superuser_client, "cancel_selected", [pending])

    assert _status(pending) == "cancelled"
    assert stores.depths(["default"])["default"].ready == 0
    assert messages == ["1 task(s) cancelled."]


def test_a_mixed_selection_reports_what_was_done_and_what_was_skipped(
    superuser_client: Client, make_task: MakeTask
) -> None:
    failed = make_task(status="failed", completed_at=timezone.now())
    succeeded = make_task(status="success", completed_at=timezone.now())
    running = make_task(status="processing", attempt=1)

    messages = _act(superuser_client, "retry_selected", [failed, succeeded, running])

    assert (_status(failed), _status(succeeded), _status(running)) == (
        "pending",
        "success",
        "processing",
    )
    assert messages[0] == "1 task(s) retried."
    assert messages[1].startswith("2 task(s) skipped (cannot be retried in their status): ")
    assert f"{succeeded.pk} (A success task cannot be retried.)" in messages[1]
    assert f"{running.pk} (A processing task cannot be retried.)" in messages[1]


def test_the_task_list_filters_searches_and_shows_priority_names(
    superuser_client: Client, make_task: MakeTask
) -> None:
    urgent = make_task(priority=50, queue_name="mail", error_message="SMTP refused")
    make_task(priority=0, task_name="multiply_numbers")

    by_filters = superuser_client.get(
        CHANGELIST,
        {"priority_band": "high", "queue_name": "mail", "task_name": "add_numbers"},
    )
    by_error = superuser_client.get(CHANGELIST, {"q": "smtp"})
    by_id = superuser_client.get(CHANGELIST, {"q": str(urgent.pk)})
    by_garbage = superuser_client.get(CHANGELIST, {"q": "not-a-uuid"})

    assert [list(r.context["cl"].result_list) for r in (by_filters, by_error, by_id)] == [
        [urgent]
    ] * 3
    assert by_garbage.status_code == 200
    page = by_filters.content.decode()
    assert "high" in page
    assert "multiply_numbers" in page  # offered as a filter value


def test_the_detail_page_is_read_only_and_lists_the_attempts(
    superuser_client: Client, make_task: MakeTask
) -> None:
    task = make_task(status="failed", attempt=2, completed_at=timezone.now())
    add_attempt(task, 1, outcome="error", error_type="ValueError", error_message="first try")
    add_attempt(task, 2, outcome="error", error_type="ValueError", error_message="second try")

    response = superuser_client.get(reverse("admin:django_task_queue_task_change", args=[task.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "first try" in page
    assert "second try" in page
    assert 'name="status"' not in page  # no editable field: rows change through the actions
    assert 'type="submit" value="Save"' not in page


def test_a_staff_user_without_the_write_permission_gets_no_bulk_actions(
    stores: Broker, make_task: MakeTask
) -> None:
    viewer = User.objects.create_user("viewer", password="pw-for-tests", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_task"))
    client = Client()
    client.force_login(viewer)
    failed = make_task(status="failed", completed_at=timezone.now())

    response = client.get(CHANGELIST)
    refused = client.post(
        CHANGELIST, {"action": "retry_selected", "_selected_action": [str(failed.pk)]}
    )

    assert response.status_code == 200
    form: Any = response.context["action_form"]
    offered = {value for value, _ in form.fields["action"].choices} if form else set()
    assert not offered & {"retry_selected", "cancel_selected"}
    assert refused.status_code in {200, 302}
    assert _status(failed) == "failed"


def test_the_queues_of_selected_tasks_are_paused_then_resumed_from_the_paused_list(
    superuser_client: Client, stores: Broker
) -> None:
    reports = enqueue("add_numbers", [1, 2], queue_name="reports")
    mail = enqueue("add_numbers", [1, 2], queue_name="mail")

    paused = _act(superuser_client, "pause_queues", [reports, mail])
    listed = superuser_client.get(reverse("admin:django_task_queue_pausedqueue_changelist"))
    resumed = superuser_client.post(
        reverse("admin:django_task_queue_pausedqueue_changelist"),
        {"action": "resume_selected", "_selected_action": ["mail"]},
        follow=True,
    )

    assert paused == ["Paused: mail, reports."]
    assert "reports" in listed.content.decode()
    assert "mail" in listed.content.decode()
    assert [str(m) for m in resumed.context["messages"]] == ["Resumed: mail."]
    assert stores.paused_flags(["mail", "reports"]) == {"reports"}

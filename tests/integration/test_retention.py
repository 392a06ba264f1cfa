"""Retention: the pruner deletes finished tasks (with their attempts) past their status's or
their queue's policy, in batches under a time budget, and nothing else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from django_task_queue.conf import parse_settings
from django_task_queue.exceptions import ConfigurationError
from django_task_queue.models import Attempt, Task
from django_task_queue.services.retention import prune
from django_task_queue.worker.maintenance import Maintenance
from tests.support.rows import add_attempt, create_task

pytestmark = pytest.mark.django_db


def finished(status: str, days_ago: float, queue_name: str = "default") -> Task:
    done = timezone.now() - timedelta(days=days_ago)
    task = create_task(status=status, completed_at=done, queue_name=queue_name, attempt=1)
    add_attempt(task, finished_at=done)
    return task


def left(*tasks: Task) -> set[str]:
    return {
        str(pk)
        for pk in Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list("pk", flat=True)
    }


def retention(settings: Settings, **values: Any) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, **values}


def test_finished_tasks_past_their_statuss_retention_go_with_their_attempts(
    settings: Settings,
) -> None:
    retention(settings, RETENTION={"success": 7, "failed": 30, "cancelled": None})
    old_success, new_success = finished("success", 8), finished("success", 6)
    old_failed, new_failed = finished("failed", 31), finished("failed", 29)
    kept_forever = finished("cancelled", 400)
    waiting = create_task(status="pending")

    result = prune(timezone.now(), budget_s=5)

    assert (result.tasks, result.attempts, result.caught_up) == (2, 2, True)
    assert left(old_success, new_success, old_failed, new_failed, kept_forever, waiting) == {
        str(t.pk) for t in (new_success, new_failed, kept_forever, waiting)
    }
    assert not Attempt.objects.filter(task_id__in=[old_success.pk, old_failed.pk]).exists()


def test_a_queue_of_its_own_policy_keeps_its_tasks_for_as_long_as_it_says(
    settings: Settings,
) -> None:
    retention(
        settings,
        RETENTION={"success": 7, "failed": 30},
        RETENTION_BY_QUEUE={"reports": {"success": 1}, "audit": {"success": None}},
    )
    reports, default = finished("success", 2, "reports"), finished("success", 2)
    audit = finished("success", 100, "audit")
    reports_failed = finished("failed", 31, "reports")  # its failures follow the default

    prune(timezone.now(), budget_s=5)

    assert left(reports, default, audit, reports_failed) == {str(default.pk), str(audit.pk)}


def test_a_pruner_out_of_budget_stops_after_a_batch_and_says_it_is_behind(
    settings: Settings,
) -> None:
    retention(settings, RETENTION={"success": 1})
    for _ in range(5):
        finished("success", 2)

    result = prune(timezone.now(), budget_s=0, batch_size=2)

    assert (result.tasks, result.caught_up) == (2, False)
    assert Task.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_maintenance_loops_run_the_pruner(settings: Settings, broker: Any) -> None:
    retention(settings, RETENTION={"success": 1})
    old = finished("success", 2)

    Maintenance().run_all()

    assert not Task.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"RETENTION": {"pending": 1}}, "not a finished status"),
        ({"RETENTION": {"success": -1}}, "at least 0"),
        ({"RETENTION": {"success": "7"}}, "days"),
        ({"RETENTION_BY_QUEUE": {"reports": {"done": 1}}}, "reports"),
    ],
)
def test_a_bad_retention_setting_is_refused_with_what_is_wrong(
    values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_settings(values)

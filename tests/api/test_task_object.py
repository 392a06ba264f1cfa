"""The task object's fast representation gives what DRF's own field-by-field path gives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework import serializers

from django_task_queue.api.serializers.tasks import TaskSerializer
from django_task_queue.models import Task
from tests.support.rows import MakeTask


class _DrfTaskSerializer(TaskSerializer):
    """The same fields through DRF's own to_representation."""

    to_representation = serializers.ModelSerializer.to_representation

    class Meta(TaskSerializer.Meta):
        pass


def _as_drf_gives(task: Task) -> dict[str, Any]:
    return dict(_DrfTaskSerializer(task).data)


def _tasks_in_every_shape(make_task: MakeTask) -> list[Task]:
    now = timezone.now()
    return [
        make_task(),
        make_task(status="processing", worker_id="w1", started_at=now, attempt=1),
        make_task(
            status="success",
            result={"sum": 3, "items": [1, None, "x"]},
            started_at=now - timedelta(seconds=2),
            completed_at=now,
            priority=100,
        ),
        make_task(
            status="failed",
            error_message="boom",
            traceback="Traceback ...",
            retry_count=3,
            priority=-50,
            kwargs={"a": {"b": [1.5]}},
        ),
        make_task(status="retry", next_retry_at=now + timedelta(minutes=1), retry_delay=0.25),
        make_task(status="pending", run_after=now + timedelta(hours=1), queue_name="emails"),
        make_task(status="cancelled", result=0, timeout=0.001),
    ]


def test_every_task_shape_reads_as_drf_would_write_it(make_task: MakeTask) -> None:
    for task in _tasks_in_every_shape(make_task):
        assert dict(TaskSerializer(task).data) == _as_drf_gives(task)


def test_a_list_of_tasks_reads_as_drf_would_write_it(make_task: MakeTask) -> None:
    tasks = _tasks_in_every_shape(make_task)

    assert [dict(row) for row in TaskSerializer(tasks, many=True).data] == [
        _as_drf_gives(task) for task in tasks
    ]


@pytest.mark.parametrize("zone", ["UTC", "America/Sao_Paulo"])
def test_times_follow_the_current_time_zone_as_drf_does(make_task: MakeTask, zone: str) -> None:
    task = make_task(status="success", started_at=timezone.now(), completed_at=timezone.now())

    with timezone.override(ZoneInfo(zone)):
        assert dict(TaskSerializer(task).data) == _as_drf_gives(task)


@pytest.mark.parametrize("zone", ["UTC", "America/Sao_Paulo"])
def test_tasks_sharing_their_times_read_as_drf_would_write_them(
    make_task: MakeTask, zone: str
) -> None:
    now = timezone.now()
    tasks = [
        make_task(),
        make_task(status="processing", started_at=now),
        make_task(status="success", completed_at=now),
    ]
    for task in tasks:  # as enqueue_many's tasks: one time, the same object, in both fields
        task.created_at = task.updated_at = now
    tasks[2].created_at = now - timedelta(seconds=1)

    with timezone.override(ZoneInfo(zone)):
        assert [dict(row) for row in TaskSerializer(tasks, many=True).data] == [
            _as_drf_gives(task) for task in tasks
        ]

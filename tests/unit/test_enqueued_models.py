"""The Task instances enqueue returns are built without Model.__init__ (see
enqueued_models.as_models): they must be what Django itself would build from the inserted row."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_init
from django.utils import timezone

from django_task_queue.models import Task
from django_task_queue.services import TaskSpec
from django_task_queue.services.enqueued_models import _TASK_FIELDS, _field_values, as_models
from django_task_queue.services.spec import validate_batch


def _specs() -> list[TaskSpec]:
    return [
        TaskSpec(task="add_numbers", args=[1, 2]),
        TaskSpec(task="add_numbers", args=[3, 4], priority="high", countdown=30, timeout=5),
    ]


def _fields(task: Task) -> dict[str, Any]:
    return {name: value for name, value in task.__dict__.items() if name != "_state"}


def test_an_enqueued_instance_equals_the_one_django_builds_from_its_row() -> None:
    now = timezone.now()
    rows = validate_batch(_specs(), now)
    seqs = {row.id: 40 + index for index, row in enumerate(rows)}

    built = as_models(rows, seqs, now)

    for row, task in zip(rows, built, strict=True):
        values = list(_field_values(row, seqs[row.id], now).values())
        django_built = Task.from_db("default", _TASK_FIELDS, values)
        assert _fields(task) == _fields(django_built)
        assert list(_fields(task)) == _TASK_FIELDS
        assert (task._state.adding, task._state.db) == (False, "default")
        assert task.get_deferred_fields() == set()
    assert [task.seq for task in built] == [40, 41]
    assert built[1].priority_name == "high"
    assert built[1].run_after is not None


def test_a_post_init_receiver_still_sees_every_enqueued_instance() -> None:
    seen: list[Task] = []

    def receiver(sender: type[Task], instance: Task, **kwargs: Any) -> None:
        seen.append(instance)

    now = timezone.now()
    rows = validate_batch(_specs(), now)
    post_init.connect(receiver, sender=Task)
    try:
        built = as_models(rows, {row.id: 1 for row in rows}, now)
    finally:
        post_init.disconnect(receiver, sender=Task)

    assert seen == built
    assert [task.args for task in built] == [[1, 2], [3, 4]]

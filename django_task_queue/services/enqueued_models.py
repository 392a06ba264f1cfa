"""The inserted rows as Task models, built without a query (see "Enqueue" in
docs/architecture.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from django_task_queue.models import Task
from django_task_queue.services.spec import ValidatedTask


def as_models(
    rows: list[ValidatedTask], seq_by_id: dict[uuid.UUID, int], now: datetime
) -> list[Task]:
    """The inserted rows as the model instances Task.from_db would build, without a query.

    While no receiver listens to Task's pre_init or post_init, Model.__init__ is skipped: see
    "Enqueue" in docs/architecture.md.
    """
    if pre_init.has_listeners(Task) or post_init.has_listeners(Task):
        return [
            Task.from_db(
                "default", _TASK_FIELDS, list(_field_values(row, seq_by_id[row.id], now).values())
            )
            for row in rows
        ]
    tasks = []
    for row in rows:
        task = Task.__new__(Task)
        attributes = task.__dict__
        attributes.update(_field_values(row, seq_by_id[row.id], now))
        attributes["_state"] = state = ModelState()
        state.adding, state.db = False, "default"
        tasks.append(task)
    return tasks


def _field_values(row: ValidatedTask, seq: int, now: datetime) -> dict[str, Any]:
    """The inserted row's value of every concrete field, in _TASK_FIELDS order."""
    options = row.options
    values = _EMPTY_ROW.copy()  # every field, in order, None where the INSERT left it empty
    values.update(
        id=row.id,
        seq=seq,
        task_name=options.task_name,
        args=row.args,
        kwargs=row.kwargs,
        priority=options.priority,
        queue_name=options.queue_name,
        status="pending",
        retry_count=0,
        max_retries=options.max_retries,
        retry_delay=options.retry_delay_s,
        retry_backoff=options.retry_backoff,
        timeout=options.timeout_s,
        attempt=0,
        created_at=now,
        updated_at=now,
        run_after=row.run_after,
    )
    if row.unique is not None:
        values.update(unique_key=row.unique.key, unique_while=list(row.unique.while_statuses))
    return values


_TASK_FIELDS = [field.attname for field in Task._meta.concrete_fields]
_EMPTY_ROW: dict[str, Any] = dict.fromkeys(_TASK_FIELDS)

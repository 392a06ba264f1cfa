"""Cancel and retry: what users do to tasks after enqueueing them (the API, the admin, the
commands), cancel a waiting one or run a finished one again."""

from __future__ import annotations

import logging
import uuid

from django.db import DatabaseError, transaction
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import get_broker
from django_task_queue.dispatch import push_after_commit, push_entry
from django_task_queue.exceptions import BrokerUnavailableError, InvalidTransitionError
from django_task_queue.flow_control.limits import limit_tag
from django_task_queue.models import Task
from django_task_queue.transitions import events

logger = logging.getLogger(__name__)

# The partial unique index of unique tasks (migration 0010): a failed task run again may find
# its key held by a newer task.
UNIQUE_KEY_INDEX = "dtq_task_unique_key"


def cancel(task_id: uuid.UUID | str) -> Task:
    """Cancel a pending, scheduled or retrying task: it will never run (a workflow member's
    workflow fails)."""
    # Imported here: workflows import services, which import this package.
    from django_task_queue.workflows import control as workflows

    with store.atomic():
        rows = store.write("cancel_task", {"task_id": str(task_id), "now": timezone.now()})
        task = Task.objects.get(pk=task_id)
        if not rows:
            raise InvalidTransitionError(f"A {task.status} task cannot be cancelled.")
        if task.workflow_id is not None:
            workflows.member_cancelled(task.id, task.workflow_id)
    events.of_tasks("cancelled", [task])
    try:
        # Only tidiness: a worker that still pops the id finds it cancelled and skips it.
        broker = get_broker()
        broker.remove(rows[0][0], [str(task_id)])
        broker.flush_events()
    except BrokerUnavailableError as exc:
        logger.warning("Redis is unreachable; a cancelled task's entry stays until popped: %s", exc)
    return task


def retry(task_id: uuid.UUID | str) -> Task:
    """Run a failed or cancelled task again, with a fresh retry budget, at the back of its queue
    (a workflow member's failed workflow resumes)."""
    # Imported here: workflows import services, which import this package.
    from django_task_queue.workflows import control as workflows

    try:
        with store.atomic():  # a savepoint inside the caller's transaction
            rows = store.write("retry_task", {"task_id": str(task_id), "now": timezone.now()})
            task = Task.objects.get(pk=task_id)
            if not rows:
                raise InvalidTransitionError(f"A {task.status} task cannot be retried.")
            if task.workflow_id is not None:
                workflows.member_retried(task.id, task.workflow_id)
    except DatabaseError as exc:
        if UNIQUE_KEY_INDEX not in str(exc):
            raise
        raise InvalidTransitionError(
            "Another task of this name holds this task's unique key: it cannot run again now."
        ) from exc
    ((priority, seq, queue_name, group),) = rows
    entries = {queue_name: [push_entry(task.id, priority, seq, None)]}
    # Its limit group was dropped from Redis when it finished: put it back under its limit.
    tag = limit_tag(task.id, group, entries[queue_name][0].score)
    tags = {queue_name: [tag]} if tag is not None else None

    def dispatch() -> None:
        events.of_tasks("retried", [task])  # written with the push, in its round trip
        push_after_commit(entries, tags=tags)

    transaction.on_commit(dispatch)
    return task

"""The task events a transition records for the live stream once its statement committed
(broker/events.py writes them to Redis)."""

from __future__ import annotations

from collections.abc import Iterable

from django_task_queue.broker.events import TaskEvent, record
from django_task_queue.models import Task
from django_task_queue.outcomes import ClaimedTask
from django_task_queue.states import TaskStatus


def of_claimed(kind: str, tasks: Iterable[ClaimedTask], status: str) -> None:
    """Record `kind` for tasks a worker holds (their attempt is the claim's)."""
    record(
        TaskEvent(kind, str(t.id), t.task_name, t.queue_name, status, t.attempt, t.priority)
        for t in tasks
    )


def of_tasks(kind: str, tasks: Iterable[Task]) -> None:
    """Record `kind` for task rows, with their status as loaded."""
    record(
        TaskEvent(kind, str(t.id), t.task_name, t.queue_name, t.status, t.attempt, t.priority)
        for t in tasks
    )


def settled(kind_by_status: dict[str, str], rows: Iterable[tuple[object, ...]]) -> None:
    """Record the events of rows settled by the reaper or a supervisor: (id, status, priority,
    queue, attempt, task name), the event's kind chosen by the status each ended in."""
    record(
        TaskEvent(
            kind_by_status[str(status)],
            str(task_id),
            str(task_name),
            str(queue_name),
            str(status),
            int(attempt),  # type: ignore[call-overload]
            int(priority),  # type: ignore[call-overload]
        )
        for task_id, status, priority, queue_name, attempt, task_name in rows
    )


# The reaper and a supervisor give a task back to be run again, or fail it after it was lost
# too often; a task a worker held without starting goes back as it was.
LOST = {
    TaskStatus.PENDING.value: "released",
    TaskStatus.RETRY.value: "released",
    TaskStatus.FAILED.value: "failed",
}

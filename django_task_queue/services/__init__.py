"""What a host project calls: enqueue tasks, then cancel or retry them (those two verbs live in
`transitions/`, with every other change of a status)."""

from django_task_queue.services.producer import (
    Enqueued,
    enqueue,
    enqueue_many,
    enqueue_validated,
    enqueue_validated_reporting,
)
from django_task_queue.services.spec import TaskSpec, ValidatedTask, validate_task
from django_task_queue.transitions import cancel, retry

__all__ = [
    "Enqueued",
    "TaskSpec",
    "ValidatedTask",
    "cancel",
    "enqueue",
    "enqueue_many",
    "enqueue_validated",
    "enqueue_validated_reporting",
    "retry",
    "validate_task",
]

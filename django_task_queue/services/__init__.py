"""What a host project calls: enqueue tasks, then cancel or retry them (those two verbs live in
`transitions/`, with every other change of a status)."""

from django_task_queue.services.producer import enqueue, enqueue_many
from django_task_queue.services.spec import TaskSpec, validate_task
from django_task_queue.transitions import cancel, retry

__all__ = ["TaskSpec", "cancel", "enqueue", "enqueue_many", "retry", "validate_task"]

"""The only code that writes to both stores: PostgreSQL first, then Redis."""

from django_task_queue.services.producer import TaskSpec, build_row, enqueue, enqueue_many
from django_task_queue.transitions import cancel, retry

__all__ = ["TaskSpec", "build_row", "cancel", "enqueue", "enqueue_many", "retry"]

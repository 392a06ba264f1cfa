"""`pause_queue NAME`: no worker starts a task of the queue until `resume_queue NAME`."""

from __future__ import annotations

from django_task_queue.flow_control.pausing import pause_queue
from django_task_queue.management.commands._queue_switch import QueueSwitchCommand


class Command(QueueSwitchCommand):
    help = (
        "Pause a queue: it still accepts tasks and its running tasks finish, but no worker "
        "starts another until the queue is resumed (resume_queue)."
    )
    switch = staticmethod(pause_queue)
    changed = "Paused queue {name}."
    unchanged = "Queue {name} was already paused."

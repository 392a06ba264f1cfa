"""`resume_queue NAME`: workers start the queue's tasks again."""

from __future__ import annotations

from django_task_queue.flow_control.pausing import resume_queue
from django_task_queue.management.commands._queue_switch import QueueSwitchCommand


class Command(QueueSwitchCommand):
    help = "Resume a paused queue: idle workers start its waiting tasks at once."
    switch = staticmethod(resume_queue)
    changed = "Resumed queue {name}."
    unchanged = "Queue {name} was not paused."

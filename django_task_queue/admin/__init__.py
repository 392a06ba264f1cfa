"""The Django admin: tasks and attempts (tasks.py), schedules (schedules.py), paused queues
(queues.py)."""

from django_task_queue.admin import queues, schedules, tasks

__all__ = ["queues", "schedules", "tasks"]

"""The Django admin: tasks and attempts (tasks.py), schedules (schedules.py)."""

from django_task_queue.admin import schedules, tasks

__all__ = ["schedules", "tasks"]

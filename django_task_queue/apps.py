"""The Django app configuration: registers system checks and discovers task functions."""

from django.apps import AppConfig


class TaskQueueConfig(AppConfig):
    name = "django_task_queue"
    verbose_name = "Task queue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_task_queue import checks  # noqa: F401  (registers the system checks)
        from django_task_queue.task_registry import autodiscover

        autodiscover()

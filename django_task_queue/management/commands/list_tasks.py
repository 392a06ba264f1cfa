"""`list_tasks`: print every registered task function with its signature and defaults."""

from typing import Any

from django.core.management.base import BaseCommand

from django_task_queue.conf import get_settings
from django_task_queue.priorities import priority_name
from django_task_queue.services.validation import check_priority
from django_task_queue.task_registry import task_registry


class Command(BaseCommand):
    help = "Display all registered task functions with their signatures and defaults."

    def handle(self, *args: Any, **options: Any) -> None:
        conf = get_settings()
        tasks = task_registry.list_tasks()
        if not tasks:
            self.stdout.write("No task functions are registered.")
            return
        self.stdout.write(f"{len(tasks)} registered task function(s):\n")
        for task in tasks:
            opts = task.options
            priority = check_priority(opts.priority if opts.priority is not None else 0)
            self.stdout.write(self.style.SUCCESS(f"{task.name}{task.signature}"))
            self.stdout.write(f"    {task.func.__module__}.{task.func.__qualname__}")
            if task.doc:
                self.stdout.write(f"    {task.doc.splitlines()[0]}")
            max_retries = _or(opts.max_retries, conf.DEFAULT_MAX_RETRIES)
            retry_delay_s = _or(opts.retry_delay_s, conf.DEFAULT_RETRY_DELAY_S)
            timeout_s = _or(opts.timeout_s, conf.DEFAULT_TIMEOUT_S)
            self.stdout.write(
                "    defaults: "
                f"queue={opts.queue_name or conf.DEFAULT_QUEUE} "
                f"priority={priority_name(priority)} "
                f"max_retries={max_retries} retry_delay={retry_delay_s:g}s "
                f"backoff={'yes' if opts.retry_backoff else 'no'} timeout={timeout_s:g}s"
            )


def _or(value: float | None, default: float) -> float:
    return default if value is None else value

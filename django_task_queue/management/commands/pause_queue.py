"""`pause_queue NAME`: no worker starts a task of the queue until `resume_queue NAME`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from django_task_queue.exceptions import TaskValidationError
from django_task_queue.flow_control.pausing import pause_queue


class Command(BaseCommand):
    help = (
        "Pause a queue: it still accepts tasks and its running tasks finish, but no worker "
        "starts another until the queue is resumed (resume_queue)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("queue_name", help="The queue to pause")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["queue_name"]
        try:
            paused = pause_queue(name)
        except TaskValidationError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        if paused:
            self.stdout.write(self.style.SUCCESS(f"Paused queue {name}."))
        else:
            self.stdout.write(f"Queue {name} was already paused.")

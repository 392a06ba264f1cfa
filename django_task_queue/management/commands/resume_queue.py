"""`resume_queue NAME`: workers start the queue's tasks again."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from django_task_queue.exceptions import TaskValidationError
from django_task_queue.flow_control.pausing import resume_queue


class Command(BaseCommand):
    help = "Resume a paused queue: idle workers start its waiting tasks at once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("queue_name", help="The queue to resume")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["queue_name"]
        try:
            resumed = resume_queue(name)
        except TaskValidationError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        if resumed:
            self.stdout.write(self.style.SUCCESS(f"Resumed queue {name}."))
        else:
            self.stdout.write(f"Queue {name} was not paused.")

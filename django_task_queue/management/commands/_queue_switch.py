"""What `pause_queue` and `resume_queue` share: a queue name in, one line out."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from django_task_queue.exceptions import TaskValidationError


class QueueSwitchCommand(BaseCommand):
    """Turns a queue's pause on or off with `switch`, which answers whether it changed."""

    switch: Callable[[str], bool]
    changed = "{name}"  # what it says when the queue changed
    unchanged = "{name}"  # and when it was so already

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("queue_name", help="The queue's name")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["queue_name"]
        try:
            changed = type(self).switch(name)
        except TaskValidationError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        if changed:
            self.stdout.write(self.style.SUCCESS(self.changed.format(name=name)))
        else:
            self.stdout.write(self.unchanged.format(name=name))

"""`run_worker`: start a supervised pool of worker processes."""

from __future__ import annotations

import logging
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from django_task_queue.conf import get_settings
from django_task_queue.exceptions import TaskValidationError
from django_task_queue.logging import configure_logging
from django_task_queue.services.validation import check_queue_name
from django_task_queue.task_registry import task_registry
from django_task_queue.worker.options import WorkerOptions
from django_task_queue.worker.supervisor import Supervisor

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class Command(BaseCommand):
    help = "Run worker processes that execute tasks from one or more queues."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue",
            action="append",
            default=None,
            help="Queue name (default: default). Repeat or separate with commas for several; "
            "earlier queues are served first.",
        )
        parser.add_argument(
            "--workers", type=int, default=1, help="Number of worker processes (default: 1)"
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=None,
            help="Tasks each worker process runs at once: plain functions on that many threads, "
            "async def functions on one event loop (default: TASK_QUEUE['CONCURRENCY'], 1)",
        )
        parser.add_argument(
            "--worker-id",
            default=None,
            help="Worker ID (for a single worker; a prefix for several)",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Max tasks per worker run, then exit"
        )
        parser.add_argument(
            "--poll-interval",
            type=float,
            default=1.0,
            help="Longest an idle worker blocks on Redis before checking for shutdown (seconds; "
            "new tasks wake it at once)",
        )
        parser.add_argument(
            "--log-level", default="INFO", help="Log level (DEBUG, INFO, WARNING, ERROR)"
        )
        parser.add_argument(
            "--burst", action="store_true", help="Drain the tasks that are due, then exit"
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Do not enqueue the schedules' ticks from this run (other runs will; default: "
            "TASK_QUEUE['SCHEDULER'], on)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        level = str(options["log_level"]).upper()
        if level not in LOG_LEVELS:
            raise CommandError(
                f"--log-level must be one of {', '.join(LOG_LEVELS)}, not {options['log_level']!r}"
            )
        queues = _parse_queues(options["queue"])
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        concurrency = options["concurrency"] or get_settings().CONCURRENCY
        if options["concurrency"] is not None and options["concurrency"] < 1:
            raise CommandError("--concurrency must be at least 1")
        if options["max_tasks"] is not None and options["max_tasks"] < 1:
            raise CommandError("--max-tasks must be at least 1")
        if not options["poll_interval"] > 0:
            raise CommandError("--poll-interval must be a positive number of seconds")
        if options["worker_id"] is not None and not options["worker_id"].strip():
            raise CommandError("--worker-id must not be empty")
        configure_logging(getattr(logging, level))
        if not len(task_registry):
            self.stderr.write("warning: no task functions are registered; tasks will fail")
        worker_options = WorkerOptions(
            queues=queues,
            workers=options["workers"],
            concurrency=concurrency,
            worker_id=options["worker_id"],
            max_tasks=options["max_tasks"],
            poll_interval_s=options["poll_interval"],
            burst=options["burst"],
            scheduler=get_settings().SCHEDULER and not options["no_scheduler"],
        )
        code = Supervisor(worker_options).run()
        if code:
            raise CommandError(f"worker run ended with status {code}")


def _parse_queues(raw: list[str] | None) -> tuple[str, ...]:
    names: list[str] = []
    for item in raw or ["default"]:
        for raw_name in item.split(","):
            name = raw_name.strip()
            try:
                check_queue_name(name)
            except TaskValidationError as exc:
                raise CommandError(f"--queue {name!r}: {exc.message}") from exc
            if name not in names:
                names.append(name)
    return tuple(names)

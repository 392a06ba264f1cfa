"""`purge_tasks`: delete finished tasks (and their attempts) older than N days, in batches."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from django_task_queue.services.housekeeping import check_finished_statuses, purge_finished


class Command(BaseCommand):
    help = (
        "Delete finished tasks (success, failed, cancelled) completed more than N days ago, "
        "with their attempts, one short transaction per batch."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--older-than-days",
            type=float,
            required=True,
            help="Delete tasks completed more than this many days ago",
        )
        parser.add_argument(
            "--status",
            default="success,failed,cancelled",
            help="Comma-separated finished statuses to delete (default: success,failed,cancelled)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Tasks deleted per transaction (default: 1000)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than_days"]
        if not days >= 0:
            raise CommandError("--older-than-days must be zero or more")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            statuses = check_finished_statuses(
                s.strip() for s in options["status"].split(",") if s.strip()
            )
        except ValueError as exc:
            raise CommandError(f"--status: {exc}") from exc
        if not statuses:
            raise CommandError("--status needs at least one status")
        verbose = options["verbosity"] > 1
        result = purge_finished(
            older_than=timedelta(days=days),
            statuses=statuses,
            batch_size=options["batch_size"],
            dry_run=options["dry_run"],
            on_batch=(lambda n: self.stdout.write(f"  deleted a batch of {n} task(s)"))
            if verbose
            else None,
        )
        what = f"{','.join(statuses)} task(s) completed more than {days:g} day(s) ago"
        if result.dry_run:
            self.stdout.write(
                f"Dry run: would delete {result.tasks} {what} and {result.attempts} attempt(s)."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {result.tasks} {what} and {result.attempts} attempt(s) "
                f"in {result.batches} batch(es)."
            )
        )

"""`requeue_failed`: retry failed tasks chosen by task name, queue and failure time."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from django_task_queue.services.housekeeping import FailedFilter, failed_tasks, requeue_failed

_SHOWN = 20


class Command(BaseCommand):
    help = "Run failed tasks again (fresh retry budget, back of their queue), chosen by filters."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--task-name", default=None, help="Only tasks of this task function")
        parser.add_argument("--queue", default=None, help="Only tasks of this queue")
        parser.add_argument(
            "--since",
            default=None,
            help="Only tasks that failed at or after this ISO 8601 date or time (UTC if no offset)",
        )
        parser.add_argument("--limit", type=int, default=None, help="Requeue at most N tasks")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be requeued; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        selection = FailedFilter(
            task_name=options["task_name"],
            queue_name=options["queue"],
            since=_parse_since(options["since"]),
        )
        if options["dry_run"]:
            self._dry_run(selection, options["limit"])
            return
        result = requeue_failed(selection, limit=options["limit"])
        self.stdout.write(self.style.SUCCESS(f"Requeued {len(result.done)} failed task(s)."))
        if result.skipped:
            self.stdout.write(
                self.style.WARNING(f"Skipped {len(result.skipped)} (changed meanwhile):")
            )
            for task_id, reason in result.skipped[:_SHOWN]:
                self.stdout.write(f"  {task_id}: {reason}")

    def _dry_run(self, selection: FailedFilter, limit: int | None) -> None:
        tasks = failed_tasks(selection)
        count = tasks.count()
        if limit is not None:
            count = min(count, limit)
        self.stdout.write(f"Dry run: would requeue {count} failed task(s).")
        for task in tasks.only("id", "task_name", "queue_name", "error_message")[
            : min(count, _SHOWN)
        ]:
            error = (task.error_message or "").splitlines()[0:1]
            self.stdout.write(
                f"  {task.id} {task.task_name} queue={task.queue_name} {error[0] if error else ''}"
            )


def _parse_since(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        moment = parse_datetime(raw)
        day = parse_date(raw) if moment is None else None
    except ValueError as exc:
        raise CommandError(f"--since {raw!r}: {exc}") from exc
    if moment is None:
        if day is None:
            raise CommandError(f"--since {raw!r} is not an ISO 8601 date or date and time")
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment

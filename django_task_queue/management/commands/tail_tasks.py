"""`tail_tasks`: the live stream of task events in a terminal, one line per event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from django_task_queue.broker.client import get_broker
from django_task_queue.broker.event_reads import StreamEvent
from django_task_queue.timeutil import from_ms, iso

WAIT_MS = 1_000


class Command(BaseCommand):
    help = "Print each task event (enqueued, started, succeeded, ...) as it happens; Ctrl-C ends."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="append", help="Only this queue (repeatable)")
        parser.add_argument("--task-name", help="Only this task function")
        parser.add_argument("--max-events", type=int, help="Stop after this many (for scripts)")

    def handle(self, *args: Any, **options: Any) -> None:
        broker = get_broker()
        wanted = set(options["queue"] or ())
        positions: dict[str, str] = {}
        printed = 0
        try:
            while options["max_events"] is None or printed < options["max_events"]:
                names = sorted(wanted or broker.queue_names())
                new = [name for name in names if name not in positions]
                positions.update(broker.latest_event_ids(new) if new else {})
                for event in broker.read_events(positions, WAIT_MS) if positions else ():
                    positions[event.queue_name] = event.id.split(".")[0]
                    if options["task_name"] in {None, event.task_name}:
                        self.stdout.write(line(event))
                        printed += 1
        except KeyboardInterrupt:
            return


def line(event: StreamEvent) -> str:
    return (
        f"{iso(from_ms(event.at_ms))}  {event.type:<15} {event.task_name}  {event.task_id}  "
        f"queue={event.queue_name} attempt={event.attempt} status={event.status}"
    )

"""`list_schedules`: print every schedule with its trigger, state, next and last run."""

from typing import Any

from django.core.management.base import BaseCommand

from django_task_queue.monitoring.schedules import ScheduleStatus, list_schedules
from django_task_queue.timeutil import iso


class Command(BaseCommand):
    help = "Display every schedule: its task, trigger, state, next run and last run."

    def handle(self, *args: Any, **options: Any) -> None:
        schedules = list_schedules()
        if not schedules:
            self.stdout.write("No schedules are defined.")
            return
        self.stdout.write(f"{len(schedules)} schedule(s):\n")
        for schedule in schedules:
            self.stdout.write(self.style.SUCCESS(f"{schedule.name}: {schedule.task_name}"))
            self.stdout.write(
                f"    {schedule.trigger}, catch_up={schedule.catch_up}"
                f"{', skip_if_running' if schedule.skip_if_running else ''}, "
                f"queue={schedule.queue_name}, {_state(schedule)}"
            )
            self.stdout.write(f"    next run: {_time(schedule.next_run_at)}")
            last = _time(schedule.last_run_at)
            if schedule.last_task_id is not None:
                last += f" (task {schedule.last_task_id}, {schedule.last_task_status})"
            if schedule.lag_seconds is not None:
                last += f", enqueued {schedule.lag_seconds * 1000:.0f} ms after its tick"
            self.stdout.write(f"    last run: {last}")
            if schedule.skipped_ticks:
                self.stdout.write(f"    skipped ticks: {schedule.skipped_ticks}")


def _state(schedule: ScheduleStatus) -> str:
    if schedule.orphaned:
        return "orphaned (defined nowhere: not run)"
    return "enabled" if schedule.enabled else "paused"


def _time(value: Any) -> str:
    return "-" if value is None else iso(value)

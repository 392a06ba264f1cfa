"""`queue_status`: per queue, PostgreSQL's counts by status beside Redis' depths; live workers."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.monitoring.queues import StatusReport, queue_status
from django_task_queue.monitoring.workers import local_workers
from django_task_queue.states import TaskStatus

_STATUSES = [status.value for status in TaskStatus]
_DEPTHS = ["ready", "delayed", "processing"]


class Command(BaseCommand):
    help = (
        "Print, per queue, the tasks by status in PostgreSQL beside the Redis ready, delayed "
        "and processing (leased) depths, then the live workers."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--check-local-worker",
            action="store_true",
            help="Only check that a worker with a live heartbeat runs on this host; exit 1 if "
            "not (a container health check)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check_local_worker"]:
            self._check_local_worker()
            return
        self._print(queue_status())

    def _check_local_worker(self) -> None:
        try:
            workers = local_workers()
        except BrokerUnavailableError as exc:
            raise CommandError(str(exc)) from exc
        if not workers:
            raise CommandError("no live worker on this host")
        self.stdout.write(f"{len(workers)} live worker(s) on this host")

    def _print(self, report: StatusReport) -> None:
        if not report.queues:
            self.stdout.write("No queues yet: nothing has been enqueued.")
        else:
            self._print_queues(report)
        if report.redis_error:
            self.stdout.write(self.style.ERROR(f"Redis: {report.redis_error}"))
            return
        self.stdout.write("")
        self.stdout.write(f"Live workers: {len(report.workers)}")
        for worker in report.workers:
            task = worker.current_task_id or "-"
            self.stdout.write(
                f"  {worker.worker_id}  host={worker.hostname} pid={worker.pid} "
                f"state={worker.state} queues={','.join(worker.queues)} "
                f"heartbeat={worker.heartbeat_age_s:.1f}s ago tasks_done={worker.tasks_done} "
                f"slots={worker.busy}/{worker.concurrency} current_task={task}"
            )
            for running in worker.running:
                self.stdout.write(
                    f"    slot {running.slot}: {running.task_id} {running.task_name} "
                    f"queue={running.queue_name} attempt={running.attempt} "
                    f"running={running.running_for_s:.1f}s"
                )

    def _print_queues(self, report: StatusReport) -> None:
        width = max(len("queue"), *(len(q.queue_name) for q in report.queues))
        self.stdout.write("Tasks by status in PostgreSQL | entries in Redis")
        statuses = " ".join(f"{s:>10}" for s in _STATUSES)
        depth_names = " ".join(f"{d:>10}" for d in _DEPTHS)
        self.stdout.write(f"{'queue':<{width}} {statuses} | {depth_names}")
        for queue in report.queues:
            counts = " ".join(f"{queue.counts.get(s, 0):>10}" for s in _STATUSES)
            if queue.depths is None:
                depths = " ".join(f"{'?':>10}" for _ in _DEPTHS)
            else:
                d = queue.depths
                depths = " ".join(f"{n:>10}" for n in (d.ready, d.delayed, d.processing))
            self.stdout.write(f"{queue.queue_name:<{width}} {counts} | {depths}")

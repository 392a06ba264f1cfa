#!/usr/bin/env python
"""A tour of the queue: every sample task, priorities, a retry, a failure, and the statistics.

Run it next to `make run` (or any running worker): `python demo_task_queue.py`. Without a live
worker on the `default` queue it starts one for the length of the demo.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django_task_queue.broker import get_broker  # noqa: E402  (needs django.setup() first)
from django_task_queue.models import Task  # noqa: E402
from django_task_queue.services import TaskSpec, enqueue, enqueue_many  # noqa: E402

FINISHED = {"success", "failed", "cancelled"}


def _section(title: str) -> None:
    print(f"\n== {title} ==")


def _wait(tasks: list[Task], timeout_s: float = 30.0) -> list[Task]:
    deadline = time.monotonic() + timeout_s
    ids = [task.id for task in tasks]
    while True:
        current = {task.id: task for task in Task.objects.filter(id__in=ids)}
        if all(task.status in FINISHED for task in current.values()) or time.monotonic() > deadline:
            return [current[task_id] for task_id in ids]
        time.sleep(0.1)


def _show(tasks: list[Task]) -> None:
    for task in tasks:
        outcome = task.result if task.status == "success" else task.error_message
        print(
            f"  {task.task_name:<18} {task.priority_name:<8} {task.status:<9} "
            f"attempts={task.attempt} -> {outcome!r}"
        )


def _ensure_worker() -> subprocess.Popen[bytes] | None:
    if any("default" in worker.queues for worker in get_broker().workers()):
        print("Using the running worker(s).")
        return None
    print("No live worker serves 'default': starting one for the demo.")
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--queue=default",
            "--workers=2",
            "--log-level=WARNING",
        ],
    )


def main() -> int:
    worker = _ensure_worker()
    try:
        _section("Each sample task")
        tasks = [
            enqueue("add_numbers", [10, 20]),
            enqueue("multiply_numbers", [6, 7]),
            enqueue("slow_task", [], {"duration": 1, "message": "Processing..."}),
            enqueue("random_task", [], {"min_val": 1, "max_val": 6}),
            enqueue("process_data", [[3, 1, 4, 1, 5]], {"operation": "avg"}),
            enqueue(
                "send_notification", ["ada@example.com", "Hello"], max_retries=3, retry_delay=0.5
            ),
        ]
        _show(_wait(tasks))

        _section("Priorities: enqueued low first, critical last, in one bulk call")
        order = ["low", "low", "normal", "normal", "high", "high", "critical", "critical"]
        batch = enqueue_many(
            TaskSpec(task="slow_task", kwargs={"duration": 0.2}, priority=p) for p in order
        )
        started = sorted(_wait(batch), key=lambda t: t.started_at or t.created_at)
        print("  start order:", " > ".join(t.priority_name for t in started))

        _section("Retries, then a failure after max_retries")
        failing = enqueue(
            "failing_task", [], {"error_message": "demo failure"}, max_retries=2, retry_delay=0.5
        )
        _show(_wait([failing]))
        for attempt in Task.objects.get(pk=failing.pk).attempts.order_by("number"):
            print(f"  attempt {attempt.number}: {attempt.outcome} ({attempt.error_message})")

        _section("Final statistics")
        counts = Counter(Task.objects.values_list("status", flat=True))
        for status in ("pending", "processing", "success", "retry", "failed", "cancelled"):
            print(f"  {status:<10} {counts.get(status, 0)}")
        return 0
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=40)


if __name__ == "__main__":
    sys.exit(main())

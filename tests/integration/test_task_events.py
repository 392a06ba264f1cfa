"""Every change of a task's status becomes one event in its queue's stream, in order, once the
change committed; `tail_tasks` prints them."""

from __future__ import annotations

import threading
import time
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from django_task_queue.transitions import cancel, retry
from tests.support.drain import drain, work_until


def history(broker: Broker, task_id: object) -> list[tuple[str, str, int]]:
    """The (type, status, attempt) of the task's events, oldest first."""
    broker.flush_events()
    found = broker.read_events(dict.fromkeys(broker.queue_names(), "0-0"), None)
    return [(e.type, e.status, e.attempt) for e in found if e.task_id == str(task_id)]


def test_a_task_that_fails_once_then_succeeds_leaves_each_transition_in_order(
    stores: Broker, marker_dir: Path
) -> None:
    task = enqueue("test_fails_once", [str(marker_dir), "a"])

    work_until(lambda: Task.objects.get(pk=task.pk).status == "success")

    assert history(stores, task.id) == [
        ("enqueued", "pending", 0),
        ("started", "processing", 1),
        ("retry_scheduled", "retry", 1),
        ("started", "processing", 2),
        ("succeeded", "success", 2),
    ]


def test_cancelling_and_retrying_by_hand_are_events_too(stores: Broker) -> None:
    task = enqueue("add_numbers", [1, 2], countdown=60)

    cancel(task.id)
    retry(task.id)

    assert [kind for kind, _, _ in history(stores, task.id)] == ["enqueued", "cancelled", "retried"]


def test_a_workers_events_reach_the_stream_within_a_moment_without_a_flush(stores: Broker) -> None:
    start = stores.latest_event_ids(["default"])
    task = enqueue("add_numbers", [1, 2])

    drain()

    seen: list[str] = []
    deadline = time.monotonic() + 2
    while "succeeded" not in seen and time.monotonic() < deadline:
        found = stores.read_events(start, 200)
        seen += [e.type for e in found if e.task_id == str(task.id)]
        if found:
            start = {"default": found[-1].id.split(".")[0]}
    assert seen == ["enqueued", "started", "succeeded"]


def test_tail_tasks_prints_a_line_per_event(stores: Broker) -> None:
    out = StringIO()
    enqueue("add_numbers", [0, 0])  # so that the queue is known before the tail starts

    def produce() -> None:
        time.sleep(0.5)
        try:
            enqueue("multiply_numbers", [2, 3])
        finally:
            connection.close()  # this thread's own

    producer = threading.Thread(target=produce)
    producer.start()
    call_command("tail_tasks", "--task-name", "multiply_numbers", "--max-events", "1", stdout=out)
    producer.join()

    (line,) = out.getvalue().splitlines()
    assert "enqueued" in line
    assert "multiply_numbers" in line
    assert "queue=default attempt=0 status=pending" in line

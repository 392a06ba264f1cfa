"""A snapshot of every queue in both stores, and of the live workers, for `queue_status`."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from django.utils import timezone

from django_task_queue.broker.client import QueueDepths, WorkerRecord, get_broker
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.services.housekeeping import fetch_all
from django_task_queue.states import TaskStatus
from django_task_queue.timeutil import to_ms


@dataclass(frozen=True)
class QueueStatus:
    queue_name: str
    counts: dict[str, int]  # PostgreSQL: tasks by status
    depths: QueueDepths | None  # Redis: None when it is unreachable


@dataclass(frozen=True)
class WorkerStatus:
    worker_id: str
    hostname: str
    pid: int
    state: str
    queues: list[str]
    heartbeat_age_s: float
    current_task_id: str | None
    tasks_done: int


@dataclass(frozen=True)
class StatusReport:
    queues: list[QueueStatus]
    workers: list[WorkerStatus]
    redis_error: str | None


def queue_status() -> StatusReport:
    """Counts by status per queue (PostgreSQL) beside the Redis depths, and the live workers."""
    counts: dict[str, dict[str, int]] = {}
    for queue_name, status, count in fetch_all("counts_by_queue"):
        counts.setdefault(queue_name, {s.value: 0 for s in TaskStatus})[status] = int(count)
    depths: dict[str, QueueDepths] = {}
    workers: list[WorkerStatus] = []
    redis_error = None
    try:
        broker = get_broker()
        records = broker.workers()
        names = set(counts) | broker.queue_names()
        names.update(queue for record in records for queue in record.queues)
        depths = broker.depths(sorted(names))
        now_ms = to_ms(timezone.now())
        workers = [
            _worker_status(record, now_ms)
            for record in sorted(records, key=lambda record: record.worker_id)
        ]
    except BrokerUnavailableError as exc:
        redis_error = str(exc)
    queues = [
        QueueStatus(
            queue_name=name,
            counts=counts.get(name, {s.value: 0 for s in TaskStatus}),
            depths=depths.get(name),
        )
        for name in sorted(set(counts) | set(depths))
    ]
    return StatusReport(queues=queues, workers=workers, redis_error=redis_error)


def local_workers(hostname: str | None = None) -> list[WorkerStatus]:
    """Live workers on this host (a container's health check); BrokerUnavailableError if down."""
    host = hostname or socket.gethostname()
    now_ms = to_ms(timezone.now())
    return [
        _worker_status(record, now_ms)
        for record in get_broker().workers()
        if record.hostname == host
    ]


def _worker_status(record: WorkerRecord, now_ms: int) -> WorkerStatus:
    return WorkerStatus(
        worker_id=record.worker_id,
        hostname=record.hostname,
        pid=record.pid,
        state=record.state,
        queues=record.queues,
        heartbeat_age_s=max(0.0, (now_ms - record.last_seen_ms) / 1000),
        current_task_id=record.current_task_id,
        tasks_done=record.tasks_done,
    )

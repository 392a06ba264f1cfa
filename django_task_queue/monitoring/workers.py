"""The live workers, from Redis' registry: as the API lists them, as `queue_status` prints them."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from django_task_queue.broker.client import RunningRecord, WorkerRecord, get_broker
from django_task_queue.timeutil import from_ms, iso, to_ms


@dataclass(frozen=True)
class RunningTaskStatus:
    task_id: str
    task_name: str
    queue_name: str
    attempt: int
    slot: int
    running_for_s: float


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
    concurrency: int
    busy: int
    running: list[RunningTaskStatus]


def slots_in_use(record: WorkerRecord) -> int:
    """How many of the worker's slots run a task now."""
    if record.running:
        return len(record.running)
    # A record from a version before `running` names at most its one task in `current_task_id`.
    return 1 if record.current_task_id else 0


def list_workers() -> list[dict[str, Any]]:
    """Live workers for GET /api/workers/; BrokerUnavailableError when Redis is down."""
    now_ms = timezone.now().timestamp() * 1000
    return [_worker(record, now_ms) for record in get_broker().workers()]


def _worker(record: WorkerRecord, now_ms: float) -> dict[str, Any]:
    return {
        "worker_id": record.worker_id,
        "hostname": record.hostname,
        "pid": record.pid,
        "queues": record.queues,
        "current_task_id": record.current_task_id,
        "started_at": iso(from_ms(record.started_at_ms)),
        "last_seen_at": iso(from_ms(record.last_seen_ms)),
        "heartbeat_age_s": round(max(0.0, now_ms - record.last_seen_ms) / 1000, 3),
        "tasks_done": record.tasks_done,
        "state": record.state,
        "concurrency": record.concurrency,
        "busy": slots_in_use(record),
        "running_tasks": [_running_task(running) for running in _by_slot(record.running)],
    }


def _running_task(running: RunningRecord) -> dict[str, Any]:
    return {
        "task_id": running.task_id,
        "task_name": running.task_name,
        "queue_name": running.queue_name,
        "attempt": running.attempt,
        "slot": running.slot,
        "started_at": iso(from_ms(running.started_at_ms)),
    }


def _by_slot(running: tuple[RunningRecord, ...]) -> list[RunningRecord]:
    return sorted(running, key=lambda r: r.slot)


def local_workers(hostname: str | None = None) -> list[WorkerStatus]:
    """Live workers on this host (a container's health check); BrokerUnavailableError if down."""
    host = hostname or socket.gethostname()
    now_ms = to_ms(timezone.now())
    return [
        worker_status(record, now_ms)
        for record in get_broker().workers()
        if record.hostname == host
    ]


def worker_status(record: WorkerRecord, now_ms: int) -> WorkerStatus:
    return WorkerStatus(
        worker_id=record.worker_id,
        hostname=record.hostname,
        pid=record.pid,
        state=record.state,
        queues=record.queues,
        heartbeat_age_s=max(0.0, (now_ms - record.last_seen_ms) / 1000),
        current_task_id=record.current_task_id,
        tasks_done=record.tasks_done,
        concurrency=record.concurrency,
        busy=slots_in_use(record),
        running=[
            RunningTaskStatus(
                task_id=running.task_id,
                task_name=running.task_name,
                queue_name=running.queue_name,
                attempt=running.attempt,
                slot=running.slot,
                running_for_s=max(0.0, (now_ms - running.started_at_ms) / 1000),
            )
            for running in _by_slot(record.running)
        ],
    )

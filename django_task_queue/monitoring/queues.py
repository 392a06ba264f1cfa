"""Every queue in both stores: with the live workers for `queue_status`, with its pause for
GET /api/queues/."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import get_broker
from django_task_queue.broker.index_reads import QueueDepths
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.flow_control import queue_limits
from django_task_queue.flow_control.pausing import paused_queues
from django_task_queue.monitoring.workers import WorkerStatus, worker_status
from django_task_queue.states import TaskStatus
from django_task_queue.timeutil import to_ms


@dataclass(frozen=True)
class QueueStatus:
    queue_name: str
    counts: dict[str, int]  # PostgreSQL: tasks by status
    depths: QueueDepths | None  # Redis: None when it is unreachable


@dataclass(frozen=True)
class StatusReport:
    queues: list[QueueStatus]
    workers: list[WorkerStatus]
    redis_error: str | None


def queue_status() -> StatusReport:
    """Counts by status per queue (PostgreSQL) beside the Redis depths, and the live workers."""
    counts: dict[str, dict[str, int]] = {}
    for queue_name, status, count in store.read("counts_by_queue"):
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
            worker_status(record, now_ms)
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


# GET /api/queues/ names at most this many queues found in the task table (one index probe each).
MAX_LISTED_QUEUES = 1000


@dataclass(frozen=True)
class QueueState:
    queue_name: str
    paused_at: datetime | None  # None while the queue runs
    depths: QueueDepths | None  # Redis: None when it is unreachable
    limits: queue_limits.QueueLimits  # the queue's own (TASK_QUEUE["QUEUES"])


def queue_states() -> list[QueueState]:
    """Every queue, whether it is paused, its limits and its depth in Redis; no scan of the
    task table."""
    paused = paused_queues()
    names = {row[0] for row in store.read("queue_names", {"limit": MAX_LISTED_QUEUES})}
    names |= set(paused) | set(queue_limits.configured())
    with contextlib.suppress(BrokerUnavailableError):
        names |= get_broker().queue_names()
    return _states(sorted(names), paused)


def queue_state(queue_name: str) -> QueueState:
    """One queue, known or not (a queue no task has used yet is running and empty)."""
    return _states([queue_name], paused_queues())[0]


def _states(names: list[str], paused: dict[str, datetime]) -> list[QueueState]:
    depths: dict[str, QueueDepths] = {}
    with contextlib.suppress(BrokerUnavailableError):
        depths = get_broker().depths(names)
    return [
        QueueState(
            queue_name=name,
            paused_at=paused.get(name),
            depths=depths.get(name),
            limits=queue_limits.limits_of(name),
        )
        for name in names
    ]

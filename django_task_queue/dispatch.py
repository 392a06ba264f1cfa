"""Dispatch to Redis: a waiting task's entry in the index, and the push after a commit."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from datetime import datetime

from django.utils import timezone

from django_task_queue.broker.client import LimitTag, PushEntry, get_broker
from django_task_queue.broker.metrics import MetricsStore, MetricValues
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.metrics.definitions import ENQUEUED
from django_task_queue.priorities import ready_score
from django_task_queue.timeutil import to_ms

logger = logging.getLogger(__name__)


def push_entry(task_id: uuid.UUID, priority: int, seq: int, due_at: datetime | None) -> PushEntry:
    """A task's Redis entry: ready when `due_at` is None or past, else delayed until then."""
    return PushEntry(
        task_id=str(task_id),
        score=ready_score(priority, seq),
        due_ms=to_ms(due_at) if due_at else 0,
    )


def push_after_commit(
    entries: dict[str, list[PushEntry]],
    enqueued: Counter[tuple[str, str]] | None = None,
    tags: dict[str, list[LimitTag]] | None = None,
) -> None:
    """Push committed tasks to Redis; if Redis is down the reconciler pushes them later.

    `enqueued` counts new tasks by (queue, task name) for dtq_tasks_enqueued_total, in the same
    round trip as the push; `tags` names the limit groups of tasks under a concurrency limit.
    """
    now_ms = to_ms(timezone.now())
    try:
        broker = get_broker()
        if enqueued:
            counters = {(ENQUEUED.key, q, name): n for (q, name), n in enqueued.items()}
            metrics = MetricsStore(broker)
            broker.push_all(
                entries,
                now_ms,
                also=lambda pipe: metrics.stage(pipe, MetricValues(counters)),
                tags=tags,
            )
        else:
            broker.push_all(entries, now_ms, tags=tags)
    except BrokerUnavailableError as exc:
        logger.warning(
            "Redis is unreachable; %d committed task(s) will be dispatched by the reconciler: %s",
            sum(len(e) for e in entries.values()),
            exc,
        )

"""A task's lease: renewed while its attempt runs (the heartbeat), given back by a worker that
stops at once (release), and taken back from a worker that stopped renewing it (reap)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import Broker, PushEntry
from django_task_queue.conf import get_settings
from django_task_queue.dispatch import push_entry
from django_task_queue.outcomes import ClaimedTask
from django_task_queue.states import TaskStatus
from django_task_queue.timeutil import to_ms
from django_task_queue.transitions import events

logger = logging.getLogger(__name__)

_REAP_BATCH = 1000


def release(broker: Broker, task: ClaimedTask, reason: str, duration_ms: float) -> bool:
    """Give an unfinished task back to its queue at once, without spending a retry."""
    now = timezone.now()
    applied = store.write(
        "release_task",
        {
            "task_id": task.id,
            "attempt": task.attempt,
            "now": now,
            "started_at": now - timedelta(milliseconds=duration_ms),
            "reason": reason,
            "duration_ms": duration_ms,
        },
    )
    if not applied:
        broker.ack([task.claim])
        return False
    broker.push(task.queue_name, [push_entry(task.id, task.priority, task.seq, None)], to_ms(now))
    events.of_claimed("released", [task], TaskStatus.PENDING)
    return True


def extend_leases(broker: Broker, tasks: Sequence[ClaimedTask]) -> set[uuid.UUID]:
    """Renew the leases of running tasks; returns the ids whose lease this worker still holds."""
    if not tasks:
        return set()
    conf = get_settings()
    now = timezone.now()
    deadline = now + timedelta(seconds=conf.LEASE_S)
    rows = store.write(
        "extend_leases",
        {
            "lease_expires_at": deadline,
            "ids": [task.id for task in tasks],
            "attempts": [task.attempt for task in tasks],
        },
    )
    held = {row[0] for row in rows}
    broker.extend([task.claim for task in tasks if task.id in held], to_ms(deadline))
    return held


def advance_workflows(
    rows: Sequence[tuple[Any, ...]], *, status_column: int, workflow_column: int, error_column: int
) -> None:
    """Advance the workflows of the tasks in `rows` (id first) that a statement failed for good."""
    members = [
        (row[0], row[workflow_column], row[error_column])
        for row in rows
        if row[workflow_column] is not None and row[status_column] == TaskStatus.FAILED
    ]
    if not members:
        return
    # Imported here: workflows import services, which import this package.
    from django_task_queue.workflows.advance import MemberOutcome, record_outcomes

    record_outcomes(
        [
            MemberOutcome(task_id, workflow_id, False, error=error)
            for task_id, workflow_id, error in members
        ]
    )


def reap_expired_leases(broker: Broker, *, limit: int = _REAP_BATCH) -> int:
    """Make tasks whose worker stopped heartbeating waiting again (or failed, if lost too often)."""
    conf = get_settings()
    now = timezone.now()
    params = {"now": now, "limit": limit, "max_lost": conf.MAX_LOST_ATTEMPTS}
    # One transaction with the workflows of members that failed for good (lost too often).
    with store.atomic():
        rows = store.write("reap_expired", params)
        advance_workflows(rows, status_column=1, workflow_column=7, error_column=8)
    entries: dict[str, list[PushEntry]] = {}
    for task_id, status, priority, seq, queue_name, attempt, *_ in rows:
        logger.warning(
            "task recovered: task_id=%s attempt=%s queue=%s status=%s (lease expired)",
            task_id,
            attempt,
            queue_name,
            status,
        )
        if status == "pending":
            entries.setdefault(queue_name, []).append(push_entry(task_id, priority, seq, None))
    for queue_name, queue_entries in entries.items():
        broker.push(queue_name, queue_entries, to_ms(now))
    events.settled(events.LOST, [(r[0], r[1], r[2], r[4], r[5], r[6]) for r in rows])
    if rows:
        # Redis leases of reaped tasks are dropped by the push; those of failed ones linger.
        for queue_name in {row[4] for row in rows}:
            broker.sweep_leases(queue_name, to_ms(now))
    return len(rows)

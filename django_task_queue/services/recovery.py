"""Maintenance of the Redis index: promote due tasks, sweep stale leases, reconcile Redis with
PostgreSQL. (The reaper, which changes statuses, is a transition: transitions/leases.py.)

Each is safe to run from every worker at once: the reconciler reads PostgreSQL in its turn (one
process at a time), and every Redis change is an idempotent script.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import Broker, PushEntry
from django_task_queue.conf import get_settings
from django_task_queue.dispatch import push_entry
from django_task_queue.timeutil import to_ms

logger = logging.getLogger(__name__)

# One reconciler at a time across all hosts; a holder that died frees the turn after this.
_RECONCILE_TURN_MS = 600_000
_BATCH = 1000


def promote_due(broker: Broker) -> int:
    """Move every queue's delayed tasks whose time has come into its ready set."""
    now_ms = to_ms(timezone.now())
    return sum(broker.promote(queue_name, now_ms) for queue_name in broker.queue_names())


def sweep_stale_leases(broker: Broker) -> int:
    """Drop Redis leases far past their deadline: PostgreSQL's reaper has settled those tasks."""
    conf = get_settings()
    before_ms = to_ms(timezone.now()) - int(conf.LEASE_S * 4000)
    return sum(broker.sweep_leases(name, before_ms) for name in broker.queue_names())


@contextmanager
def _reconcile_turn(broker: Broker) -> Iterator[bool]:
    # A turn in Redis rather than a PostgreSQL session lock: behind a pooler in transaction
    # mode (PgBouncer) a session lock stays on whichever server connection took it.
    holder = uuid.uuid4().hex
    acquired = broker.take_turn("reconciler", holder, _RECONCILE_TURN_MS)
    try:
        yield acquired
    finally:
        if acquired:
            broker.end_turn("reconciler", holder)


def reconcile(broker: Broker, *, grace_s: float | None = None) -> int | None:
    """Re-push every waiting task Redis lacks; None when another process is reconciling."""
    conf = get_settings()
    grace = conf.RECONCILE_GRACE_S if grace_s is None else grace_s
    with _reconcile_turn(broker) as acquired:
        if not acquired:
            return None
        changed_before = timezone.now() - timedelta(seconds=grace)
        after_seq = -1
        pushed = 0
        while True:
            rows = store.read(
                "waiting_batch",
                {"after_seq": after_seq, "changed_before": changed_before, "limit": _BATCH},
            )
            if not rows:
                break
            after_seq = rows[-1][2]
            pushed += _repush_absent(broker, rows)
        if pushed:
            logger.warning("reconciler re-pushed %d task(s) that Redis had lost", pushed)
        return pushed


def _repush_absent(broker: Broker, rows: list[tuple[Any, ...]]) -> int:
    """Re-push the rows Redis lacks, after PostgreSQL confirms they are still waiting.

    The second look matters: a task claimed and finished between the scan and the Redis check
    is absent from Redis but no longer waiting, and must not be pushed again.
    """
    ids_by_queue: dict[str, list[str]] = {}
    for task_id, _priority, _seq, queue_name, _due_at in rows:
        ids_by_queue.setdefault(queue_name, []).append(str(task_id))
    now_ms = to_ms(timezone.now())
    absent = [
        task_id
        for queue_name, ids in ids_by_queue.items()
        for task_id in broker.absent(queue_name, ids, now_ms)
    ]
    if not absent:
        return 0
    entries: dict[str, list[PushEntry]] = {}
    for task_id, priority, seq, queue_name, due_at in store.read("waiting_by_ids", {"ids": absent}):
        entries.setdefault(queue_name, []).append(push_entry(task_id, priority, seq, due_at))
    now_ms = to_ms(timezone.now())
    return sum(
        broker.reconcile(queue_name, queue_entries, now_ms)
        for queue_name, queue_entries in entries.items()
    )

"""A supervisor's verbs for the tasks its worker processes hold: renew their leases while the
processes live, and settle them when a process ends or is killed at a hard timeout.

The supervisor runs no task code, so nothing a task does (hold the GIL, block in C) can keep
it from renewing; it sees a child's death at once (waitpid), so it need not wait for a lease
to run out. Only a whole host that dies leaves its tasks to the reaper.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import timedelta
from typing import Any, Literal, NamedTuple

from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import Broker, Claim, PushEntry
from django_task_queue.conf import get_settings
from django_task_queue.dispatch import push_entry
from django_task_queue.outcomes import ClaimedTask
from django_task_queue.priorities import ready_score
from django_task_queue.states import TaskStatus
from django_task_queue.timeutil import to_ms
from django_task_queue.transitions import events
from django_task_queue.transitions.fail import fail_timed_out
from django_task_queue.transitions.leases import advance_workflows

logger = logging.getLogger(__name__)

type RunningOutcome = Literal["lost", "interrupted"]


class Renewal(NamedTuple):
    """What a renewal did: how many leases moved, and which tasks Redis held no lease for."""

    renewed: int
    unheld: frozenset[str]


def renew_worker_leases(
    broker: Broker, worker_ids: Sequence[str], *, end_if_unheld: AbstractSet[str] = frozenset()
) -> Renewal:
    """Move the lease of every task these worker processes hold.

    A task PostgreSQL says they hold but Redis holds no lease for may be held by none of them:
    its outcome's commit was lost in a crash after the lease was dropped. Renewed for as long as
    its worker process lived, it would never run again. Redis also lacks the leases of every
    task after losing its data, while their code runs on, so one look is not enough: the caller
    passes in `end_if_unheld` the tasks it saw unheld at its last renewal and has not seen
    running since (its children's boards), and only those leases end now, for the reaper.
    """
    if not worker_ids:
        return Renewal(0, frozenset())
    now = timezone.now()
    deadline = now + timedelta(seconds=get_settings().LEASE_S)
    rows = store.write(
        "extend_worker_leases", {"lease_expires_at": deadline, "worker_ids": list(worker_ids)}
    )
    by_queue: dict[str, list[str]] = {}
    for task_id, queue_name in rows:
        by_queue.setdefault(queue_name, []).append(str(task_id))
    unheld: set[str] = set()
    for queue_name, task_ids in by_queue.items():
        unheld.update(broker.extend_held(queue_name, task_ids, to_ms(deadline)))
    ending = [task_id for task_id in unheld if task_id in end_if_unheld]
    if not ending:
        return Renewal(len(rows), frozenset(unheld))
    ended = store.write("end_unheld_leases", {"ids": ending, "renewed_until": deadline, "now": now})
    for (task_id,) in ended:
        logger.warning("task %s: no worker process holds it; its lease ends now", task_id)
    gone = {str(task_id) for (task_id,) in ended}
    return Renewal(len(rows) - len(gone), frozenset(unheld - gone))


def release_worker_tasks(
    broker: Broker,
    worker_id: str,
    running: Sequence[tuple[uuid.UUID, int]] | None,
    *,
    outcome: RunningOutcome,
    reason: str,
) -> int:
    """Settle every task a worker process that ended still held; returns how many.

    `running` names the (task, attempt) pairs whose code had started (None: unknown, so all
    of them): those end with `outcome`; the others go back to their queue as if never claimed.
    """
    now = timezone.now()
    params = {
        "worker_id": worker_id,
        "all_running": running is None,
        "running_ids": [task_id for task_id, _ in running or ()],
        "running_attempts": [attempt for _, attempt in running or ()],
        "running_outcome": outcome,
        "reason": reason,
        "max_lost": get_settings().MAX_LOST_ATTEMPTS,
        "now": now,
    }
    # One transaction with the workflows of members that failed for good (lost too often).
    with store.atomic():
        rows = store.write("release_worker_tasks", params)
        advance_workflows(rows, status_column=1, workflow_column=8, error_column=9)
    waiting: dict[str, list[PushEntry]] = {}
    settled: dict[str, list[str]] = {}
    for task_id, status, priority, seq, queue_name, attempt, was_running, *_ in rows:
        if was_running:
            logger.warning(
                "task %s: task_id=%s attempt=%s queue=%s status=%s (%s)",
                outcome,
                task_id,
                attempt,
                queue_name,
                status,
                reason,
            )
        if status in {TaskStatus.PENDING, TaskStatus.RETRY}:
            waiting.setdefault(queue_name, []).append(push_entry(task_id, priority, seq, None))
        else:
            settled.setdefault(queue_name, []).append(str(task_id))
    for queue_name, entries in waiting.items():
        broker.push(queue_name, entries, to_ms(now))  # the push replaces each lease
    events.settled(events.LOST, [(r[0], r[1], r[2], r[4], r[5], r[7]) for r in rows])
    for queue_name, task_ids in settled.items():
        broker.forget_leases(queue_name, task_ids)
    return len(rows)


def fail_at_hard_timeout(
    broker: Broker, task_id: uuid.UUID, attempt: int, duration_ms: float
) -> TaskStatus | None:
    """Record that a task's process was killed at its hard timeout; None when fenced out."""
    rows = store.read("held_task", {"task_id": task_id, "attempt": attempt})
    if not rows:
        return None
    task = _held(rows[0])
    status = fail_timed_out(broker, task, duration_ms)
    if status == TaskStatus.FAILED:
        broker.forget_leases(task.queue_name, [str(task.id)])
    return status


def _held(row: tuple[Any, ...]) -> ClaimedTask:
    (task_id, task_name, args, kwargs, attempt, timeout_s, retry_count, max_retries,
     retry_delay_s, retry_backoff, priority, seq, queue_name, workflow_id) = row  # fmt: skip
    # The claim token is the worker's, which the supervisor does not know: the lease is
    # dropped by id instead (forget_leases), or replaced by the retry's push.
    claim = Claim(str(task_id), queue_name, "", ready_score(priority, seq))
    return ClaimedTask(
        claim=claim,
        id=task_id,
        task_name=task_name,
        args=args,
        kwargs=kwargs,
        attempt=attempt,
        timeout_s=timeout_s,
        retry_count=retry_count,
        max_retries=max_retries,
        retry_delay_s=retry_delay_s,
        retry_backoff=retry_backoff,
        priority=priority,
        seq=seq,
        queue_name=queue_name,
        workflow_id=workflow_id,
    )

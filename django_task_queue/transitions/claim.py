"""Claim, complete and unclaim: a worker's batch statement, which records the successes of the
batch it ran and claims the next, and the undoing of claims it never started.

Each verb is one conditional statement in PostgreSQL, then the matching Redis change, and the
Redis change happens only if PostgreSQL accepted the transition (the fence).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import Broker, Claim, PushEntry
from django_task_queue.conf import get_settings
from django_task_queue.dispatch import push_entry
from django_task_queue.exceptions import StoreUnavailableError
from django_task_queue.outcomes import ClaimedTask, Completed
from django_task_queue.states import TaskStatus
from django_task_queue.timeutil import to_ms
from django_task_queue.transitions import events

# A task popped from Redis a little before PostgreSQL's due time (clock skew between hosts)
# still runs rather than bouncing between the two stores.
_DUE_TOLERANCE = timedelta(seconds=1)


def claim_batch(
    broker: Broker, queue_names: Sequence[str], worker_id: str, count: int = 1
) -> list[ClaimedTask] | None:
    """Claim up to `count` tasks, best first; None when Redis has nothing ready.

    An empty list means Redis handed out only entries PostgreSQL would not start (finished,
    cancelled or not yet due); those are settled here.
    """
    return complete_and_claim(broker, (), queue_names, worker_id, count)[1]


def complete_and_claim(
    broker: Broker,
    done: Sequence[Completed],
    queue_names: Sequence[str],
    worker_id: str,
    count: int = 1,
) -> tuple[set[uuid.UUID], list[ClaimedTask] | None]:
    """Record the successes in `done` and claim up to `count` next tasks in one statement.

    Returns the ids of `done` that were applied (see `complete_many`) and the claimed tasks,
    as `claim_batch` does. A worker pays one commit per batch, not two (it does not wait for
    the WAL flush: docs/architecture.md, "Durability"), and the leases of the recorded
    successes are dropped with its next claim's round trip. Workflow members' successes are
    recorded first, each batch of them in one transaction with their workflows' advance.
    """
    if any(d.task.workflow_id is not None for d in done):
        members = [d for d in done if d.task.workflow_id is not None]
        recorded = _complete_members(broker, members)
        others = [d for d in done if d.task.workflow_id is None]
        applied, claimed = _complete_and_claim(broker, others, queue_names, worker_id, count)
        return recorded | applied, claimed
    return _complete_and_claim(broker, done, queue_names, worker_id, count)


def _complete_and_claim(
    broker: Broker,
    done: Sequence[Completed],
    queue_names: Sequence[str],
    worker_id: str,
    count: int,
) -> tuple[set[uuid.UUID], list[ClaimedTask] | None]:
    now = timezone.now()
    lease_ms = int(get_settings().LEASE_S * 1000)
    claims = broker.claim(queue_names, uuid.uuid4().hex, to_ms(now), lease_ms, count)
    if not claims:
        return complete_many(broker, done), None
    try:
        recorded, rows = _write(done, claims, worker_id, now, lease_ms)
    except StoreUnavailableError:
        # PostgreSQL is down: hand the entries back now rather than after their lease runs out.
        entries = [PushEntry(claim.task_id, claim.score, 0) for claim in claims]
        broker.push(claims[0].queue_name, entries, to_ms(now))
        raise
    broker.ack_later([d.task.claim for d in done])
    by_id = {str(row[0]): row for row in rows}
    claimed: list[ClaimedTask] = []
    for claim in claims:  # in Redis' order: best first
        row = by_id.get(claim.task_id)
        if row is None:
            _settle_unclaimable(broker, claim)
        else:
            claimed.append(_claimed(claim, row))
    _succeeded(done, recorded)
    events.of_claimed("started", claimed, TaskStatus.PROCESSING)
    return recorded, claimed


def _succeeded(done: Sequence[Completed], recorded: set[uuid.UUID]) -> None:
    if recorded:
        events.of_claimed(
            "succeeded", (d.task for d in done if d.task.id in recorded), TaskStatus.SUCCESS
        )


def _write(
    done: Sequence[Completed],
    claims: Sequence[Claim],
    worker_id: str,
    now: datetime,
    lease_ms: int,
) -> tuple[set[uuid.UUID], list[tuple[Any, ...]]]:
    """Run `complete_and_claim`: the ids of the successes applied, and the claimed rows."""
    rows = store.write(
        "complete_and_claim",
        {
            "done_ids": [d.task.id for d in done],
            "done_attempts": [d.task.attempt for d in done],
            "results": [d.result_json for d in done],
            "started": [d.started_at for d in done],
            "finished": [d.finished_at for d in done],
            "durations": [d.duration_ms for d in done],
            "claim_ids": [claim.task_id for claim in claims],
            "worker_id": worker_id,
            "now": now,
            "lease_expires_at": now + timedelta(milliseconds=lease_ms),
            "due_by": now + _DUE_TOLERANCE,
        },
    )
    applied = next((row[0] for row in rows if row[0] is not None), ())
    return set(applied), [row[1:] for row in rows if row[1] is not None]


def _claimed(claim: Claim, row: tuple[Any, ...]) -> ClaimedTask:
    (
        task_id,
        task_name,
        args,
        kwargs,
        attempt,
        timeout,
        retry_count,
        max_retries,
        retry_delay,
        retry_backoff,
        priority,
        seq,
        queue_name,
        due_at,
        after_loss,
        workflow_id,
    ) = row
    return ClaimedTask(
        claim=claim,
        id=task_id,
        task_name=task_name,
        args=_json(args),
        kwargs=_json(kwargs),
        attempt=attempt,
        timeout_s=timeout,
        retry_count=retry_count,
        max_retries=max_retries,
        retry_delay_s=retry_delay,
        retry_backoff=retry_backoff,
        priority=priority,
        seq=seq,
        queue_name=queue_name,
        due_at=datetime.fromtimestamp(due_at, UTC) if due_at is not None else None,
        after_loss=after_loss,
        workflow_id=workflow_id,
    )


def unclaim(broker: Broker, tasks: Sequence[ClaimedTask]) -> None:
    """Give back claimed tasks this worker never started, as if it had not claimed them."""
    if not tasks:
        return
    now = timezone.now()
    store.write(
        "unclaim_tasks",
        {"ids": [t.id for t in tasks], "attempts": [t.attempt for t in tasks], "now": now},
    )
    # The push drops the leases and makes the tasks ready again, with their own scores.
    for queue_name, queue_tasks in _by_queue(tasks).items():
        entries = [PushEntry(str(t.id), t.claim.score, 0) for t in queue_tasks]
        broker.push(queue_name, entries, to_ms(now))
    for status in (TaskStatus.PENDING, TaskStatus.RETRY):
        back = [
            replace(t, attempt=t.attempt - 1)
            for t in tasks
            if (t.retry_count > 0) == (status == TaskStatus.RETRY)
        ]
        events.of_claimed("released", back, status)


def _by_queue(tasks: Sequence[ClaimedTask]) -> dict[str, list[ClaimedTask]]:
    grouped: dict[str, list[ClaimedTask]] = {}
    for task in tasks:
        grouped.setdefault(task.queue_name, []).append(task)
    return grouped


def _json(value: Any) -> Any:
    # psycopg returns jsonb decoded; a text column (older rows, other drivers) is decoded here.
    return json.loads(value) if isinstance(value, str) else value


def _settle_unclaimable(broker: Broker, claim: Claim) -> None:
    """Redis handed out a task PostgreSQL won't start: finished, cancelled, or not yet due."""
    waiting = store.read("waiting_entry", {"task_id": claim.task_id})
    if not waiting:
        broker.ack([claim])
        return
    ((priority, seq, queue_name, due_at),) = waiting
    entry = push_entry(uuid.UUID(claim.task_id), priority, seq, due_at)
    broker.push(queue_name, [entry], to_ms(timezone.now()))


def complete_many(broker: Broker, done: Sequence[Completed]) -> set[uuid.UUID]:
    """Record successes in one statement, then drop their leases; returns the ids applied.

    An id missing from the answer belonged to an attempt a newer one replaced: its outcome
    is dropped (the fence).
    """
    if not done:
        return set()
    if any(d.task.workflow_id is not None for d in done):
        members = [d for d in done if d.task.workflow_id is not None]
        others = [d for d in done if d.task.workflow_id is None]
        return _complete_members(broker, members) | complete_many(broker, others)
    recorded, _ = _write(done, (), "", timezone.now(), 0)
    broker.ack([d.task.claim for d in done])
    _succeeded(done, recorded)
    return recorded


def _complete_members(broker: Broker, done: Sequence[Completed]) -> set[uuid.UUID]:
    """Record workflow members' successes and advance their workflows in one transaction, so a
    callback or next step exists exactly when the outcome that makes it runnable does."""
    # Imported here: workflows import services, which import this package.
    from django_task_queue.workflows.advance import MemberOutcome, record_outcomes

    with store.atomic():
        recorded, _ = _write(done, (), "", timezone.now(), 0)
        record_outcomes(
            [
                MemberOutcome(d.task.id, d.task.workflow_id, True, json.loads(d.result_json))
                for d in done
                if d.task.id in recorded and d.task.workflow_id is not None
            ]
        )
    broker.ack([d.task.claim for d in done])
    _succeeded(done, recorded)
    return recorded

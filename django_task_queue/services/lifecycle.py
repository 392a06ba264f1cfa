"""A worker's side of the state machine: claim, complete, fail, release and keep leases alive.

Each verb is one conditional statement in PostgreSQL, then the matching Redis change, and the
Redis change happens only if PostgreSQL accepted the transition (the fence).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from django_task_queue import store
from django_task_queue.backoff import retry_delay_s
from django_task_queue.broker.client import Broker, Claim, PushEntry
from django_task_queue.conf import get_settings
from django_task_queue.dispatch import push_entry
from django_task_queue.exceptions import StoreUnavailableError
from django_task_queue.states import AttemptOutcome, TaskStatus
from django_task_queue.timeutil import to_ms

logger = logging.getLogger(__name__)

# A task popped from Redis a little before PostgreSQL's due time (clock skew between hosts)
# still runs rather than bouncing between the two stores.
_DUE_TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class ClaimedTask:
    """A task this worker holds a lease on, for one attempt."""

    claim: Claim
    id: uuid.UUID
    task_name: str
    args: list[Any]
    kwargs: dict[str, Any]
    attempt: int
    timeout_s: float
    retry_count: int
    max_retries: int
    retry_delay_s: float
    retry_backoff: bool
    priority: int
    seq: int
    queue_name: str
    # When the task became due (run_after, else enqueue): a first attempt's wait starts here.
    due_at: datetime | None = None
    # The attempt before this one was lost: its worker died while holding it (and maybe others).
    after_loss: bool = False


@dataclass(frozen=True)
class Failure:
    """What went wrong in an attempt."""

    outcome: AttemptOutcome
    error_type: str
    error_message: str
    traceback: str


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
    as `claim_batch` does. A worker pays one synchronous commit per batch, not two, and the
    leases of the recorded successes are dropped with its next claim's round trip.
    """
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
    return recorded, claimed


def _write(
    done: Sequence[Completed],
    claims: Sequence[Claim],
    worker_id: str,
    now: datetime,
    lease_ms: int,
) -> tuple[set[uuid.UUID], list[tuple[Any, ...]]]:
    """Run `complete_and_claim`: the ids of the successes applied, and the claimed rows."""
    rows = store.fetch_all(
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
            # Outcomes are durable before their leases are dropped; a claim alone need not be.
            "synchronous_commit": "on" if done else "off",
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
    )


def unclaim(broker: Broker, tasks: Sequence[ClaimedTask]) -> None:
    """Give back claimed tasks this worker never started, as if it had not claimed them."""
    if not tasks:
        return
    now = timezone.now()
    store.fetch_all(
        "unclaim_tasks",
        {"ids": [t.id for t in tasks], "attempts": [t.attempt for t in tasks], "now": now},
    )
    # The push drops the leases and makes the tasks ready again, with their own scores.
    for queue_name, queue_tasks in _by_queue(tasks).items():
        entries = [PushEntry(str(t.id), t.claim.score, 0) for t in queue_tasks]
        broker.push(queue_name, entries, to_ms(now))


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
    waiting = store.fetch_one("waiting_entry", {"task_id": claim.task_id})
    if waiting is None:
        broker.ack([claim])
        return
    priority, seq, queue_name, due_at = waiting
    entry = push_entry(uuid.UUID(claim.task_id), priority, seq, due_at)
    broker.push(queue_name, [entry], to_ms(timezone.now()))


@dataclass(frozen=True)
class Completed:
    """A successful attempt waiting to be recorded."""

    task: ClaimedTask
    result_json: str
    duration_ms: float
    finished_at: datetime

    @property
    def started_at(self) -> datetime:
        return self.finished_at - timedelta(milliseconds=self.duration_ms)


def complete_many(broker: Broker, done: Sequence[Completed]) -> set[uuid.UUID]:
    """Record successes in one statement, then drop their leases; returns the ids applied.

    An id missing from the answer belonged to an attempt a newer one replaced: its outcome
    is dropped (the fence).
    """
    if not done:
        return set()
    recorded, _ = _write(done, (), "", timezone.now(), 0)
    broker.ack([d.task.claim for d in done])
    return recorded


def _storable(text: str) -> str:
    """Task code's error text as PostgreSQL can store it: a NUL or a lone surrogate (from
    bytes decoded with surrogateescape) made the write fail, and the worker with it."""
    if text.isascii() and "\x00" not in text:
        return text
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def fail(
    broker: Broker, task: ClaimedTask, failure: Failure, duration_ms: float
) -> TaskStatus | None:
    """Record a failed attempt and schedule a retry if any is left; None when fenced out."""
    conf = get_settings()
    now = timezone.now()
    will_retry = task.retry_count < task.max_retries
    next_retry_at: datetime | None = None
    if will_retry:
        delay = retry_delay_s(
            base_delay_s=task.retry_delay_s,
            retry_number=task.retry_count + 1,
            backoff=task.retry_backoff,
            max_delay_s=conf.MAX_RETRY_DELAY_S,
        )
        next_retry_at = now + timedelta(seconds=delay)
    status = TaskStatus.RETRY if will_retry else TaskStatus.FAILED
    applied = store.fetch_one(
        "fail_task",
        {
            "task_id": task.id,
            "attempt": task.attempt,
            "status": status.value,
            "retry_count": task.retry_count + 1 if will_retry else task.retry_count,
            "next_retry_at": next_retry_at,
            "completed_at": None if will_retry else now,
            "error_type": _storable(failure.error_type)[:200],
            "error_message": _storable(failure.error_message),
            "traceback": _storable(failure.traceback),
            "outcome": failure.outcome.value,
            "now": now,
            "started_at": now - timedelta(milliseconds=duration_ms),
            "duration_ms": duration_ms,
        },
    )
    if applied is None:
        broker.ack([task.claim])
        return None
    if will_retry:
        # The push replaces this attempt's lease with a delayed entry in one script.
        entry = push_entry(task.id, task.priority, task.seq, next_retry_at)
        broker.push(task.queue_name, [entry], to_ms(now))
    else:
        broker.ack([task.claim])
    return status


def release(broker: Broker, task: ClaimedTask, reason: str, duration_ms: float) -> bool:
    """Give an unfinished task back to its queue at once, without spending a retry."""
    now = timezone.now()
    applied = store.fetch_one(
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
    if applied is None:
        broker.ack([task.claim])
        return False
    broker.push(task.queue_name, [push_entry(task.id, task.priority, task.seq, None)], to_ms(now))
    return True


def extend_leases(broker: Broker, tasks: Sequence[ClaimedTask]) -> set[uuid.UUID]:
    """Renew the leases of running tasks; returns the ids whose lease this worker still holds."""
    if not tasks:
        return set()
    conf = get_settings()
    now = timezone.now()
    deadline = now + timedelta(seconds=conf.LEASE_S)
    rows = store.fetch_all(
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

"""Fail: an attempt that raised or timed out, recorded by its worker (or, on a hard timeout, by
the worker's heartbeat); the task is retried later while retries remain, else failed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from django_task_queue import store
from django_task_queue.backoff import retry_delay_s
from django_task_queue.broker.client import Broker
from django_task_queue.conf import get_settings
from django_task_queue.dispatch import push_entry
from django_task_queue.outcomes import ClaimedTask, Failure
from django_task_queue.states import AttemptOutcome, TaskStatus
from django_task_queue.timeutil import to_ms
from django_task_queue.transitions import events


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
    params: dict[str, Any] = {
        "task_id": task.id,
        "attempt": task.attempt,
        "will_retry": will_retry,
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
    }
    if task.workflow_id is not None and not will_retry:
        applied = _fail_member(task, failure, params)
    else:
        applied = bool(store.write("fail_task", params))
    if not applied:
        broker.ack([task.claim])
        return None
    if will_retry:
        # The push replaces this attempt's lease with a delayed entry in one script.
        entry = push_entry(task.id, task.priority, task.seq, next_retry_at)
        broker.push(task.queue_name, [entry], to_ms(now))
        events.of_claimed("retry_scheduled", [task], TaskStatus.RETRY)
        return TaskStatus.RETRY
    broker.ack([task.claim])
    events.of_claimed("failed", [task], TaskStatus.FAILED)
    return TaskStatus.FAILED


def _fail_member(task: ClaimedTask, failure: Failure, params: dict[str, Any]) -> bool:
    """A workflow member failed for good: recorded with its workflow's failure, or its group
    counting it, in one transaction."""
    # Imported here: workflows import services, which import this package.
    from django_task_queue.workflows.advance import MemberOutcome, record_outcomes

    assert task.workflow_id is not None
    with store.atomic():
        if not store.write("fail_task", params):
            return False
        error = f"{failure.error_type}: {failure.error_message}"
        record_outcomes([MemberOutcome(task.id, task.workflow_id, False, error=error)])
    return True


def fail_timed_out(broker: Broker, task: ClaimedTask, duration_ms: float) -> TaskStatus | None:
    """Record a hard timeout (task code ignored the soft one) as a failed attempt, as `fail`."""
    failure = Failure(
        AttemptOutcome.TIMEOUT,
        "TimeoutError",
        f"Task exceeded its timeout of {task.timeout_s:g} s and did not stop; "
        "its worker process was killed and replaced",
        "",
    )
    return fail(broker, task, failure, duration_ms)

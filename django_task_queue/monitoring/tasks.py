"""Reads over the task table for the task endpoints and the admin: bounded counts, the names in
use, and why a task is still waiting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import get_broker
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.flow_control import limits, queue_limits
from django_task_queue.models import PausedQueue, Task
from django_task_queue.states import WAITING_STATUSES, TaskStatus
from django_task_queue.timeutil import iso, to_ms

# Counting more rows than this on every list request would cost a scan of the table.
COUNT_CAP = 10_000
_WAITING = [status.value for status in WAITING_STATUSES]


def table_estimate() -> int:
    """PostgreSQL's planner estimate of the task table's rows (-1 before its first ANALYZE)."""
    rows = store.read("table_estimate")
    return int(rows[0][0]) if rows else -1


def task_names_containing(text: str) -> list[str]:
    """The distinct task names containing `text`, case-insensitively."""
    return [name for (name,) in store.read("task_names_containing", {"text": text})]


def distinct_values(column: str, limit: int = 200) -> list[str]:
    """The distinct queue names (`queue_name`) or task names (`task_name`) of the task table."""
    query = {"queue_name": "queue_names", "task_name": "task_names"}[column]
    return [row[0] for row in store.read(query, {"limit": limit})]


def count_tasks(queryset: QuerySet[Any, Any]) -> tuple[int, bool]:
    """(count, is_estimate): exact up to COUNT_CAP matching rows, an estimate beyond."""
    estimate = -1
    if not queryset.query.where:
        estimate = table_estimate()
        if estimate > COUNT_CAP:
            return estimate, True
    # A LIMITed subquery: PostgreSQL stops after COUNT_CAP + 1 rows, however many match.
    bounded = queryset.order_by()[: COUNT_CAP + 1].count()
    if bounded > COUNT_CAP:
        return max(estimate, COUNT_CAP), True
    return bounded, False


def due_waiting(queryset: QuerySet[Task], now: datetime) -> QuerySet[Task]:
    """Waiting tasks whose time has come (not scheduled for later, not waiting for a retry)."""
    return (
        queryset.filter(status__in=_WAITING)
        .alias(due_at=Coalesce("next_retry_at", "run_after"))
        .filter(Q(due_at__isnull=True) | Q(due_at__lte=now))
    )


def waiting_reason(task: Task) -> str | None:
    """Why a pending or retrying task is not running yet; None for any other status."""
    if task.status not in _WAITING:
        return None
    now = timezone.now()
    return (
        _schedule_reason(task, now)
        or _pause_reason(task)
        or _limit_reason(task, now)
        or _queue_limit_reason(task, now)
        or _worker_reason(task)
        or _position_reason(task, now)
    )


def _pause_reason(task: Task) -> str | None:
    if PausedQueue.objects.filter(queue_name=task.queue_name).exists():
        return f"waiting: queue {task.queue_name} is paused"
    return None


def _schedule_reason(task: Task, now: datetime) -> str | None:
    due_at = task.next_retry_at or task.run_after
    if due_at is None or due_at <= now:
        return None
    if task.status == TaskStatus.RETRY:
        return f"waiting for retry at {iso(due_at)}"
    return f"scheduled for {iso(due_at)}"


def _limit_reason(task: Task, now: datetime) -> str | None:
    group = task.limit_group
    rules = limits.rules_of(group) if group else None
    if group is None or rules is None:
        return None
    name = limits.describe(group)
    try:
        broker = get_broker()
        if rules.concurrency:
            held = broker.concurrency_slots_held(task.queue_name, group, to_ms(now))
            if held >= rules.concurrency:
                return f"waiting: concurrency limit {rules.concurrency} of {name} reached"
        if rules.interval_ms and broker.next_start_ms(task.queue_name, group) > to_ms(now):
            return f"waiting: rate limit {limits.describe_rate(rules.interval_ms)} of {name}"
    except BrokerUnavailableError:
        pass  # the worker reason says Redis is unreachable
    return None


def _queue_limit_reason(task: Task, now: datetime) -> str | None:
    try:
        return queue_limits.waiting_reason(task.queue_name, to_ms(now), get_broker())
    except BrokerUnavailableError:
        return None  # the worker reason says Redis is unreachable


def _worker_reason(task: Task) -> str | None:
    try:
        workers = get_broker().workers()
    except BrokerUnavailableError:
        return "Redis is unreachable, so no worker can be handed this task"
    if any(task.queue_name in w.queues and w.state != "stopping" for w in workers):
        return None
    return f"no live worker serves queue {task.queue_name}"


def _position_reason(task: Task, now: datetime) -> str:
    queue = task.queue_name
    ahead = _count_ahead(task, now)
    if ahead == 0:
        return f"next in queue {queue}; waiting for a free worker"
    if ahead > COUNT_CAP:
        return f"behind more than {COUNT_CAP} tasks of higher or equal priority in queue {queue}"
    return f"behind {ahead} task(s) of higher or equal priority in queue {queue}"


def _count_ahead(task: Task, now: datetime) -> int:
    # Served by the (queue_name, status, priority) index; bounded like the list's count.
    ahead = due_waiting(Task.objects.filter(queue_name=task.queue_name), now).filter(
        Q(priority__gt=task.priority) | Q(priority=task.priority, seq__lt=task.seq)
    )
    return ahead.order_by()[: COUNT_CAP + 1].count()

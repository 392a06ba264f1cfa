"""Enqueueing: validate, insert the rows (PostgreSQL), then push them to Redis on commit."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from typing import Any

from django.db import transaction
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import PushEntry, get_broker
from django_task_queue.broker.metrics import MetricsStore, MetricValues
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import (
    BrokerUnavailableError,
    TaskValidationError,
    UnknownTaskError,
)
from django_task_queue.metrics.definitions import ENQUEUED
from django_task_queue.models import Task
from django_task_queue.priorities import DEFAULT_PRIORITY, ready_score
from django_task_queue.services import validation
from django_task_queue.task_registry import TaskFunction, task_registry
from django_task_queue.timeutil import to_ms

logger = logging.getLogger(__name__)

BULK_BATCH_SIZE = 1000


@dataclass
class TaskSpec:
    """One task to enqueue; None options fall back to the function's, then the settings'."""

    task: str | Callable[..., Any]
    args: Any = ()
    kwargs: Any = None
    priority: int | str | None = None
    max_retries: int | None = None
    retry_delay: float | None = None
    timeout: float | None = None
    queue_name: str | None = None
    run_after: datetime | None = None
    countdown: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Row:
    id: uuid.UUID
    task_name: str
    args: list[Any]
    kwargs: dict[str, Any]
    args_json: str
    kwargs_json: str
    priority: int
    queue_name: str
    max_retries: int
    retry_delay: float
    retry_backoff: bool
    timeout: float
    run_after: datetime | None


def _resolve(task: str | Callable[..., Any]) -> TaskFunction:
    if isinstance(task, str):
        try:
            return task_registry.get_task(task)
        except UnknownTaskError as exc:
            raise TaskValidationError("task_name", str(exc)) from exc
    if callable(task):
        return task_registry.get_task(task_registry.name_of(task))
    raise TaskValidationError("task_name", "must be a task name or a registered function")


def _first(*values: Any) -> Any:
    return next(value for value in values if value is not None)


def build_row(spec: TaskSpec, now: datetime) -> _Row:
    """Validate one spec into a row ready to insert; raises TaskValidationError naming the field."""
    if spec.extra:
        raise TaskValidationError(sorted(spec.extra)[0], "is not a known option")
    conf = get_settings()
    task = _resolve(spec.task)
    defaults = task.options
    args = validation.check_args(spec.args)
    kwargs = validation.check_kwargs(spec.kwargs)
    args_json = validation.json_roundtrip("args", args)
    kwargs_json = validation.json_roundtrip("kwargs", kwargs)
    validation.check_binding(task, args, kwargs)
    return _Row(
        id=uuid.uuid4(),
        task_name=task.name,
        args=args,
        kwargs=kwargs,
        args_json=args_json,
        kwargs_json=kwargs_json,
        priority=validation.check_priority(
            _first(spec.priority, defaults.priority, DEFAULT_PRIORITY)
        ),
        queue_name=validation.check_queue_name(
            _first(spec.queue_name, defaults.queue_name, conf.DEFAULT_QUEUE)
        ),
        max_retries=validation.check_max_retries(
            _first(spec.max_retries, defaults.max_retries, conf.DEFAULT_MAX_RETRIES)
        ),
        retry_delay=validation.check_seconds(
            "retry_delay",
            _first(spec.retry_delay, defaults.retry_delay, conf.DEFAULT_RETRY_DELAY_S),
            minimum=0,
            maximum=validation.MAX_DELAY_S,
        ),
        retry_backoff=defaults.retry_backoff,
        timeout=validation.check_seconds(
            "timeout",
            _first(spec.timeout, defaults.timeout, conf.DEFAULT_TIMEOUT_S),
            minimum=0.001,
            maximum=validation.MAX_TIMEOUT_S,
        ),
        run_after=validation.check_schedule(spec.run_after, spec.countdown, now),
    )


def enqueue(
    task: str | Callable[..., Any],
    args: Any = (),
    kwargs: Any = None,
    *,
    priority: int | str | None = None,
    max_retries: int | None = None,
    retry_delay: float | None = None,
    timeout: float | None = None,
    queue_name: str | None = None,
    run_after: datetime | None = None,
    countdown: float | None = None,
) -> Task:
    """Enqueue one task; inside `transaction.atomic()` it is dispatched when the caller commits."""
    spec = TaskSpec(
        task=task,
        args=args,
        kwargs=kwargs,
        priority=priority,
        max_retries=max_retries,
        retry_delay=retry_delay,
        timeout=timeout,
        queue_name=queue_name,
        run_after=run_after,
        countdown=countdown,
    )
    return enqueue_many([spec])[0]


def enqueue_many(specs: Iterable[TaskSpec], *, batch_size: int = BULK_BATCH_SIZE) -> list[Task]:
    """Enqueue many tasks: one INSERT and one Redis push per batch.

    All or nothing: the whole call runs in one transaction (the caller's, if any), so a bad spec
    raises and nothing is committed or pushed. Each batch is validated while PostgreSQL inserts
    the one before it.
    """
    now = timezone.now()
    iterator = iter(specs)
    first = [build_row(spec, now) for spec in islice(iterator, batch_size)]
    following = next(iterator, None)
    if following is None and not transaction.get_connection().in_atomic_block:
        # One INSERT is atomic by itself: skipping BEGIN/COMMIT saves two round trips.
        return _insert(first, now)
    batches = (
        [first]
        if following is None
        else chain([first], _built(following, iterator, now, batch_size))
    )
    tasks: list[Task] = []
    with transaction.atomic():
        params = ((rows, _insert_params(rows, now)) for rows in batches)
        for rows, inserted in store.fetch_all_overlapped("insert_tasks", params):
            tasks += _registered(rows, inserted, now)
    return tasks


def _built(
    following: TaskSpec, rest: Iterator[TaskSpec], now: datetime, batch_size: int
) -> Iterator[list[_Row]]:
    """Validated rows, a batch at a time, built only when the next batch is asked for."""
    specs = chain([following], rest)
    while batch_specs := list(islice(specs, batch_size)):
        yield [build_row(spec, now) for spec in batch_specs]


def enqueue_stream(specs: Iterable[TaskSpec], *, batch_size: int = BULK_BATCH_SIZE) -> int:
    """Enqueue an unbounded stream in batches, each its own transaction; memory stays bounded.

    Unlike enqueue_many, a bad spec stops the stream after the batches already committed.
    """
    count = 0
    iterator = iter(specs)
    while batch_specs := list(islice(iterator, batch_size)):
        now = timezone.now()
        batch = [build_row(spec, now) for spec in batch_specs]
        with transaction.atomic():
            count += len(_insert(batch, now))
    return count


def _insert(rows: list[_Row], now: datetime) -> list[Task]:
    return _registered(rows, store.fetch_all("insert_tasks", _insert_params(rows, now)), now)


def _insert_params(rows: list[_Row], now: datetime) -> dict[str, Any]:
    return {
        "now": now,
        "ids": [row.id for row in rows],
        "task_names": [row.task_name for row in rows],
        "args": [row.args_json for row in rows],
        "kwargs": [row.kwargs_json for row in rows],
        "priorities": [row.priority for row in rows],
        "queue_names": [row.queue_name for row in rows],
        "max_retries": [row.max_retries for row in rows],
        "retry_delays": [row.retry_delay for row in rows],
        "retry_backoffs": [row.retry_backoff for row in rows],
        "timeouts": [row.timeout for row in rows],
        "run_afters": [row.run_after for row in rows],
    }


def _registered(rows: list[_Row], inserted: list[tuple[Any, ...]], now: datetime) -> list[Task]:
    """The inserted rows as models, pushed to Redis when the transaction commits."""
    seq_by_id: dict[uuid.UUID, int] = dict(inserted)
    tasks = [_as_model(row, seq_by_id[row.id], now) for row in rows]
    entries: dict[str, list[PushEntry]] = {}
    for task in tasks:
        entries.setdefault(task.queue_name, []).append(
            push_entry(task.id, task.priority, task.seq, task.run_after)
        )
    transaction.on_commit(lambda: _after_commit(tasks, entries))
    return tasks


def _after_commit(tasks: list[Task], entries: dict[str, list[PushEntry]]) -> None:
    """Dispatch a committed batch, count it for /metrics, and log it (at DEBUG)."""
    enqueued = Counter((task.queue_name, task.task_name) for task in tasks)
    push_after_commit(entries, enqueued)
    if logger.isEnabledFor(logging.DEBUG):
        for task in tasks:
            logger.debug(
                "task enqueued: task_id=%s task_name=%s queue=%s priority=%s",
                task.id,
                task.task_name,
                task.queue_name,
                task.priority,
            )
        by_queue = Counter(task.queue_name for task in tasks)
        queues = " ".join(f"{name}={count}" for name, count in sorted(by_queue.items()))
        logger.debug("enqueued %d task(s): %s", len(tasks), queues)


def push_entry(task_id: uuid.UUID, priority: int, seq: int, due_at: datetime | None) -> PushEntry:
    return PushEntry(
        task_id=str(task_id),
        score=ready_score(priority, seq),
        due_ms=to_ms(due_at) if due_at else 0,
    )


def push_after_commit(
    entries: dict[str, list[PushEntry]], enqueued: Counter[tuple[str, str]] | None = None
) -> None:
    """Push committed tasks to Redis; if Redis is down the reconciler pushes them later.

    `enqueued` counts new tasks by (queue, task name) for dtq_tasks_enqueued_total, in the same
    round trip as the push.
    """
    now_ms = to_ms(timezone.now())
    try:
        broker = get_broker()
        if enqueued:
            counters = {(ENQUEUED.key, q, name): n for (q, name), n in enqueued.items()}
            metrics = MetricsStore(broker)
            broker.push_all(
                entries, now_ms, also=lambda pipe: metrics.stage(pipe, MetricValues(counters))
            )
        else:
            broker.push_all(entries, now_ms)
    except BrokerUnavailableError as exc:
        logger.warning(
            "Redis is unreachable; %d committed task(s) will be dispatched by the reconciler: %s",
            sum(len(e) for e in entries.values()),
            exc,
        )


def _as_model(row: _Row, seq: int, now: datetime) -> Task:
    """The inserted row as a model instance, without a query."""
    values = {
        "id": row.id,
        "seq": seq,
        "task_name": row.task_name,
        "args": row.args,
        "kwargs": row.kwargs,
        "priority": row.priority,
        "queue_name": row.queue_name,
        "status": "pending",
        "retry_count": 0,
        "max_retries": row.max_retries,
        "retry_delay": row.retry_delay,
        "retry_backoff": row.retry_backoff,
        "timeout": row.timeout,
        "attempt": 0,
        "created_at": now,
        "updated_at": now,
        "run_after": row.run_after,
    }
    # Model.from_db with every concrete field positionally is Django's fast constructor path.
    return Task.from_db("default", _TASK_FIELDS, [values.get(name) for name in _TASK_FIELDS])


_TASK_FIELDS = [field.attname for field in Task._meta.concrete_fields]

"""Enqueueing: validate, insert the rows (PostgreSQL), then push them to Redis on commit."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import chain, islice
from typing import Any, Unpack

from django.db import transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import PushEntry
from django_task_queue.dispatch import push_after_commit, push_entry
from django_task_queue.models import Task
from django_task_queue.services.spec import TaskSpec, ValidatedTask, validate_batch
from django_task_queue.task_options import ENQUEUE_KEYWORDS, EnqueueOptions, refuse_unknown
from django_task_queue.transitions import events

logger = logging.getLogger(__name__)

BULK_BATCH_SIZE = 1000


# insert_tasks's array parameters (insert_task's scalars): the first fields of ValidatedTask, then
# every field of ResolvedOptions, in their order (zip transposes a batch into them).
_ROW_COLUMNS = ("ids", "args", "kwargs", "run_afters")
_OPTION_COLUMNS = (
    "task_names",
    "priorities",
    "queue_names",
    "max_retries",
    "retry_delays",
    "retry_backoffs",
    "timeouts",
)


def enqueue(
    task: str | Callable[..., Any],
    args: Any = (),
    kwargs: Any = None,
    **options: Unpack[EnqueueOptions],
) -> Task:
    """Enqueue one task; inside `transaction.atomic()` it is dispatched when the caller commits."""
    refuse_unknown(options, ENQUEUE_KEYWORDS, "enqueue")
    return enqueue_many([TaskSpec(task, args, kwargs, **options)])[0]


def enqueue_many(specs: Iterable[TaskSpec], *, batch_size: int = BULK_BATCH_SIZE) -> list[Task]:
    """Enqueue many tasks: one INSERT and one Redis push per batch.

    All or nothing: the whole call runs in one transaction (the caller's, if any), so a bad spec
    raises and nothing is committed or pushed. Each batch is validated while PostgreSQL inserts
    the one before it.
    """
    now = timezone.now()
    iterator = iter(specs)
    first = validate_batch(list(islice(iterator, batch_size)), now)
    following = next(iterator, None)
    rest = None if following is None else _validated(following, iterator, now, batch_size)
    return _insert_all(first, rest, now)


def enqueue_validated(
    tasks: Sequence[ValidatedTask], *, batch_size: int = BULK_BATCH_SIZE
) -> list[Task]:
    """Enqueue tasks `validate_task` accepted, as enqueue_many does, without validating again.

    The API validates each task of a body while reading it, so that an error names its position.
    """
    rest = (list(tasks[i : i + batch_size]) for i in range(batch_size, len(tasks), batch_size))
    first = list(tasks[:batch_size])
    return _insert_all(first, rest if len(tasks) > batch_size else None, timezone.now())


def _validated(
    following: TaskSpec, rest: Iterator[TaskSpec], now: datetime, batch_size: int
) -> Iterator[list[ValidatedTask]]:
    """Validated tasks, a batch at a time, validated only when the next batch is asked for."""
    specs = chain([following], rest)
    while batch_specs := list(islice(specs, batch_size)):
        yield validate_batch(batch_specs, now)


def _insert_all(
    first: list[ValidatedTask], rest: Iterator[list[ValidatedTask]] | None, now: datetime
) -> list[Task]:
    """Insert the first batch and the rest (None when there is none), all or nothing."""
    if rest is None:
        # One INSERT is atomic by itself. Outside a transaction it needs no BEGIN and COMMIT;
        # inside the caller's, no savepoint (as Model.objects.create()): two round trips fewer.
        with transaction.mark_for_rollback_on_error():
            return _insert(first, now)
    tasks: list[Task] = []
    with transaction.atomic():
        params = ((rows, _insert_params(rows, now)) for rows in chain([first], rest))
        for rows, inserted in store.write_pipelined("insert_tasks", params):
            tasks += _registered(rows, inserted, now)
    return tasks


def enqueue_stream(specs: Iterable[TaskSpec], *, batch_size: int = BULK_BATCH_SIZE) -> int:
    """Enqueue an unbounded stream in batches, each its own transaction; memory stays bounded.

    Unlike enqueue_many, a bad spec stops the stream after the batches already committed.
    """
    count = 0
    iterator = iter(specs)
    while batch_specs := list(islice(iterator, batch_size)):
        now = timezone.now()
        batch = validate_batch(batch_specs, now)
        with transaction.atomic():
            count += len(_insert(batch, now))
    return count


def _insert(rows: list[ValidatedTask], now: datetime) -> list[Task]:
    if not rows:  # enqueue_many([]): nothing to send to either store
        return []
    if len(rows) == 1:  # enqueue(): scalars cost less to send than one-element arrays
        name, params = "insert_task", _insert_one_params(rows[0], now)
    else:
        name, params = "insert_tasks", _insert_params(rows, now)
    return _registered(rows, store.write(name, params), now)


def _insert_one_params(row: ValidatedTask, now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now}
    params.update(zip(_ROW_COLUMNS, row, strict=False))  # stops at the names, as below
    params.update(zip(_OPTION_COLUMNS, row.options, strict=True))
    return params


def _insert_params(rows: list[ValidatedTask], now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now}
    for names, records in ((_ROW_COLUMNS, rows), (_OPTION_COLUMNS, [row.options for row in rows])):
        columns = zip(*records, strict=False) if records else ((),) * len(names)
        # zip stops at the names: a row's options, args and kwargs are no column of their own.
        params.update(zip(names, map(list, columns), strict=False))
    return params


def _registered(
    rows: list[ValidatedTask], inserted: list[tuple[Any, ...]], now: datetime
) -> list[Task]:
    """The inserted rows as models, pushed to Redis when the transaction commits."""
    seq_by_id: dict[uuid.UUID, int] = dict(inserted)
    tasks = _as_models(rows, seq_by_id, now)
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
    events.of_tasks("enqueued", tasks)  # written with the push, in its round trip
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


def _as_models(
    rows: list[ValidatedTask], seq_by_id: dict[uuid.UUID, int], now: datetime
) -> list[Task]:
    """The inserted rows as the model instances Task.from_db would build, without a query.

    While no receiver listens to Task's pre_init or post_init, Model.__init__ is skipped: see
    "Enqueue" in docs/architecture.md.
    """
    if pre_init.has_listeners(Task) or post_init.has_listeners(Task):
        return [
            Task.from_db(
                "default", _TASK_FIELDS, list(_field_values(row, seq_by_id[row.id], now).values())
            )
            for row in rows
        ]
    tasks = []
    for row in rows:
        task = Task.__new__(Task)
        attributes = task.__dict__
        attributes.update(_field_values(row, seq_by_id[row.id], now))
        attributes["_state"] = state = ModelState()
        state.adding, state.db = False, "default"
        tasks.append(task)
    return tasks


def _field_values(row: ValidatedTask, seq: int, now: datetime) -> dict[str, Any]:
    """The inserted row's value of every concrete field, in _TASK_FIELDS order."""
    options = row.options
    values = _EMPTY_ROW.copy()  # every field, in order, None where the INSERT left it empty
    values.update(
        id=row.id,
        seq=seq,
        task_name=options.task_name,
        args=row.args,
        kwargs=row.kwargs,
        priority=options.priority,
        queue_name=options.queue_name,
        status="pending",
        retry_count=0,
        max_retries=options.max_retries,
        retry_delay=options.retry_delay_s,
        retry_backoff=options.retry_backoff,
        timeout=options.timeout_s,
        attempt=0,
        created_at=now,
        updated_at=now,
        run_after=row.run_after,
    )
    return values


_TASK_FIELDS = [field.attname for field in Task._meta.concrete_fields]
_EMPTY_ROW: dict[str, Any] = dict.fromkeys(_TASK_FIELDS)

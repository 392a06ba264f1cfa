"""Enqueueing: validate, insert the rows (PostgreSQL), then push them to Redis on commit."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import chain, groupby, islice
from typing import Any, NamedTuple, Unpack

from django.db import transaction
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import LimitTag, PushEntry
from django_task_queue.dispatch import push_after_commit, push_entry
from django_task_queue.flow_control import limits, uniqueness
from django_task_queue.models import Task
from django_task_queue.priorities import ready_score
from django_task_queue.services.enqueued_models import as_models
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


class Enqueued(NamedTuple):
    """Tasks as enqueued, in the order given; `deduplicated`: the positions where a unique key
    found a task already there (answered in its place: nothing was created)."""

    tasks: list[Task]
    deduplicated: list[int]


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
    return _insert_all(first, rest, now, set())


def enqueue_validated(
    tasks: Sequence[ValidatedTask], *, batch_size: int = BULK_BATCH_SIZE
) -> list[Task]:
    """Enqueue tasks `validate_task` accepted, as enqueue_many does, without validating again.

    The API validates each task of a body while reading it, so that an error names its position.
    """
    return enqueue_validated_reporting(tasks, batch_size=batch_size).tasks


def enqueue_validated_reporting(
    tasks: Sequence[ValidatedTask], *, batch_size: int = BULK_BATCH_SIZE
) -> Enqueued:
    """enqueue_validated, saying which tasks a unique key found already there."""
    rest = (list(tasks[i : i + batch_size]) for i in range(batch_size, len(tasks), batch_size))
    first = list(tasks[:batch_size])
    existing: set[uuid.UUID] = set()
    more = rest if len(tasks) > batch_size else None
    enqueued = _insert_all(first, more, timezone.now(), existing)
    return Enqueued(enqueued, [i for i, task in enumerate(tasks) if task.id in existing])


def _validated(
    following: TaskSpec, rest: Iterator[TaskSpec], now: datetime, batch_size: int
) -> Iterator[list[ValidatedTask]]:
    """Validated tasks, a batch at a time, validated only when the next batch is asked for."""
    specs = chain([following], rest)
    while batch_specs := list(islice(specs, batch_size)):
        yield validate_batch(batch_specs, now)


def _insert_all(
    first: list[ValidatedTask],
    rest: Iterator[list[ValidatedTask]] | None,
    now: datetime,
    existing: set[uuid.UUID],
) -> list[Task]:
    """Insert the first batch and the rest (None when there is none), all or nothing; the ids of
    the rows a unique key found a task for (never inserted) are added to `existing`."""
    if rest is None:
        # One INSERT is atomic by itself. Outside a transaction it needs no BEGIN and COMMIT;
        # inside the caller's, no savepoint (as Model.objects.create()): two round trips fewer.
        with transaction.mark_for_rollback_on_error():
            return _insert(first, now, existing)
    tasks: list[Task] = []
    with transaction.atomic():
        batches = _PlainBatches(chain([first], rest))
        while True:
            params = ((rows, _insert_params(rows, now)) for rows in batches)
            for rows, inserted in store.write_pipelined("insert_tasks", params):
                tasks += _registered(rows, inserted, now)
            if batches.controlled is None:
                return tasks
            # A batch with tasks under flow control leaves the pipeline: see _insert_controlled.
            tasks += _insert(batches.controlled, now, existing)
            batches.controlled = None


class _PlainBatches:
    """The batches, up to the first with a task under flow control, kept in `controlled`."""

    def __init__(self, batches: Iterator[list[ValidatedTask]]) -> None:
        self._batches = batches
        self.controlled: list[ValidatedTask] | None = None

    def __iter__(self) -> Iterator[list[ValidatedTask]]:
        for rows in self._batches:
            if any(map(_controlled, rows)):
                self.controlled = rows
                return
            yield rows


def _controlled(row: ValidatedTask) -> bool:
    """Whether a task has a unique key or a concurrency limit (two lookups: every task asks)."""
    return row.unique is not None or row.limit is not None


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
            count += len(_insert(batch, now, set()))
    return count


def _insert(rows: list[ValidatedTask], now: datetime, existing: set[uuid.UUID]) -> list[Task]:
    if not rows:  # enqueue_many([]): nothing to send to either store
        return []
    if len(rows) == 1:  # enqueue(): scalars cost less to send than one-element arrays
        if _controlled(rows[0]):
            return _insert_controlled(rows, now, existing)
        name, params = "insert_task", _insert_one_params(rows[0], now)
    elif any(map(_controlled, rows)):
        return _insert_controlled(rows, now, existing)
    else:
        name, params = "insert_tasks", _insert_params(rows, now)
    return _registered(rows, store.write(name, params), now)


def _insert_controlled(
    rows: list[ValidatedTask], now: datetime, existing: set[uuid.UUID]
) -> list[Task]:
    """Insert rows some of which are under flow control: runs of plain ones as one statement
    each, the others one by one (a unique one learns whether its key was free), in order."""
    tasks: list[Task] = []
    with transaction.atomic():  # one statement no more: all or nothing needs a transaction
        for controlled, run in groupby(rows, key=_controlled):
            if not controlled:
                tasks += _insert(list(run), now, existing)
                continue
            for row in run:
                params = _insert_one_params(row, now)
                params["limit_group"] = row.limit.name if row.limit is not None else None
                answer: tuple[Any, ...] | uuid.UUID
                if row.unique is None:
                    no_key = {"unique_key": None, "unique_while": None}
                    answer = tuple(store.write("insert_controlled_task", params | no_key)[0])
                else:
                    answer = uniqueness.insert(row.unique, row.options.task_name, params, now)
                if isinstance(answer, uuid.UUID):
                    existing.add(row.id)
                    tasks.append(Task.objects.get(pk=answer))
                else:
                    tags = None
                    if row.limit is not None:
                        score = ready_score(row.options.priority, answer[1])
                        tag = limits.tag_of(str(row.id), row.limit, score)
                        tags = {row.options.queue_name: [tag]}
                    tasks += _registered([row], [answer], now, tags)
    return tasks


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
    rows: list[ValidatedTask],
    inserted: list[tuple[Any, ...]],
    now: datetime,
    tags: dict[str, list[LimitTag]] | None = None,
) -> list[Task]:
    """The inserted rows as models, pushed to Redis when the transaction commits (with the limit
    groups of those that have one, in `tags`)."""
    seq_by_id: dict[uuid.UUID, int] = dict(inserted)
    tasks = as_models(rows, seq_by_id, now)
    entries: dict[str, list[PushEntry]] = {}
    for task in tasks:
        entries.setdefault(task.queue_name, []).append(
            push_entry(task.id, task.priority, task.seq, task.run_after)
        )
    transaction.on_commit(lambda: _after_commit(tasks, entries, tags))
    return tasks


def _after_commit(
    tasks: list[Task],
    entries: dict[str, list[PushEntry]],
    tags: dict[str, list[LimitTag]] | None,
) -> None:
    """Dispatch a committed batch, count it for /metrics, and log it (at DEBUG)."""
    enqueued = Counter((task.queue_name, task.task_name) for task in tasks)
    events.of_tasks("enqueued", tasks)  # written with the push, in its round trip
    push_after_commit(entries, enqueued, tags)
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

"""Enqueueing: validate, insert the rows (PostgreSQL), then push them to Redis on commit."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import PushEntry
from django_task_queue.conf import get_settings
from django_task_queue.dispatch import push_after_commit, push_entry
from django_task_queue.exceptions import TaskValidationError, UnknownTaskError
from django_task_queue.ids import new_id, new_ids
from django_task_queue.models import Task
from django_task_queue.priorities import DEFAULT_PRIORITY
from django_task_queue.services import validation
from django_task_queue.task_registry import TaskFunction, task_registry

logger = logging.getLogger(__name__)

BULK_BATCH_SIZE = 1000


@dataclass(slots=True)
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
    # Options enqueue does not know; any is refused, naming it.
    extra: dict[str, Any] | None = None


class _Options(NamedTuple):
    """A spec's options, validated; specs that give the same options share one."""

    task_name: str
    priority: int
    queue_name: str
    max_retries: int
    retry_delay: float
    retry_backoff: bool
    timeout: float


class _Row(NamedTuple):
    """A validated task."""

    id: uuid.UUID
    args_json: str
    kwargs_json: str
    run_after: datetime | None
    options: _Options
    args: list[Any]
    kwargs: dict[str, Any]


# insert_tasks's array parameters (insert_task's scalars): the first fields of _Row, then every
# field of _Options, in their order (zip transposes a batch into them).
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


def _resolve(task: str | Callable[..., Any]) -> TaskFunction:
    if isinstance(task, str):
        try:
            return task_registry.get_task(task)
        except UnknownTaskError as exc:
            raise TaskValidationError("task_name", str(exc)) from exc
    if callable(task):
        return task_registry.get_task(task_registry.name_of(task))
    raise TaskValidationError("task_name", "must be a task name or a registered function")


def _first(given: Any, default: Any, fallback: Any) -> Any:
    if given is not None:
        return given
    return default if default is not None else fallback


def build_row(spec: TaskSpec, now: datetime) -> _Row:
    """Validate one spec into a row ready to insert; raises TaskValidationError naming the field."""
    return _build(spec, now, new_id(), {})


def _build_batch(specs: list[TaskSpec], now: datetime) -> list[_Row]:
    known: dict[tuple[Any, ...], _Options] = {}
    ids = new_ids(len(specs))
    return [_build(spec, now, row_id, known) for spec, row_id in zip(specs, ids, strict=True)]


def _build(
    spec: TaskSpec, now: datetime, row_id: uuid.UUID, known: dict[tuple[Any, ...], _Options]
) -> _Row:
    if spec.extra:
        raise TaskValidationError(sorted(spec.extra)[0], "is not a known option")
    options = _options(spec, known)
    args = validation.check_args(spec.args)
    kwargs = validation.check_kwargs(spec.kwargs)
    args_json = validation.json_roundtrip("args", args)
    kwargs_json = validation.json_roundtrip("kwargs", kwargs) if kwargs else "{}"
    validation.check_binding(task_registry.get_task(options.task_name), args, kwargs)
    run_after = (
        None
        if spec.run_after is None and spec.countdown is None
        else validation.check_schedule(spec.run_after, spec.countdown, now)
    )
    return _Row(row_id, args_json, kwargs_json, run_after, options, args, kwargs)


def _options(spec: TaskSpec, known: dict[tuple[Any, ...], _Options]) -> _Options:
    """The spec's validated options, from `known` when an earlier spec gave the same ones.

    The types are part of the key: True == 1 and 1.0 == 1, yet a priority of True and a
    max_retries of 1.0 are refused where 1 is valid.
    """
    given = (spec.priority, spec.queue_name, spec.max_retries, spec.retry_delay, spec.timeout)
    key = (spec.task, *given, *map(type, given))
    try:
        return known[key]
    except KeyError:
        options = known[key] = _validated_options(spec)
    except TypeError:  # an unhashable value: validation will say what is wrong with it
        options = _validated_options(spec)
    return options


def _validated_options(spec: TaskSpec) -> _Options:
    conf = get_settings()
    task = _resolve(spec.task)
    defaults = task.options
    return _Options(
        task_name=task.name,
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
    first = _build_batch(list(islice(iterator, batch_size)), now)
    following = next(iterator, None)
    if following is None:
        # One INSERT is atomic by itself. Outside a transaction it needs no BEGIN and COMMIT;
        # inside the caller's, no savepoint (as Model.objects.create()): two round trips fewer.
        with transaction.mark_for_rollback_on_error():
            return _insert(first, now)
    batches = chain([first], _built(following, iterator, now, batch_size))
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
        yield _build_batch(batch_specs, now)


def enqueue_stream(specs: Iterable[TaskSpec], *, batch_size: int = BULK_BATCH_SIZE) -> int:
    """Enqueue an unbounded stream in batches, each its own transaction; memory stays bounded.

    Unlike enqueue_many, a bad spec stops the stream after the batches already committed.
    """
    count = 0
    iterator = iter(specs)
    while batch_specs := list(islice(iterator, batch_size)):
        now = timezone.now()
        batch = _build_batch(batch_specs, now)
        with transaction.atomic():
            count += len(_insert(batch, now))
    return count


def _insert(rows: list[_Row], now: datetime) -> list[Task]:
    if not rows:  # enqueue_many([]): nothing to send to either store
        return []
    if len(rows) == 1:  # enqueue(): scalars cost less to send than one-element arrays
        name, params = "insert_task", _insert_one_params(rows[0], now)
    else:
        name, params = "insert_tasks", _insert_params(rows, now)
    return _registered(rows, store.fetch_all(name, params), now)


def _insert_one_params(row: _Row, now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now}
    params.update(zip(_ROW_COLUMNS, row, strict=False))  # stops at the names, as below
    params.update(zip(_OPTION_COLUMNS, row.options, strict=True))
    return params


def _insert_params(rows: list[_Row], now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now}
    for names, records in ((_ROW_COLUMNS, rows), (_OPTION_COLUMNS, [row.options for row in rows])):
        columns = zip(*records, strict=False) if records else ((),) * len(names)
        # zip stops at the names: a row's options, args and kwargs are no column of their own.
        params.update(zip(names, map(list, columns), strict=False))
    return params


def _registered(rows: list[_Row], inserted: list[tuple[Any, ...]], now: datetime) -> list[Task]:
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


def _as_models(rows: list[_Row], seq_by_id: dict[uuid.UUID, int], now: datetime) -> list[Task]:
    """The inserted rows as model instances, without a query.

    Model.__init__ cost a bulk enqueue ~11 us per task, a third of its own time. While nothing
    listens to Task's pre_init or post_init, each instance is built as __init__ and from_db
    would leave it: every concrete field set (so that none reads as deferred) and a state that
    says saved, in "default".
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


def _field_values(row: _Row, seq: int, now: datetime) -> dict[str, Any]:
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
        retry_delay=options.retry_delay,
        retry_backoff=options.retry_backoff,
        timeout=options.timeout,
        attempt=0,
        created_at=now,
        updated_at=now,
        run_after=row.run_after,
    )
    return values


_TASK_FIELDS = [field.attname for field in Task._meta.concrete_fields]
_EMPTY_ROW: dict[str, Any] = dict.fromkeys(_TASK_FIELDS)

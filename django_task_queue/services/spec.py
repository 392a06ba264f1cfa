"""A task to enqueue, as given (`TaskSpec`) and as validated (`ValidatedTask`, ready to insert)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Unpack

from django_task_queue.conf import get_settings
from django_task_queue.exceptions import TaskValidationError, UnknownTaskError
from django_task_queue.flow_control import limits, uniqueness
from django_task_queue.ids import new_id, new_ids
from django_task_queue.priorities import DEFAULT_PRIORITY
from django_task_queue.services import validation
from django_task_queue.task_options import (
    ENQUEUE_KEYWORDS,
    EnqueueOptions,
    from_keywords,
    refuse_unknown,
)
from django_task_queue.task_registry import TaskFunction, task_registry


@dataclass(slots=True, init=False)
class TaskSpec:
    """One task to enqueue; options left out fall back to the function's, then the settings'."""

    task: str | Callable[..., Any]
    args: Any
    kwargs: Any
    # As given, by keyword: checked with the rest at enqueue, where specs giving the same share it.
    options: EnqueueOptions

    def __init__(
        self,
        task: str | Callable[..., Any],
        args: Any = (),
        kwargs: Any = None,
        **options: Unpack[EnqueueOptions],
    ) -> None:
        refuse_unknown(options, ENQUEUE_KEYWORDS, "TaskSpec")
        self.task = task
        self.args = args
        self.kwargs = kwargs
        self.options = options


class ResolvedOptions(NamedTuple):
    """A task's options, validated, with the function's and the settings' in place of the omitted.

    The fields are the INSERT's option columns, in order (see producer._OPTION_COLUMNS).
    """

    task_name: str
    priority: int
    queue_name: str
    max_retries: int
    retry_delay_s: float
    retry_backoff: bool
    timeout_s: float


class ValidatedTask(NamedTuple):
    """A task ready to insert; its first four fields are the INSERT's row columns, in order."""

    id: uuid.UUID
    args_json: str
    kwargs_json: str
    run_after: datetime | None
    options: ResolvedOptions
    args: list[Any]
    kwargs: dict[str, Any]
    # The key it holds, for a unique task (flow_control/uniqueness.py); None for most.
    unique: uniqueness.UniqueKey | None = None
    # The concurrency limit it counts against (flow_control/limits.py); None for most.
    limit: limits.LimitGroup | None = None


# Options already validated, by what a spec gave (see _options).
type KnownOptions = dict[tuple[Any, ...], ResolvedOptions]


def validate_task(
    spec: TaskSpec, now: datetime, known: KnownOptions | None = None, *, limit_later: bool = False
) -> ValidatedTask:
    """Validate one spec; raises TaskValidationError naming the field.

    Specs validated with the same `known` that give the same options share one validation of
    them, as validate_batch's do. `limit_later`: its limit group is resolved when it is made
    (a workflow's step that receives a result: its `limit_key` cannot see that yet).
    """
    return _validate(spec, now, new_id(), {} if known is None else known, limit_later)


def validate_batch(specs: Sequence[TaskSpec], now: datetime) -> list[ValidatedTask]:
    """Validate specs; those giving the same options share one validation of them."""
    known: KnownOptions = {}
    ids = new_ids(len(specs))
    return [_validate(spec, now, task_id, known) for spec, task_id in zip(specs, ids, strict=True)]


def _validate(
    spec: TaskSpec,
    now: datetime,
    task_id: uuid.UUID,
    known: KnownOptions,
    limit_later: bool = False,
) -> ValidatedTask:
    options = _options(spec, known)
    args = validation.check_args(spec.args)
    kwargs = validation.check_kwargs(spec.kwargs)
    args_json = validation.json_roundtrip("args", args)
    kwargs_json = validation.json_roundtrip("kwargs", kwargs) if kwargs else "{}"
    function = task_registry.get_task(options.task_name)
    validation.check_binding(function, args, kwargs)
    given = spec.options
    run_after = given.get("run_after")
    countdown_s = given.get("countdown")
    if run_after is not None or countdown_s is not None:
        run_after = validation.check_schedule(run_after, countdown_s, now)
    defaults = function.options
    unique = None
    if uniqueness.wanted(given, defaults):
        unique = uniqueness.resolve(given, defaults, args, kwargs)
    limit = None
    if limits.has_rules(defaults) and not limit_later:
        limit = limits.resolve(function.name, defaults, args, kwargs)
    return ValidatedTask(
        task_id, args_json, kwargs_json, run_after, options, args, kwargs, unique, limit
    )


def _options(spec: TaskSpec, known: KnownOptions) -> ResolvedOptions:
    """The spec's validated options, from `known` when an earlier spec gave the same ones.

    The types are part of the key: True == 1 and 1.0 == 1, yet a priority of True and a
    max_retries of 1.0 are refused where 1 is valid.
    """
    given = spec.options
    values = (
        given.get("priority"),
        given.get("queue_name"),
        given.get("max_retries"),
        given.get("retry_delay"),
        given.get("timeout"),
    )
    key = (spec.task, *values, *map(type, values))
    try:
        return known[key]
    except KeyError:
        options = known[key] = _resolved(spec)
    except TypeError:  # an unhashable value: validation will say what is wrong with it
        options = _resolved(spec)
    return options


def _resolved(spec: TaskSpec) -> ResolvedOptions:
    conf = get_settings()
    task = _task_function(spec.task)
    given, defaults = from_keywords(spec.options), task.options
    return ResolvedOptions(
        task_name=task.name,
        priority=validation.check_priority(
            _first(given.priority, defaults.priority, DEFAULT_PRIORITY)
        ),
        queue_name=validation.check_queue_name(
            _first(given.queue_name, defaults.queue_name, conf.DEFAULT_QUEUE)
        ),
        max_retries=validation.check_max_retries(
            _first(given.max_retries, defaults.max_retries, conf.DEFAULT_MAX_RETRIES)
        ),
        retry_delay_s=validation.check_seconds(
            "retry_delay",
            _first(given.retry_delay_s, defaults.retry_delay_s, conf.DEFAULT_RETRY_DELAY_S),
            minimum=0,
            maximum=validation.MAX_DELAY_S,
        ),
        retry_backoff=defaults.retry_backoff,
        timeout_s=validation.check_seconds(
            "timeout",
            _first(given.timeout_s, defaults.timeout_s, conf.DEFAULT_TIMEOUT_S),
            minimum=0.001,
            maximum=validation.MAX_TIMEOUT_S,
        ),
    )


def _task_function(task: str | Callable[..., Any]) -> TaskFunction:
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

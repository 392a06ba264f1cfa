"""Concurrency and rate limits: the limit group a task belongs to (its task function, or the
function and the key `limit_key` returns for its arguments), resolved when it is validated. The
claim script enforces both across every worker (broker/scripts/claim.lua, docs/flow-control.md)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from django_task_queue.broker.limits import LimitTag
from django_task_queue.exceptions import TaskValidationError
from django_task_queue.task_options import TaskOptions

MAX_LIMIT = 10_000
MAX_GROUP_LENGTH = 300
# Between the task name and the key in a group's name: a task name cannot contain it.
SEPARATOR = "\x1f"


_RATE = re.compile(r"^(\d+)/([smh])$")
_PERIOD_MS = {"s": 1000, "m": 60_000, "h": 3_600_000}


class Rules(NamedTuple):
    """A group's limits: tasks running at once (0: any number), and the time between two starts
    (0: no rate limit)."""

    concurrency: int
    interval_ms: float


class LimitGroup(NamedTuple):
    """The tasks that share one concurrency or rate limit, and those limits."""

    name: str
    rules: Rules


def resolve(
    task_name: str, defaults: TaskOptions, args: list[Any], kwargs: Mapping[str, Any]
) -> LimitGroup | None:
    """The task's limit group, or None when its function has no limit and no `limit_key`."""
    rules = rules_of_options(defaults)
    if rules is None:
        return None
    if defaults.limit_key is None:
        return LimitGroup(task_name, rules)
    key = defaults.limit_key(*args, **kwargs)
    if not isinstance(key, (str, int)) or isinstance(key, bool) or str(key) == "":
        raise TaskValidationError("limit_key", f"must give a non-empty string, not {key!r}")
    name = f"{task_name}{SEPARATOR}{key}"
    if len(name) > MAX_GROUP_LENGTH or "\x00" in name:
        raise TaskValidationError("limit_key", f"must give at most {MAX_GROUP_LENGTH} characters")
    return LimitGroup(name, rules)


def resolve_registered(
    task_name: str, args: list[Any], kwargs: Mapping[str, Any]
) -> LimitGroup | None:
    """The limit group of a task made without a request (a workflow's step, which gets the
    result of the step before as its first argument): when its `limit_key` refuses these
    arguments, the task function's own group, so that its limit still holds."""
    from django_task_queue.task_registry import task_registry

    if task_name not in task_registry:
        return None
    options = task_registry.get_task(task_name).options
    if not has_rules(options):
        return None
    try:
        return resolve(task_name, options, args, kwargs)
    except TaskValidationError:
        rules = rules_of(task_name)
        return None if rules is None else LimitGroup(task_name, rules)


def has_rules(options: TaskOptions) -> bool:
    """Whether a task function has limits or fair share (three lookups: every enqueue asks)."""
    return (
        options.concurrency_limit is not None
        or options.rate_limit is not None
        or options.limit_key is not None
    )


def rules_of_options(options: TaskOptions) -> Rules | None:
    """A task function's limits, checked; None without any (a `limit_key` alone gives fair
    share among its keys, with no limit: Rules(0, 0))."""
    if not has_rules(options):
        return None
    return parse_rules(options.concurrency_limit, options.rate_limit)


def parse_rules(limit: object, rate: object) -> Rules:
    """Limits as given (`concurrency_limit`, `rate_limit`; None for none), checked: a task
    function's, or a queue's (TASK_QUEUE["QUEUES"])."""
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT
    ):
        raise TaskValidationError(
            "concurrency_limit", f"must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}"
        )
    interval_ms = 0.0
    if rate is not None:
        match = _RATE.match(rate) if isinstance(rate, str) else None
        if match is None or int(match[1]) == 0:
            raise TaskValidationError(
                "rate_limit", f'must be like "10/s", "100/m" or "1000/h", not {rate!r}'
            )
        interval_ms = _PERIOD_MS[match[2]] / int(match[1])
    return Rules(limit or 0, interval_ms)


def describe(group: str) -> str:
    """A group's name for people: `call_crm`, or `call_crm for tenant-7`."""
    task_name, _, key = group.partition(SEPARATOR)
    return f"{task_name} for {key}" if key else task_name


def rules_of(group: str) -> Rules | None:
    """The current limits of a group, from its task function's registration."""
    from django_task_queue.task_registry import task_registry

    task_name = group.partition(SEPARATOR)[0]
    if task_name not in task_registry:
        return None
    try:
        return rules_of_options(task_registry.get_task(task_name).options)
    except TaskValidationError:
        return None


def describe_rate(interval_ms: float) -> str:
    """An interval between starts as the rate it was given as, near enough: `5/s`, `2/m`."""
    for unit, period_ms in _PERIOD_MS.items():
        per = period_ms / interval_ms
        if per >= 1 and abs(per - round(per)) < 1e-9:
            return f"{round(per)}/{unit}"
    return f"one per {interval_ms / 1000:g} s"


def limit_tag(task_id: object, group: str | None, score: int) -> LimitTag | None:
    """A task's tag for Redis (`score`: its ready score by seq), its group's limits read from
    the registry; None when its function has none (any more), so that it runs unlimited rather
    than never."""
    rules = rules_of(group) if group is not None else None
    if rules is None or group is None:
        return None
    return tag_of(str(task_id), LimitGroup(group, rules), score)


def tag_of(task_id: str, group: LimitGroup, score: int) -> LimitTag:
    """The tag of a task of `group`; a `limit_key` group's tasks share it out fairly (score)."""
    fair = SEPARATOR in group.name
    rules = group.rules
    return LimitTag(task_id, group.name, rules.concurrency, rules.interval_ms, score if fair else 0)

"""Concurrency limits: the limit group a task belongs to (its task function, or the function and
the key `limit_key` returns for its arguments), resolved when it is validated. The claim script
enforces the limit across every worker (broker/scripts/claim.lua, docs/flow-control.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from django_task_queue.broker.limits import LimitTag
from django_task_queue.exceptions import TaskValidationError
from django_task_queue.task_options import TaskOptions

MAX_LIMIT = 10_000
MAX_GROUP_LENGTH = 300
# Between the task name and the key in a group's name: a task name cannot contain it.
SEPARATOR = "\x1f"


class LimitGroup(NamedTuple):
    """The tasks that share one concurrency limit, and that limit."""

    name: str
    concurrency: int


def resolve(
    task_name: str, defaults: TaskOptions, args: list[Any], kwargs: Mapping[str, Any]
) -> LimitGroup | None:
    """The task's limit group, or None when its function has no concurrency limit."""
    limit = defaults.concurrency_limit
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise TaskValidationError(
            "concurrency_limit", f"must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}"
        )
    if defaults.limit_key is None:
        return LimitGroup(task_name, limit)
    key = defaults.limit_key(*args, **kwargs)
    if not isinstance(key, (str, int)) or isinstance(key, bool) or str(key) == "":
        raise TaskValidationError("limit_key", f"must give a non-empty string, not {key!r}")
    name = f"{task_name}{SEPARATOR}{key}"
    if len(name) > MAX_GROUP_LENGTH or "\x00" in name:
        raise TaskValidationError("limit_key", f"must give at most {MAX_GROUP_LENGTH} characters")
    return LimitGroup(name, limit)


def describe(group: str) -> str:
    """A group's name for people: `call_crm`, or `call_crm for tenant-7`."""
    task_name, _, key = group.partition(SEPARATOR)
    return f"{task_name} for {key}" if key else task_name


def concurrency_of(group: str) -> int | None:
    """The current limit of a group, from its task function's registration."""
    from django_task_queue.task_registry import task_registry

    task_name = group.partition(SEPARATOR)[0]
    if task_name not in task_registry:
        return None
    return task_registry.get_task(task_name).options.concurrency_limit


def limit_tag(task_id: object, group: str | None) -> LimitTag | None:
    """A task's tag for Redis, its group's limit read from the registry; None when its function
    has no limit (any more), so that it runs unlimited rather than never."""
    concurrency = concurrency_of(group) if group is not None else None
    return None if concurrency is None else LimitTag(str(task_id), group or "", concurrency)

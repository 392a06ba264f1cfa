"""The schedules this process knows: those declared with their task function
(`register(..., schedule=...)`) and those in `TASK_QUEUE["SCHEDULES"]`, checked once.

A settings entry names its task and one trigger, and may give arguments and the options
`enqueue` takes:

    "hourly-cleanup": {
        "task": "purge_old", "cron": "0 * * * *", "timezone": "Europe/Paris",
        "kwargs": {"days": 7}, "queue_name": "maintenance", "priority": "low",
        "catch_up": "none", "skip_if_running": True,
    }
    "poll-feeds": {"task": "poll_feeds", "every": 30}   # seconds
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django_task_queue.conf import get_settings
from django_task_queue.exceptions import ConfigurationError, TaskValidationError
from django_task_queue.schedules.rules import DEFAULT_CATCH_UP, Rule, cron, every
from django_task_queue.services.spec import ResolvedOptions, TaskSpec, validate_task
from django_task_queue.task_options import EnqueueOptions
from django_task_queue.task_registry import task_registry

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{1,200}$")
_TRIGGER_KEYS = frozenset({"cron", "every"})
_RULE_KEYS = frozenset({"timezone", "catch_up", "skip_if_running"})
_OPTION_KEYS = frozenset({"queue_name", "priority", "max_retries", "retry_delay", "timeout"})
_KEYS = frozenset({"task", "args", "kwargs"}) | _TRIGGER_KEYS | _RULE_KEYS | _OPTION_KEYS


@dataclass(frozen=True, slots=True)
class Definition:
    """One schedule: its task with arguments, validated as enqueue would, and its rule."""

    name: str
    rule: Rule
    options: ResolvedOptions
    args_json: str = "[]"
    kwargs_json: str = "{}"
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def task_name(self) -> str:
        return self.options.task_name


def load_definitions(now: datetime) -> dict[str, Definition]:
    """Every schedule of the registry and the settings, by name; ConfigurationError names the
    first bad one."""
    found: dict[str, Definition] = {}
    for task in task_registry.list_tasks():
        if task.schedule is not None:
            found[task.name] = _definition(task.name, task.name, task.schedule, now)
    for name, entry in get_settings().SCHEDULES.items():
        if name in found:
            raise ConfigurationError(
                f"schedule {name!r} is in TASK_QUEUE['SCHEDULES'] and on its task function"
            )
        found[name] = _from_settings(name, entry, now)
    return found


def _from_settings(name: str, entry: Mapping[str, Any], now: datetime) -> Definition:
    where = f"TASK_QUEUE['SCHEDULES'][{name!r}]"
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise ConfigurationError(f"{where} has unknown keys: {', '.join(unknown)}")
    if "task" not in entry:
        raise ConfigurationError(f"{where} must name its 'task'")
    try:
        rule = _rule(entry)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{where}: {exc}") from exc
    options = cast(EnqueueOptions, {k: v for k, v in entry.items() if k in _OPTION_KEYS})
    return _definition(
        name,
        entry["task"],
        rule,
        now,
        args=entry.get("args", ()),
        kwargs=entry.get("kwargs"),
        options=options,
    )


def _rule(entry: Mapping[str, Any]) -> Rule:
    triggers = _TRIGGER_KEYS & set(entry)
    if len(triggers) != 1:
        raise ConfigurationError("give one of 'cron' or 'every' (seconds)")
    policies = {
        "catch_up": entry.get("catch_up", DEFAULT_CATCH_UP),
        "skip_if_running": entry.get("skip_if_running", False),
    }
    if "cron" in entry:
        return cron(entry["cron"], tz=entry.get("timezone", "UTC"), **policies)
    if "timezone" in entry:
        raise ConfigurationError("'timezone' applies to a cron expression only")
    return every(seconds=entry["every"], **policies)


def _definition(  # noqa: PLR0913  (a definition's parts, as its two sources give them)
    name: str,
    task: str,
    rule: Rule,
    now: datetime,
    *,
    args: Any = (),
    kwargs: Any = None,
    options: EnqueueOptions | None = None,
) -> Definition:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ConfigurationError(f"schedule name {name!r} must be 1-200 letters, digits or _ . : -")
    try:
        task_ = validate_task(TaskSpec(task, args, kwargs, **(options or {})), now)
    except TaskValidationError as exc:
        raise ConfigurationError(f"schedule {name!r}: {exc}") from exc
    return Definition(
        name=name,
        rule=rule,
        options=task_.options,
        args_json=task_.args_json,
        kwargs_json=task_.kwargs_json,
        args=task_.args,
        kwargs=task_.kwargs,
    )

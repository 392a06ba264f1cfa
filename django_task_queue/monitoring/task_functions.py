"""The registered task functions as GET /api/task-functions/ describes them: signatures and the
options a task gets by default."""

from __future__ import annotations

import inspect
import json
import math
from typing import Any

from django_task_queue.conf import get_settings
from django_task_queue.priorities import DEFAULT_PRIORITY, PRIORITY_BY_NAME, priority_name
from django_task_queue.task_registry import TaskFunction, task_registry


def describe_task_functions() -> list[dict[str, Any]]:
    return [_describe(task) for task in task_registry.list_tasks()]


def _describe(task: TaskFunction) -> dict[str, Any]:
    signature = task.signature
    return {
        "name": task.name,
        "doc": task.doc,
        "signature": str(signature),
        "parameters": [_parameter(p) for p in signature.parameters.values()],
        "defaults": _resolved_defaults(task),
    }


def _parameter(parameter: inspect.Parameter) -> dict[str, Any]:
    variadic = parameter.kind in {parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD}
    has_default = parameter.default is not parameter.empty
    return {
        "name": parameter.name,
        "kind": parameter.kind.name.lower(),
        "required": not variadic and not has_default,
        "default": json_safe(parameter.default) if has_default else None,
    }


def json_safe(value: Any) -> Any:
    """The value if JSON holds it unchanged, else its repr (a default may be any object)."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    try:
        same = json.loads(json.dumps(value, allow_nan=False)) == value
    except (TypeError, ValueError, RecursionError):
        same = False
    return value if same else repr(value)


def _resolved_defaults(task: TaskFunction) -> dict[str, Any]:
    """The options a task of this function gets when the request leaves them out."""
    conf = get_settings()
    options = task.options
    priority = options.priority if options.priority is not None else DEFAULT_PRIORITY
    if isinstance(priority, str):
        priority = PRIORITY_BY_NAME.get(priority.lower(), DEFAULT_PRIORITY)
    return {
        "priority_name": priority_name(priority),
        "priority": priority,
        "max_retries": _or(options.max_retries, conf.DEFAULT_MAX_RETRIES),
        "retry_delay": float(_or(options.retry_delay_s, conf.DEFAULT_RETRY_DELAY_S)),
        "retry_backoff": options.retry_backoff,
        "timeout": float(_or(options.timeout_s, conf.DEFAULT_TIMEOUT_S)),
        "queue_name": _or(options.queue_name, conf.DEFAULT_QUEUE),
    }


def _or(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value

"""What the monitoring endpoints report: failure groups, workers, task functions, health."""

from __future__ import annotations

import inspect
import json
import math
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from django_task_queue.api import sql
from django_task_queue.api.queries import iso
from django_task_queue.broker.client import WorkerRecord, get_broker
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.priorities import DEFAULT_PRIORITY, PRIORITY_BY_NAME, priority_name
from django_task_queue.task_registry import TaskFunction, task_registry
from django_task_queue.timeutil import from_ms

MAX_FAILURE_GROUPS = 100


def failure_groups(window_minutes: int) -> list[dict[str, Any]]:
    """Failed attempts of the window grouped by error and task function, most frequent first."""
    since = timezone.now() - timedelta(minutes=window_minutes)
    rows = sql.fetch_all("failure_groups", {"since": since, "limit": MAX_FAILURE_GROUPS})
    return [
        {
            "error_type": error_type,
            "error_message": error_message,
            "task_name": task_name,
            "count": count,
            "last_seen_at": iso(last_seen_at),
            "example_task_id": example_task_id,
        }
        for error_type, error_message, task_name, count, last_seen_at, example_task_id in rows
    ]


def list_workers() -> list[dict[str, Any]]:
    """Live workers from Redis' registry; BrokerUnavailableError when Redis is down."""
    now_ms = timezone.now().timestamp() * 1000
    return [_worker(record, now_ms) for record in get_broker().workers()]


def _worker(record: WorkerRecord, now_ms: float) -> dict[str, Any]:
    return {
        "worker_id": record.worker_id,
        "hostname": record.hostname,
        "pid": record.pid,
        "queues": record.queues,
        "current_task_id": record.current_task_id,
        "started_at": iso(from_ms(record.started_at_ms)),
        "last_seen_at": iso(from_ms(record.last_seen_ms)),
        "heartbeat_age_s": round(max(0.0, now_ms - record.last_seen_ms) / 1000, 3),
        "tasks_done": record.tasks_done,
        "state": record.state,
    }


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
        "retry_delay": float(_or(options.retry_delay, conf.DEFAULT_RETRY_DELAY_S)),
        "retry_backoff": options.retry_backoff,
        "timeout": float(_or(options.timeout, conf.DEFAULT_TIMEOUT_S)),
        "queue_name": _or(options.queue_name, conf.DEFAULT_QUEUE),
    }


def _or(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


def health() -> tuple[bool, dict[str, Any]]:
    """(healthy, report): both stores answer; a down store is reported, never raised."""
    postgres_error = _postgres_error()
    redis_error: str | None = None
    workers_alive: int | None = None
    try:
        broker = get_broker()
        broker.ping()
        workers_alive = len(broker.workers())
    except BrokerUnavailableError as exc:
        redis_error = _first_line(exc)
    report = {
        "postgres": {"ok": postgres_error is None, "error": postgres_error},
        "redis": {"ok": redis_error is None, "error": redis_error},
        "workers_alive": workers_alive,
    }
    return postgres_error is None and redis_error is None, report


def _postgres_error() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        # A broken connection would fail every later request of this thread: reconnect next time.
        connection.close()
        return _first_line(exc)
    return None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]

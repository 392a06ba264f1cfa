"""The TASK_QUEUE settings namespace: defaults, parsing, and one cached view of it."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from types import MappingProxyType
from typing import Any

from django.conf import settings

from django_task_queue.exceptions import ConfigurationError
from django_task_queue.states import FINISHED_STATUSES


@dataclass(frozen=True)
class TaskQueueSettings:
    """Every option of the TASK_QUEUE setting, with its default."""

    REDIS_URL: str = "redis://127.0.0.1:6379/0"
    # With Sentinels ("host:port" each), the master they name for REDIS_SENTINEL_MASTER, with
    # REDIS_URL's database and password (broker/connection.py).
    REDIS_SENTINELS: tuple[str, ...] = ()
    REDIS_SENTINEL_MASTER: str = "mymaster"
    # REDIS_URL names any node of a Redis Cluster; queues spread over its nodes.
    REDIS_CLUSTER: bool = False
    KEY_PREFIX: str = "dtq"
    TASK_MODULES: tuple[str, ...] = ()
    # Modules under these dotted prefixes may be imported to find a Django @task by its path;
    # any other module must already be imported (installed apps' tasks, TASK_MODULES).
    TASK_IMPORT_PREFIXES: tuple[str, ...] = ()
    DEFAULT_QUEUE: str = "default"
    DEFAULT_MAX_RETRIES: int = 3
    DEFAULT_RETRY_DELAY_S: float = 60.0
    DEFAULT_TIMEOUT_S: float = 300.0
    MAX_RETRY_DELAY_S: float = 3600.0
    # A lease is how long a claimed task stays owned without a heartbeat.
    LEASE_S: float = 15.0
    HEARTBEAT_INTERVAL_S: float = 3.0
    # How often lost attempts may be recovered before the task is failed as a poison pill.
    MAX_LOST_ATTEMPTS: int = 5
    PROMOTE_INTERVAL_S: float = 0.25
    # How often the supervisor's pause keeper puts Redis' pause flags in step with PostgreSQL.
    PAUSE_SYNC_INTERVAL_S: float = 0.5
    REAP_INTERVAL_S: float = 1.0
    RECONCILE_INTERVAL_S: float = 30.0
    # The reconciler leaves younger tasks alone: their on-commit push may still be in flight.
    RECONCILE_GRACE_S: float = 5.0
    # How often the statistics' rollup folds what finished; GET /api/stats/ reads the rest raw.
    ROLLUP_INTERVAL_S: float = 30.0
    WORKER_TTL_S: float = 15.0
    SHUTDOWN_GRACE_S: float = 30.0
    HARD_TIMEOUT_GRACE_S: float = 5.0
    # Prepare the hot path's statements once per connection (and again each time the task
    # table has doubled, so their plans fit its size). Turn off behind a pooler in
    # transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
    PREPARE_STATEMENTS: bool = True
    # A worker claims its next batch while the current one runs when its tasks take between
    # 1 ms and this long on average (0: never). Longer tasks are not held back from idle workers.
    PREFETCH_MAX_TASK_MS: float = 20.0
    # Tasks each worker process runs at once (`run_worker --concurrency`): 1 runs them in the
    # process's main thread, where SIGALRM interrupts any code at its timeout; more run plain
    # functions on that many threads and `async def` ones on an event loop (docs/decisions.md).
    CONCURRENCY: int = 1
    # Periodic tasks defined in settings, by schedule name (schedules/definitions.py says what
    # each may hold); the others are declared next to their task function.
    SCHEDULES: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))
    # Limits of a queue as a whole, by queue name: {"concurrency_limit": 2, "rate_limit": "10/s"}
    # (flow_control/queue_limits.py), on top of each task function's own.
    QUEUES: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))
    # Days a finished task (and its attempts) is kept, by status (None: for ever), and per queue
    # for some queues; the pruner, a maintenance loop, deletes the older (services/retention.py).
    RETENTION: Mapping[str, float | None] = field(
        default_factory=lambda: MappingProxyType({"success": 7, "failed": 30, "cancelled": 30})
    )
    RETENTION_BY_QUEUE: Mapping[str, Mapping[str, float | None]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    PRUNE_INTERVAL_S: float = 60.0
    # Whether this run_worker's supervisor enqueues the schedules' ticks (every one may: each
    # tick becomes one task however many try it).
    SCHEDULER: bool = True
    # Each queue's stream of task events (GET /api/events/) keeps about this many entries, a
    # batch of events each; a client that reconnects after older ones is told to refetch.
    EVENTS_MAX_ENTRIES: int = 10_000
    API_OPEN: bool = False
    # /metrics without authentication (a scraper on a private network); API_OPEN opens it too.
    METRICS_OPEN: bool = False
    API_MAX_BODY_BYTES: int = 1_048_576
    API_MAX_BULK: int = 1000
    API_MAX_PAGE_SIZE: int = 200


_NUMERIC_MINIMUMS: dict[str, float] = {
    "DEFAULT_MAX_RETRIES": 0,
    "DEFAULT_RETRY_DELAY_S": 0,
    "DEFAULT_TIMEOUT_S": 0.001,
    "MAX_RETRY_DELAY_S": 0,
    "LEASE_S": 1,
    "HEARTBEAT_INTERVAL_S": 0.1,
    "MAX_LOST_ATTEMPTS": 1,
    "PROMOTE_INTERVAL_S": 0.01,
    "PAUSE_SYNC_INTERVAL_S": 0.01,
    "REAP_INTERVAL_S": 0.05,
    "RECONCILE_INTERVAL_S": 0.1,
    "RECONCILE_GRACE_S": 0,
    "ROLLUP_INTERVAL_S": 0.1,
    "WORKER_TTL_S": 1,
    "SHUTDOWN_GRACE_S": 0,
    "HARD_TIMEOUT_GRACE_S": 0.1,
    "CONCURRENCY": 1,
    "EVENTS_MAX_ENTRIES": 100,
    "PRUNE_INTERVAL_S": 1,
    "API_MAX_BODY_BYTES": 1024,
    "API_MAX_BULK": 1,
    "API_MAX_PAGE_SIZE": 1,
}


def parse_settings(raw: dict[str, Any]) -> TaskQueueSettings:
    """Build the settings from a TASK_QUEUE dict; raise ConfigurationError naming a bad key."""
    known = {f.name for f in fields(TaskQueueSettings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigurationError(f"TASK_QUEUE has unknown keys: {', '.join(unknown)}")
    values = {name: _checked(name, value) for name, value in raw.items()}
    parsed = TaskQueueSettings(**values)
    if parsed.HEARTBEAT_INTERVAL_S * 2 > parsed.LEASE_S:
        raise ConfigurationError(
            "TASK_QUEUE['HEARTBEAT_INTERVAL_S'] must be at most half of LEASE_S, "
            "or a busy worker would lose its lease between two heartbeats"
        )
    if parsed.REDIS_CLUSTER and parsed.REDIS_SENTINELS:
        raise ConfigurationError(
            "TASK_QUEUE: REDIS_CLUSTER and REDIS_SENTINELS exclude each other "
            "(a cluster fails over by itself)"
        )
    if any(ch in parsed.KEY_PREFIX for ch in "{} "):
        raise ConfigurationError("TASK_QUEUE['KEY_PREFIX'] may not contain braces or spaces")
    return parsed


def _checked_schedules(value: Any) -> Mapping[str, Mapping[str, Any]]:
    """The shape only: schedules/definitions.py checks each entry once the tasks are known."""
    if not isinstance(value, Mapping) or not all(
        isinstance(key, str) and isinstance(entry, Mapping) for key, entry in value.items()
    ):
        raise ConfigurationError(
            "TASK_QUEUE['SCHEDULES'] must map schedule names to dicts "
            "(task, cron or every, and options)"
        )
    return MappingProxyType(dict(value))


def _checked_queues(value: Any) -> Mapping[str, Mapping[str, Any]]:
    from django_task_queue.exceptions import TaskValidationError
    from django_task_queue.flow_control.queue_limits import check_queue_limits

    if not isinstance(value, Mapping) or not all(isinstance(name, str) for name in value):
        raise ConfigurationError("TASK_QUEUE['QUEUES'] must map queue names to dicts")
    for name, limits in value.items():
        try:
            check_queue_limits(name, limits)
        except TaskValidationError as exc:
            raise ConfigurationError(f"TASK_QUEUE['QUEUES'][{name!r}]: {exc}") from exc
    return MappingProxyType(
        {name: MappingProxyType(dict(limits)) for name, limits in value.items()}
    )


def _checked_days(name: str, value: Any) -> Mapping[str, float | None]:
    """A finished status → days mapping (None keeps for ever)."""
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"{name} must map finished statuses to days (or None)")
    for status, days in value.items():
        if status not in FINISHED_STATUSES:
            raise ConfigurationError(f"{name}: {status!r} is not a finished status")
        if days is not None and (
            isinstance(days, bool) or not isinstance(days, int | float) or days < 0
        ):
            raise ConfigurationError(f"{name}[{status!r}] must be days (at least 0) or None")
    return MappingProxyType(dict(value))


def _checked_retention_by_queue(value: Any) -> Mapping[str, Mapping[str, float | None]]:
    if not isinstance(value, Mapping):
        raise ConfigurationError("TASK_QUEUE['RETENTION_BY_QUEUE'] must map queue names to dicts")
    return MappingProxyType(
        {
            queue: _checked_days(f"TASK_QUEUE['RETENTION_BY_QUEUE'][{queue!r}]", days)
            for queue, days in value.items()
        }
    )


def _checked_sentinels(value: Any) -> tuple[str, ...]:
    addresses = value.split(",") if isinstance(value, str) else value
    checked = tuple(str(address).strip() for address in addresses if str(address).strip())
    for address in checked:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigurationError(f"TASK_QUEUE['REDIS_SENTINELS']: {address!r} is not host:port")
    return checked


_SPECIAL_CHECKS = {
    "SCHEDULES": _checked_schedules,
    "RETENTION": lambda value: _checked_days("TASK_QUEUE['RETENTION']", value),
    "RETENTION_BY_QUEUE": _checked_retention_by_queue,
    "QUEUES": _checked_queues,
}


def _checked(name: str, value: Any) -> Any:
    if name in _SPECIAL_CHECKS:
        return _SPECIAL_CHECKS[name](value)
    if name in {"TASK_MODULES", "TASK_IMPORT_PREFIXES"}:
        if isinstance(value, str) or not all(isinstance(m, str) and m for m in value):
            raise ConfigurationError(f"TASK_QUEUE[{name!r}] must be a list of modules")
        return tuple(value)
    if name == "REDIS_SENTINELS":
        return _checked_sentinels(value)
    return _checked_scalar(name, value)


def _checked_scalar(name: str, value: Any) -> Any:
    default = getattr(TaskQueueSettings, name)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigurationError(f"TASK_QUEUE[{name!r}] must be True or False")
    elif isinstance(default, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigurationError(f"TASK_QUEUE[{name!r}] must be a number")
        if isinstance(default, int) and not isinstance(value, int):
            raise ConfigurationError(f"TASK_QUEUE[{name!r}] must be a whole number")
        minimum = _NUMERIC_MINIMUMS.get(name, 0)
        if value < minimum:
            raise ConfigurationError(f"TASK_QUEUE[{name!r}] must be at least {minimum}")
    elif isinstance(default, str) and (not isinstance(value, str) or not value):
        raise ConfigurationError(f"TASK_QUEUE[{name!r}] must be a non-empty string")
    return value


@cache
def _cached(raw_items: tuple[tuple[str, Any], ...]) -> TaskQueueSettings:
    return parse_settings(dict(raw_items))


class _Last:
    """The settings last returned, with the TASK_QUEUE dict they came from and a copy of it,
    as one tuple: a thread reading it never sees one part replaced without the others."""

    entry: tuple[object, dict[str, Any], TaskQueueSettings] | None = None


def get_settings() -> TaskQueueSettings:
    """The current TASK_QUEUE settings (re-read when a test overrides them)."""
    raw = getattr(settings, "TASK_QUEUE", {}) or {}
    # The hot path asks several times per task or batch: the same dict, unchanged (compared
    # with a copy, in case it was edited in place), costs ~0.8 us instead of ~2.6 to freeze it.
    last = _Last.entry
    if last is not None and raw is last[0] and raw == last[1]:
        return last[2]
    try:
        parsed = _cached(tuple(sorted((k, _freeze(v)) for k, v in raw.items())))
    except TypeError:
        parsed = parse_settings(dict(raw))
    _Last.entry = (raw, copy.deepcopy(raw), parsed)
    return parsed


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    return value

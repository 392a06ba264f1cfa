"""Whether both stores answer, for GET /api/health/: a down store is reported, never raised."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection

from django_task_queue import store
from django_task_queue.broker.client import get_broker
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError


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
        store.read("ping")
    except (DatabaseError, StoreUnavailableError) as exc:
        # A broken connection would fail every later request of this thread: reconnect next time.
        connection.close()
        # PostgreSQL's own words, not the store's "unreachable" wrapping of them.
        return _first_line(exc.__cause__ if isinstance(exc.__cause__, DatabaseError) else exc)
    return None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]

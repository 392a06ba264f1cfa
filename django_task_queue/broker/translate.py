"""Where redis-py meets our code: its connection errors become ours, its replies plain text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from redis.exceptions import ClusterError

from django_task_queue.exceptions import BrokerUnavailableError


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise Redis connection failures as BrokerUnavailableError."""
    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError, ClusterError) as exc:
        # ClusterError: a cluster that lost a node's slots (CLUSTERDOWN) until it fails over.
        raise BrokerUnavailableError(f"Redis is unreachable: {exc}") from exc


def text(value: Any) -> str:
    # The client decodes responses, so every value is already a str.
    return value if isinstance(value, str) else str(value)

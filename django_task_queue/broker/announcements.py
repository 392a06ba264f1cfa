"""Hearing that a better task may be ready, without a round trip to Redis.

The scripts that make tasks ready (push, promote, reconcile) publish on the queue's `better`
channel when a task they add becomes the queue's best ready one: the ready set was empty, or the
task ranks ahead of its head. Workers claim the best tasks first, so a task added behind the
head ranks behind every task a worker holds, and FIFO pushes to a busy queue publish nothing.

A worker running a batch subscribes to its queues' channels and, before each next task, reads
what its own socket has received (a system call, no round trip). Silence means that nothing has
become ready ahead of the tasks it holds; anything else (a message, a re-subscription after
redis-py reconnected, an error) sends it to ask Redis. Asking every 2 ms instead cost a no-op
drain ~9 % of the worker's CPU per task.

While a long task runs, the worker's heartbeat thread reads the socket for it (`keep_drained`),
so that announcements do not pile up in Redis's output buffer for the subscriber.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence

import redis
from redis.client import PubSub

# How long a worker waits for Redis to confirm its subscriptions before it goes on asking.
_CONFIRM_TIMEOUT_S = 1.0
# After a failure, subscribing is tried again no sooner than this (each batch would try).
_RETRY_AFTER_S = 1.0


class Announcements:
    """One process's subscription to the `better` channels of the queues it works on."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._pubsub: PubSub | None = None
        self._channels: frozenset[str] = frozenset()
        self._failed_at = float("-inf")
        self._pending = False  # read by keep_drained, not yet reported by heard
        # The main thread reads and the heartbeat thread drains; a PubSub is not thread-safe.
        self._lock = threading.Lock()

    def listen(self, channels: Sequence[str]) -> None:
        """Subscribe to these channels, unless already; on failure, `heard` says None."""
        wanted = frozenset(channels)
        with self._lock:
            if self._pubsub is not None and wanted == self._channels:
                return
            self._close()
            if time.monotonic() - self._failed_at >= _RETRY_AFTER_S:
                self._subscribe(wanted)

    def _subscribe(self, wanted: frozenset[str]) -> None:
        # redis-py leaves pubsub() unannotated.
        pubsub: PubSub = self._client.pubsub()  # type: ignore[no-untyped-call]
        try:
            pubsub.subscribe(*wanted)
            # Only a confirmed subscription hears every later publish.
            deadline = time.monotonic() + _CONFIRM_TIMEOUT_S
            confirmed: set[str] = set()
            while confirmed != wanted:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no confirmation of the subscriptions")
                message = pubsub.get_message(timeout=left)
                if message is not None and message["type"] == "subscribe":
                    confirmed.add(str(message["channel"]))
        except (redis.RedisError, OSError):
            with contextlib.suppress(redis.RedisError, OSError):
                pubsub.close()
            self._failed_at = time.monotonic()
            return
        self._pubsub, self._channels = pubsub, wanted

    def heard(self) -> bool | None:
        """Whether anything arrived since the last call (which it consumes): None when not
        subscribed, so that the caller asks Redis instead."""
        with self._lock:
            heard = self._read()
            if heard is not None and self._pending:
                heard, self._pending = True, False
            return heard

    def keep_drained(self) -> None:
        """Read what arrived and keep only the fact, for `heard` (from another thread)."""
        with self._lock:
            if self._read():
                self._pending = True

    def _read(self) -> bool | None:
        pubsub = self._pubsub
        if pubsub is None:
            return None
        heard = False
        try:
            # Any message counts: a publish, or the confirmation of a re-subscription after a
            # reconnect, whose gap may have lost one.
            while pubsub.get_message(timeout=0.0) is not None:
                heard = True
        except (redis.RedisError, OSError):
            self._close()
            self._failed_at = time.monotonic()
            return None
        return heard

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        self._pending = False
        if self._pubsub is not None:
            pubsub, self._pubsub = self._pubsub, None
            self._channels = frozenset()
            with contextlib.suppress(redis.RedisError, OSError):
                pubsub.close()

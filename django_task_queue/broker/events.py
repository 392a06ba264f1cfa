"""The event stream: every change of a task's status, appended to its queue's Redis Stream
(`<p>:{<q>}:events`, in the queue's hash slot), which GET /api/events/ and `tail_tasks` read.

Events are recorded where the change is known to have committed (after PostgreSQL's statement)
into a buffer of this process, and written a batch per stream entry: by the producer's push,
in the same round trip as the tasks' entries; by a flusher thread of this process within
FLUSH_EVERY_S otherwise (a worker's claims and outcomes, which have no Redis call of their own
right after the commit: docs/decisions.md). Each entry holds one field, `e`: a JSON list of
events, each `[type, task id, task name, status, attempt, priority, ms since the epoch]`.
Streams are trimmed to about EVENTS_MAX_ENTRIES entries. Events are hints for live views, not
the truth: when Redis is down they are dropped, and PostgreSQL still has every status.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from redis.client import Pipeline

from django_task_queue.broker.keys import KeySpace

logger = logging.getLogger(__name__)

FLUSH_EVERY_S = 0.05
# Events kept per queue while Redis cannot take them; older ones are dropped.
MAX_PENDING_PER_QUEUE = 10_000
EVENT_TYPES = (
    "enqueued",  # pending: a new task
    "started",  # processing: a worker claimed it
    "succeeded",  # success
    "failed",  # failed: no retry left
    "retry_scheduled",  # retry: it failed and will run again later
    "cancelled",  # cancelled by a user
    "released",  # pending (or retry): given back without being run to its end
    "retried",  # pending: a user retried a failed or cancelled task
)


@dataclass(frozen=True, slots=True)
class TaskEvent:
    type: str
    task_id: str
    task_name: str
    queue_name: str
    status: str
    attempt: int
    priority: int


class _Pending:
    """This process's events not yet written, by queue."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_queue: dict[str, list[list[Any]]] = {}
        self.flusher: threading.Thread | None = None
        # Held while a flush writes what it took, so that a flush returns only once every
        # event recorded before it is in Redis, whichever thread took them.
        self.flushing = threading.Lock()

    def take(self) -> dict[str, list[list[Any]]]:
        with self.lock:
            taken, self.by_queue = self.by_queue, {}
        return taken


_pending = _Pending()


def _after_fork() -> None:
    # A child starts with no thread but the forking one: a lock held by the parent's flusher
    # would stay held, and the parent's events are the parent's to write.
    global _pending  # noqa: PLW0603  (the one process-wide buffer, replaced in a fork's child)
    _pending = _Pending()


os.register_at_fork(after_in_child=_after_fork)


def record(events: Iterable[TaskEvent]) -> None:
    """Buffer events for the stream; a flusher thread writes them within FLUSH_EVERY_S."""
    now_ms = int(time.time() * 1000)
    pending = _pending
    with pending.lock:
        for e in events:
            row = [e.type, e.task_id, e.task_name, e.status, e.attempt, e.priority, now_ms]
            rows = pending.by_queue.setdefault(e.queue_name, [])
            rows.append(row)
            if len(rows) > MAX_PENDING_PER_QUEUE:
                del rows[: len(rows) - MAX_PENDING_PER_QUEUE]
        if pending.flusher is None:
            pending.flusher = threading.Thread(
                target=_flush_forever, name="dtq-events", daemon=True
            )
            pending.flusher.start()


def flushing() -> threading.Lock:
    """The lock a flush holds from taking the buffered events until Redis has them."""
    return _pending.flushing


def stage(pipe: Pipeline, keys: KeySpace, max_entries: int) -> None:
    """Add the buffered events to a pipeline: one stream entry per queue."""
    for queue_name, rows in _pending.take().items():
        pipe.xadd(
            keys.queue(queue_name).events,
            {"e": json.dumps(rows, separators=(",", ":"))},
            maxlen=max_entries,
            approximate=True,
        )


def _flush_forever() -> None:
    # The broker imports this module; the settings may change (tests), so the broker follows.
    from django_task_queue.broker.client import Broker
    from django_task_queue.conf import get_settings
    from django_task_queue.exceptions import BrokerUnavailableError

    brokers: dict[tuple[str, str], Broker] = {}
    while True:
        time.sleep(FLUSH_EVERY_S)
        if not _pending.by_queue:
            continue
        conf = get_settings()
        where = (conf.REDIS_URL, conf.KEY_PREFIX)
        try:
            if where not in brokers:
                brokers[where] = Broker.from_url(*where)
            brokers[where].flush_events()
        except BrokerUnavailableError as exc:
            logger.debug("task events dropped, Redis is unreachable: %s", exc)
        except Exception:
            logger.exception("task events could not be written")

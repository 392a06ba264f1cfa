"""A worker loop's store outages: one log line when one starts and one when it ends, the
connection dropped for a fresh one, and a back-off that grows while it lasts."""

from __future__ import annotations

import logging

from django_task_queue.worker.decisions import outage_backoff_s
from django_task_queue.worker.deps import TaskStore

logger = logging.getLogger("django_task_queue.worker")


class Outage:
    def __init__(self, worker_id: str, store: TaskStore) -> None:
        self.worker_id = worker_id
        self.store = store
        self.failures = 0  # in a row

    def failed(self, exc: Exception) -> float:
        """A step met an outage: how long to back off before the next."""
        self.failures += 1
        if self.failures == 1:
            logger.error("worker %s cannot reach a store, backing off: %s", self.worker_id, exc)
        self.store.reconnect()
        return outage_backoff_s(self.failures)

    def passed(self) -> None:
        """A step went through."""
        if self.failures:
            logger.info("worker %s: stores reachable again", self.worker_id)
            self.failures = 0

"""A worker's metric counts, kept in memory and written to Redis by its heartbeat.

The claim loop records each start and outcome (a dict update under a lock, no I/O); the
heartbeat thread takes what accumulated and writes it in one pipeline per beat, so metrics cost
the hot path no Redis round trip.
"""

from __future__ import annotations

import threading
from datetime import datetime

from django_task_queue.broker.client import Broker
from django_task_queue.broker.metrics import MetricsStore, MetricValues
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.metrics import definitions as defs
from django_task_queue.outcomes import ClaimedTask


class WorkerStats:
    """Counts and histogram observations since the last flush; safe across the two threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending = MetricValues()

    def task_started(self, task: ClaimedTask, now: datetime) -> None:
        """Count the attempt; a first attempt also records how long the task waited."""
        with self._lock:
            self._count(defs.STARTED, task)
            due_at = task.due_at
            if task.attempt == 1 and due_at is not None:
                self._observe(defs.WAIT_SECONDS, task.queue_name, (now - due_at).total_seconds())

    def task_finished(self, task: ClaimedTask, outcome: defs.Outcome, duration_ms: float) -> None:
        with self._lock:
            self._count(defs.OUTCOME_COUNTERS[outcome], task)
            self._observe(defs.RUN_SECONDS, task.queue_name, duration_ms / 1000)

    def take(self) -> MetricValues:
        """Everything recorded since the last take, leaving the stats empty."""
        with self._lock:
            taken, self._pending = self._pending, MetricValues()
        return taken

    def give_back(self, values: MetricValues) -> None:
        """Keep values that could not be written, for the next flush."""
        with self._lock:
            self._pending.merge(values)

    def flush(self, broker: Broker) -> None:
        """Write the accumulated values; on BrokerUnavailableError they are kept for next time."""
        values = self.take()
        if values.is_empty():
            return
        try:
            MetricsStore(broker).add(values)
        except BrokerUnavailableError:
            self.give_back(values)
            raise

    def _count(self, counter: defs.CounterDef, task: ClaimedTask) -> None:
        key = (counter.key, task.queue_name, task.task_name)
        self._pending.counters[key] = self._pending.counters.get(key, 0) + 1

    def _observe(self, histogram: defs.HistogramDef, queue_name: str, value_s: float) -> None:
        value_s = max(0.0, value_s)
        bucket = (histogram.key, queue_name, histogram.bucket_label(value_s))
        self._pending.buckets[bucket] = self._pending.buckets.get(bucket, 0) + 1
        total = (histogram.key, queue_name)
        self._pending.sums[total] = self._pending.sums.get(total, 0.0) + value_s

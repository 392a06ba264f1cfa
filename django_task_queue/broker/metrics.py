"""The queue's Prometheus counters and histograms, kept in two Redis hashes (see keys.py).

Producers and workers add increments (one pipeline per batch or per heartbeat, never one round
trip per task); the /metrics view reads both hashes. A field joins its parts with `|`: queue
names cannot contain one and the task name comes last, so the split is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redis.client import Pipeline

from django_task_queue.broker.client import Broker
from django_task_queue.broker.translate import translated as _translated

SEPARATOR = "|"
SUM_FIELD = "sum"

# (counter, queue, task name), e.g. ("succeeded", "default", "add_numbers")
CounterKey = tuple[str, str, str]
# (histogram, queue, bucket upper bound label), e.g. ("run_seconds", "default", "0.5")
BucketKey = tuple[str, str, str]
# A histogram and a queue, keying its sum of observed seconds
SumKey = tuple[str, str]


@dataclass
class MetricValues:
    """Counter values, per-bucket (not cumulative) counts and sums: a delta or a snapshot."""

    counters: dict[CounterKey, int] = field(default_factory=dict)
    buckets: dict[BucketKey, int] = field(default_factory=dict)
    sums: dict[SumKey, float] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.counters or self.buckets or self.sums)

    def merge(self, other: MetricValues) -> None:
        """Add `other` into this one (a delta that could not be written is kept for later)."""
        for counter, count in other.counters.items():
            self.counters[counter] = self.counters.get(counter, 0) + count
        for bucket, count in other.buckets.items():
            self.buckets[bucket] = self.buckets.get(bucket, 0) + count
        for key, total in other.sums.items():
            self.sums[key] = self.sums.get(key, 0.0) + total


class MetricsStore:
    """Adds to and reads the metric hashes of one broker's key prefix."""

    def __init__(self, broker: Broker) -> None:
        self._client = broker.client
        self._counters_key = broker.keys.metrics_counters
        self._histograms_key = broker.keys.metrics_histograms

    def add(self, delta: MetricValues) -> None:
        """Write every increment of `delta` in one pipeline (one round trip)."""
        if delta.is_empty():
            return
        with _translated():
            pipe = self._client.pipeline(transaction=False)
            self.stage(pipe, delta)
            pipe.execute()

    def stage(self, pipe: Pipeline, delta: MetricValues) -> None:
        """Queue the increments of `delta` on a pipeline the caller executes."""
        for counter, count in delta.counters.items():
            pipe.hincrby(self._counters_key, SEPARATOR.join(counter), count)
        for bucket, count in delta.buckets.items():
            pipe.hincrby(self._histograms_key, SEPARATOR.join(bucket), count)
        for (histogram, queue_name), total in delta.sums.items():
            field_name = SEPARATOR.join((histogram, queue_name, SUM_FIELD))
            pipe.hincrbyfloat(self._histograms_key, field_name, total)

    def read(self) -> MetricValues:
        with _translated():
            pipe = self._client.pipeline(transaction=False)
            pipe.hgetall(self._counters_key)
            pipe.hgetall(self._histograms_key)
            raw_counters, raw_histograms = pipe.execute()
        values = MetricValues()
        for name, count in raw_counters.items():
            counter, queue_name, task_name = str(name).split(SEPARATOR, 2)
            values.counters[(counter, queue_name, task_name)] = int(count)
        for name, number in raw_histograms.items():
            histogram, queue_name, bucket = str(name).split(SEPARATOR, 2)
            if bucket == SUM_FIELD:
                values.sums[(histogram, queue_name)] = float(number)
            else:
                values.buckets[(histogram, queue_name, bucket)] = int(number)
        return values

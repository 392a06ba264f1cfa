"""What one /metrics scrape reports: the stored counters and histograms, queue depths, live workers.

Everything comes from Redis in a handful of round trips but the schedules' lag, read from their
own small table: the task table is never queried, so a scrape stays cheap however large it grows.
"""

from __future__ import annotations

from django.db import DatabaseError

from django_task_queue.broker.client import Broker
from django_task_queue.broker.index_reads import QueueDepths
from django_task_queue.broker.metrics import MetricsStore, MetricValues
from django_task_queue.metrics import definitions as defs
from django_task_queue.metrics.exposition import Family, Sample, histogram_samples
from django_task_queue.models import Schedule


def collect(broker: Broker) -> list[Family]:
    """Every metric family; BrokerUnavailableError when Redis is down."""
    values = MetricsStore(broker).read()
    workers = broker.workers()
    queue_names = broker.queue_names()
    queue_names.update(queue for worker in workers for queue in worker.queues)
    queue_names.update(queue for _, queue, _ in values.counters)
    depths = broker.depths(sorted(queue_names))
    return [
        *_counter_families(values),
        *_histogram_families(values),
        _depth_family(depths),
        Family(defs.WORKERS_ALIVE, "gauge", defs.WORKERS_ALIVE_HELP, [Sample((), len(workers))]),
        *_schedule_families(),
    ]


def _schedule_families() -> list[Family]:
    try:
        lags = list(
            Schedule.objects.filter(last_lag_s__isnull=False)
            .order_by("name")
            .values_list("name", "last_lag_s")
        )
    except DatabaseError:  # PostgreSQL down: the rest of the scrape still answers
        return []
    samples = [Sample((("schedule", name),), lag_s) for name, lag_s in lags if lag_s is not None]
    return [Family(defs.SCHEDULE_LAG, "gauge", defs.SCHEDULE_LAG_HELP, samples)]


def _counter_families(values: MetricValues) -> list[Family]:
    families = []
    for counter in defs.COUNTERS:
        samples = [
            Sample((("queue", queue_name), ("task_name", task_name)), count)
            for (key, queue_name, task_name), count in sorted(values.counters.items())
            if key == counter.key
        ]
        families.append(Family(counter.name, "counter", counter.help, samples))
    return families


def _histogram_families(values: MetricValues) -> list[Family]:
    families = []
    for histogram in defs.HISTOGRAMS:
        queue_names = sorted(
            {queue for key, queue, _ in values.buckets if key == histogram.key}
            | {queue for key, queue in values.sums if key == histogram.key}
        )
        samples: list[Sample] = []
        for queue_name in queue_names:
            counts = [
                values.buckets.get((histogram.key, queue_name, le), 0) for le in histogram.labels
            ]
            total = values.sums.get((histogram.key, queue_name), 0.0)
            samples += histogram_samples((("queue", queue_name),), histogram.labels, counts, total)
        families.append(Family(histogram.name, "histogram", histogram.help, samples))
    return families


def _depth_family(depths: dict[str, QueueDepths]) -> Family:
    samples = [
        Sample((("queue", queue_name), ("state", state)), count)
        for queue_name, depth in sorted(depths.items())
        for state, count in (
            ("ready", depth.ready),
            ("delayed", depth.delayed),
            ("processing", depth.processing),
        )
    ]
    return Family(defs.QUEUE_DEPTH, "gauge", defs.QUEUE_DEPTH_HELP, samples)

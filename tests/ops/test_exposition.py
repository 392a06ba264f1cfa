"""The text format and the worker's in-memory counts, without a web request."""

from __future__ import annotations

import uuid

import pytest

from django_task_queue.broker.client import Broker, Claim
from django_task_queue.broker.metrics import MetricsStore
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.metrics.definitions import RUN_SECONDS, format_number
from django_task_queue.metrics.exposition import Family, Sample, histogram_samples, render
from django_task_queue.outcomes import ClaimedTask
from django_task_queue.timeutil import from_ms
from django_task_queue.worker.stats import WorkerStats


def _task(task_name: str = "add_numbers", attempt: int = 1) -> ClaimedTask:
    return ClaimedTask(
        claim=Claim("t", "default", "token", 0),
        id=uuid.uuid4(),
        task_name=task_name,
        args=[],
        kwargs={},
        attempt=attempt,
        timeout_s=10,
        retry_count=0,
        max_retries=0,
        retry_delay_s=0,
        retry_backoff=False,
        priority=0,
        seq=1,
        queue_name="default",
        due_at=from_ms(1_000_000),
    )


def test_label_values_and_help_are_escaped() -> None:
    family = Family(
        "dtq_x_total",
        "counter",
        "A help\nwith a \\ backslash",
        [Sample((("task_name", 'say "hi"\\now\n'),), 3)],
    )

    text = render([family])

    assert text == (
        "# HELP dtq_x_total A help\\nwith a \\\\ backslash\n"
        "# TYPE dtq_x_total counter\n"
        'dtq_x_total{task_name="say \\"hi\\"\\\\now\\n"} 3\n'
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(3, "3"), (0.5, "0.5"), (1.0, "1.0"), (float("inf"), "+Inf"), (float("nan"), "NaN")],
)
def test_numbers_are_written_as_prometheus_reads_them(value: float, text: str) -> None:
    assert format_number(value) == text


def test_histogram_samples_are_cumulative_with_sum_and_count() -> None:
    samples = histogram_samples((("queue", "q"),), ["0.1", "1.0", "+Inf"], [2, 0, 1], 4.5)

    assert [
        (s.suffix, s.labels[-1][1] if s.suffix == "_bucket" else "", s.value) for s in samples
    ] == [
        ("_bucket", "0.1", 2),
        ("_bucket", "1.0", 2),
        ("_bucket", "+Inf", 3),
        ("_sum", "", 4.5),
        ("_count", "", 3),
    ]


def test_a_value_falls_in_the_smallest_bucket_that_holds_it() -> None:
    assert RUN_SECONDS.bucket_label(0.0) == "0.005"
    assert RUN_SECONDS.bucket_label(0.005) == "0.005"
    assert RUN_SECONDS.bucket_label(0.0051) == "0.01"
    assert RUN_SECONDS.bucket_label(10**6) == "+Inf"


def test_only_a_first_attempt_records_its_wait() -> None:
    stats = WorkerStats()
    now = from_ms(1_002_500)  # 2.5 s after the task became due

    stats.task_started(_task(attempt=1), now)
    stats.task_started(_task(attempt=2), now)
    values = stats.take()

    assert values.counters == {("started", "default", "add_numbers"): 2}
    assert values.buckets == {("wait_seconds", "default", "2.5"): 1}
    assert values.sums == {("wait_seconds", "default"): 2.5}
    assert stats.take().is_empty()


def test_counts_that_could_not_be_written_are_kept_for_the_next_beat(broker: Broker) -> None:
    stats = WorkerStats()
    stats.task_finished(_task(), "succeeded", 120.0)
    unreachable = Broker.from_url("redis://127.0.0.1:1/0", broker.keys.prefix)

    with pytest.raises(BrokerUnavailableError):
        stats.flush(unreachable)
    stats.flush(broker)

    stored = MetricsStore(broker).read()
    assert stored.counters == {("succeeded", "default", "add_numbers"): 1}
    assert stored.buckets == {("run_seconds", "default", "0.25"): 1}
    assert stored.sums == {("run_seconds", "default"): pytest.approx(0.12)}


def test_task_names_holding_the_separator_survive_the_round_trip(broker: Broker) -> None:
    stats = WorkerStats()
    stats.task_started(_task(task_name="odd|name"), from_ms(1_000_000))

    stats.flush(broker)

    assert MetricsStore(broker).read().counters == {("started", "default", "odd|name"): 1}

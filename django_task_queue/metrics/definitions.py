"""Every metric /metrics exposes: its name, help text and (for histograms) its fixed buckets."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Final, Literal

Outcome = Literal["succeeded", "failed", "retried"]


@dataclass(frozen=True)
class CounterDef:
    key: str  # the name stored in Redis
    name: str
    help: str


@dataclass(frozen=True)
class HistogramDef:
    key: str
    name: str
    help: str
    bounds_s: tuple[float, ...]

    @cached_property
    def labels(self) -> tuple[str, ...]:
        """The `le` label of every bucket, `+Inf` last (computed once: workers use it per task)."""
        return (*(format_number(bound) for bound in self.bounds_s), "+Inf")

    def bucket_label(self, value_s: float) -> str:
        """The `le` label of the smallest bucket holding `value_s`."""
        index = bisect.bisect_left(self.bounds_s, value_s)
        return self.labels[index]


ENQUEUED: Final = CounterDef("enqueued", "dtq_tasks_enqueued_total", "Tasks enqueued.")
STARTED: Final = CounterDef("started", "dtq_tasks_started_total", "Attempts started by workers.")
SUCCEEDED: Final = CounterDef(
    "succeeded", "dtq_tasks_succeeded_total", "Attempts that ended in success."
)
FAILED: Final = CounterDef(
    "failed", "dtq_tasks_failed_total", "Attempts that failed with no retry left."
)
RETRIED: Final = CounterDef(
    "retried", "dtq_tasks_retried_total", "Attempts that failed and scheduled a retry."
)
COUNTERS: Final = (ENQUEUED, STARTED, SUCCEEDED, FAILED, RETRIED)
OUTCOME_COUNTERS: Final[dict[Outcome, CounterDef]] = {
    "succeeded": SUCCEEDED,
    "failed": FAILED,
    "retried": RETRIED,
}

RUN_SECONDS: Final = HistogramDef(
    "run_seconds",
    "dtq_task_run_seconds",
    "How long finished attempts ran.",
    (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0),
)
WAIT_SECONDS: Final = HistogramDef(
    "wait_seconds",
    "dtq_task_wait_seconds",
    "How long tasks waited from due (enqueue or run_after) to their first attempt's start.",
    (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0),
)
HISTOGRAMS: Final = (RUN_SECONDS, WAIT_SECONDS)

QUEUE_DEPTH: Final = "dtq_queue_depth"
QUEUE_DEPTH_HELP: Final = (
    "Tasks in Redis per queue: ready now, delayed (retry or run_after), processing (leased)."
)
SCHEDULE_LAG: Final = "dtq_schedule_lag_seconds"
SCHEDULE_LAG_HELP: Final = "How late each schedule's last tick was enqueued, after its instant."
WORKERS_ALIVE: Final = "dtq_workers_alive"
WORKERS_ALIVE_HELP: Final = "Worker processes whose heartbeat record is live."


def format_number(value: float) -> str:
    """A sample value or bucket bound as Prometheus writes it (`1.0`, `0.005`, `+Inf`, `NaN`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if isinstance(value, int):
        return str(value)
    return repr(float(value))

"""What the task bodies recorded (see bench/workload.py), and waiting until a run is done."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.harness import stores
from bench.harness.procs import DeadlineError, Group


@dataclass(frozen=True)
class Tally:
    expected: int
    ran: int
    missing: int
    duplicated: int
    first_start: float | None
    last_end: float | None

    @property
    def busy_s(self) -> float | None:
        if self.first_start is None or self.last_end is None:
            return None
        return self.last_end - self.first_start


def runs_count() -> int:
    return int(stores.results().hlen("runs"))


def ends_count() -> int:
    return int(stores.results().hlen("ends"))


def wait_until_done(
    expected: int,
    *,
    timeout_s: float,
    sleeping: bool,
    workers: Group | None = None,
    settle_s: float = 1.0,
) -> None:
    """Wait until `expected` distinct tasks ran (and finished, for sleeping ones), then settle.

    Raises DeadlineError (the caller still tallies what ran) or RuntimeError if the workers died.
    """
    deadline = time.monotonic() + timeout_s
    count = ends_count if sleeping else runs_count
    while count() < expected:
        if workers is not None and not workers.alive():
            raise RuntimeError(f"the workers of {workers.name} exited; see {workers.log_path}")
        if time.monotonic() > deadline:
            raise DeadlineError(f"only {count()} of {expected} tasks done after {timeout_s:.0f} s")
        time.sleep(0.05)
    # A duplicate delivery would show up shortly after: give it a moment to appear.
    time.sleep(settle_s)


def tally(expected_ids: list[str]) -> Tally:
    client = stores.results()
    runs = {key: int(value) for key, value in client.hgetall("runs").items()}
    starts = [float(v) for v in client.hvals("starts")]
    ends = [float(v) for v in client.hvals("ends")]
    expected = set(expected_ids)
    missing = sum(1 for task_id in expected if task_id not in runs)
    duplicated = sum(count - 1 for task_id, count in runs.items() if count > 1)
    last = max([*starts, *ends]) if starts else None
    return Tally(
        expected=len(expected),
        ran=sum(1 for task_id in runs if task_id in expected),
        missing=missing,
        duplicated=duplicated,
        first_start=min(starts) if starts else None,
        last_end=last,
    )


def starts() -> dict[str, float]:
    return {key: float(value) for key, value in stores.results().hgetall("starts").items()}


def runs_of(task_id: str) -> int:
    return int(stores.results().hget("runs", task_id) or 0)

"""The capacity model's arithmetic: measured usage per task, what one PostgreSQL core and one
Redis shard carry, and what a target rate needs. Pure functions, no stores (bench/capacity.py
measures; tests/unit/test_bench_capacity.py checks these)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Size each resource to be this busy at the target rate: a queue that runs at 100 % has no room
# for a burst, a retry storm, a vacuum or a checkpoint.
BUSY_SHARE = 0.7
TARGET_RATES = (1_000, 10_000, 50_000)


@dataclass(frozen=True)
class CpuWindow:
    seconds: float
    pg_s: float
    redis_s: float
    workers_s: float
    machine_s: float


def cpu_window(
    readings: Sequence[tuple[float, float, float, float, float]], *, start: float, end: float
) -> CpuWindow:
    """CPU spent between `start` and `end` (epoch seconds), from cumulative readings (at,
    pg_s, redis_s, workers_s, machine_s) taken in time order: the last reading at or before `start`
    to the first at or after `end`, so the window holds the whole run and at most one sampling
    interval more at each edge."""
    if not readings:
        raise ValueError("no readings")
    before = next((r for r in reversed(readings) if r[0] <= start), readings[0])
    after = next((r for r in readings if r[0] >= end), readings[-1])
    return CpuWindow(
        seconds=after[0] - before[0],
        pg_s=after[1] - before[1],
        redis_s=after[2] - before[2],
        workers_s=after[3] - before[3],
        machine_s=after[4] - before[4],
    )


@dataclass(frozen=True)
class PerTask:
    """What one task cost: counts, bytes and CPU microseconds."""

    commits: float  # those that wrote (read-only transactions cost no WAL flush)
    wal_bytes: float
    pg_cpu_us: float
    redis_commands: float
    redis_cpu_us: float
    worker_cpu_us: float = 0.0

    def __add__(self, other: PerTask) -> PerTask:
        return PerTask(
            commits=self.commits + other.commits,
            wal_bytes=self.wal_bytes + other.wal_bytes,
            pg_cpu_us=self.pg_cpu_us + other.pg_cpu_us,
            redis_commands=self.redis_commands + other.redis_commands,
            redis_cpu_us=self.redis_cpu_us + other.redis_cpu_us,
            worker_cpu_us=self.worker_cpu_us + other.worker_cpu_us,
        )


@dataclass(frozen=True)
class Totals:
    """What a measured phase used in all: counts, bytes and CPU seconds."""

    commits: float
    wal_bytes: float
    pg_cpu_s: float
    redis_commands: float
    redis_cpu_s: float
    worker_cpu_s: float = 0.0

    def per_task(self, tasks: int) -> PerTask:
        """These totals, measured over `tasks` tasks, divided among them."""
        if tasks <= 0:
            raise ValueError("tasks must be positive")
        return PerTask(
            commits=self.commits / tasks,
            wal_bytes=self.wal_bytes / tasks,
            pg_cpu_us=self.pg_cpu_s * 1e6 / tasks,
            redis_commands=self.redis_commands / tasks,
            redis_cpu_us=self.redis_cpu_s * 1e6 / tasks,
            worker_cpu_us=self.worker_cpu_s * 1e6 / tasks,
        )


def tasks_per_core_s(cpu_us_per_task: float) -> float:
    """Tasks per second one fully busy core carries at this CPU cost per task."""
    return 1e6 / cpu_us_per_task if cpu_us_per_task > 0 else math.inf


@dataclass(frozen=True)
class Sizing:
    tasks_per_s: int
    pg_cores: float
    redis_shards: int
    worker_cores: float
    commits_per_s: float
    durable_commits_per_s: float
    wal_mib_per_s: float


def sizing(
    tasks_per_s: int, cost: PerTask, *, durable_commits: float, busy_share: float = BUSY_SHARE
) -> Sizing:
    """What `tasks_per_s` needs at `cost` per task, each CPU `busy_share` busy.

    `durable_commits` per task are those that wait for the WAL flush (the enqueue's)."""
    return Sizing(
        tasks_per_s=tasks_per_s,
        pg_cores=tasks_per_s * cost.pg_cpu_us / 1e6 / busy_share,
        # Redis runs commands on one thread: a shard is one core.
        redis_shards=max(1, math.ceil(tasks_per_s * cost.redis_cpu_us / 1e6 / busy_share)),
        worker_cores=tasks_per_s * cost.worker_cpu_us / 1e6 / busy_share,
        commits_per_s=tasks_per_s * cost.commits,
        durable_commits_per_s=tasks_per_s * durable_commits,
        wal_mib_per_s=tasks_per_s * cost.wal_bytes / 2**20,
    )


def cost_cells(cost: PerTask) -> list[str]:
    return [
        f"{cost.commits:.3g}",
        f"{cost.wal_bytes:,.0f}",
        f"{cost.pg_cpu_us:,.0f}",
        f"{cost.redis_commands:.2f}",
        f"{cost.redis_cpu_us:,.1f}",
    ]


COST_HEADER = "commits that wrote | WAL bytes | PG CPU µs | Redis commands | Redis CPU µs"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def sizing_table(sizings: Sequence[Sizing]) -> str:
    return table(
        [
            "tasks/s",
            f"PostgreSQL cores ({BUSY_SHARE:.0%} busy)",
            "Redis shards",
            "worker cores (besides the tasks' work)",
            "commits/s (of which durable)",
            "WAL MiB/s",
        ],
        [
            [
                f"{s.tasks_per_s:,}",
                f"{s.pg_cores:.1f}",
                f"{s.redis_shards}",
                f"{s.worker_cores:.1f}",
                f"{s.commits_per_s:,.0f} ({s.durable_commits_per_s:,.0f})",
                f"{s.wal_mib_per_s:.1f}",
            ]
            for s in sizings
        ],
    )

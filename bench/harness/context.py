"""What every figure needs: the systems, the sizes, a clean slate, and a producer run."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bench.harness import procs, stores
from bench.systems.base import System


@dataclass(frozen=True)
class Sizes:
    reps: int = 3
    enqueue_n: int = 10_000
    enqueue_threads: int = 8
    drain_n: int = 10_000
    # Tasks each worker process runs at once in the thread sweep and the async drain.
    threads: tuple[int, ...] = (1, 4, 8, 16, 32)
    async_n: int = 10_000
    latency_n: int = 200
    latency_interval_ms: float = 20.0
    crash_task_s: float = 5.0
    crash_kill_after_s: float = 1.0
    crash_wait_s: float = 60.0
    memory_worker_n: int = 100_000
    memory_stream_n: int = 1_000_000
    monitoring_rows: int = 1_000_000
    http_duration_s: int = 10
    http_connections: int = 8
    monitoring_requests: int = 40

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            reps=1,
            enqueue_n=1_000,
            drain_n=1_000,
            threads=(1, 32),
            async_n=1_000,
            latency_n=50,
            crash_task_s=3.0,
            crash_wait_s=25.0,
            memory_worker_n=5_000,
            memory_stream_n=50_000,
            monitoring_rows=50_000,
            http_duration_s=3,
            monitoring_requests=10,
        )


@dataclass
class Context:
    systems: list[System]
    sizes: Sizes
    notes: list[str] = field(default_factory=list)

    def reset(self) -> None:
        """Empty the broker and results Redis databases and every system's tables."""
        stores.flush_redis()
        for system in self.systems:
            system.after_flush()
        tables = [t for system in self.systems for t in system.tables]
        stores.truncate(*tables)

    def produce(
        self,
        system: System,
        mode: str,
        count: int,
        *,
        sleep_s: float = 0.0,
        timeout_s: float = 900.0,
        **extra: Any,
    ) -> dict[str, Any]:
        """Run bench.producer for `system`; `extra` are its other options (`prefix="s"`)."""
        argv = [
            str(system.python()),
            "-m",
            "bench.producer",
            "--system",
            system.name,
            "--mode",
            mode,
            "--count",
            str(count),
            "--sleep",
            str(sleep_s),
        ]
        for key, value in extra.items():
            flag = f"--{key.replace('_', '-')}"
            if value is True:
                argv.append(flag)
            elif value is not False:
                argv += [flag, str(value)]
        return procs.run_json(
            argv, env=system.env(), name=f"producer-{system.name}", timeout_s=timeout_s
        )

    def enqueue_fastest(self, system: System, count: int, **kwargs: Any) -> None:
        """Fill a queue before a measurement, with the bulk API where there is one."""
        self.produce(system, "bulk" if system.bulk_api else "one", count, **kwargs)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

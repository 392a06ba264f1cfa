"""The one interface every system implements, for the producer side and the orchestrator side.

Producer side (`enqueue_one`, `enqueue_bulk`) runs inside the system's own environment, in
`bench/producer.py`; the orchestrator side (`start_workers`, `stop`, `reset`) runs in
`bench/run.py`. Imports of a system's library happen inside its producer methods, so the
orchestrator can load every adapter without the peers installed in its environment.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Sequence
from pathlib import Path

from bench.harness import env
from bench.harness.procs import Group


class System:
    name: str = ""
    label: str = ""
    package: str = ""  # the distribution whose version is reported
    bulk_api: str | None = None  # how the system enqueues many tasks at once, None if it cannot
    tables: tuple[str, ...] = ()  # its tables in the benchmark database, emptied between runs
    # How each worker process takes tasks; written into the report's settings table.
    settings: str = ""
    # How a process runs several tasks at once (`start_workers(threads=N)`), or None if it cannot.
    threaded_settings: str | None = None
    # Whether it runs `async def` task functions as coroutines (`use_async_task`).
    runs_coroutines: bool = False

    # -- orchestrator side ------------------------------------------------------------------

    def python(self) -> Path:
        return env.BENCH_PYTHON

    def env(self) -> dict[str, str]:
        return env.base_env()

    def after_flush(self) -> None:
        """Called once the benchmark's Redis databases were emptied (before each run)."""

    def prepare(self) -> None:
        """One-time set-up before the first run (migrations)."""

    def worker_argv(self, workers: int, threads: int | None = None) -> list[str]:
        """`workers` processes; one task at a time each, or `threads` at once in each."""
        raise NotImplementedError

    def start_workers(self, workers: int, name: str, threads: int | None = None) -> Group:
        if threads is not None and self.threaded_settings is None:
            raise ValueError(f"{self.label} runs one task at a time per process")
        return Group(self.worker_argv(workers, threads), env=self.env(), name=name)

    def stop(self, group: Group) -> None:
        group.stop(grace_s=5.0)

    def version(self) -> str:
        out = subprocess.run(
            [
                str(self.python()),
                "-c",
                f"import importlib.metadata as m; print(m.version({self.package!r}))",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    # -- producer side (inside the system's environment) ------------------------------------

    def setup_producer(self) -> None:
        """Import the library and connect; not timed."""

    def use_async_task(self) -> None:
        """Enqueue the `async def` task function from now on (after setup_producer)."""
        raise NotImplementedError(f"{self.label} runs no coroutines")

    def enqueue_one(self, task_id: str, sleep_s: float) -> None:
        raise NotImplementedError

    def enqueue_bulk(self, items: list[tuple[str, float]]) -> None:
        raise NotImplementedError

    def close_producer(self) -> None:
        """Flush anything buffered; timed with the enqueues."""


def in_one_group(commands: Sequence[Sequence[str]]) -> list[str]:
    """Several worker commands under one shell, so one process group holds them all."""
    return ["/bin/sh", "-c", " & ".join(shlex.join(c) for c in commands) + " & wait"]

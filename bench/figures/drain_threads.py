"""Figure 2b: the 10 ms drain with each worker process running 1, 4, 8, 16, 32 tasks at once.

Every system in its threaded configuration (`threaded_settings`), 2 processes throughout; a
system that runs one task per process (RQ, django-tasks-db) is measured at 1 only. The best
setting of each system is its best configuration on this machine; each column is equal slots.
"""

from __future__ import annotations

from typing import Any

from bench.figures.drain import WORKERS, Drain, measure
from bench.harness.context import Context
from bench.systems.base import System

SLEEP_S = 0.010


def run(ctx: Context) -> dict[str, Any]:
    return sweep(ctx, ctx.systems, n=ctx.sizes.drain_n, async_task=False)


def sweep(ctx: Context, systems: list[System], *, n: int, async_task: bool) -> dict[str, Any]:
    """Each repetition runs every setting of every system before the next repetition starts."""
    data: dict[str, dict[str, list[dict[str, Any]]]] = {s.name: {} for s in systems}
    kind = "async drain" if async_task else "10 ms drain"
    for rep in range(1, ctx.sizes.reps + 1):
        for threads in ctx.sizes.threads:
            for system in systems:
                if system.threaded_settings is None and threads > 1:
                    continue
                drain = Drain(
                    n=n,
                    sleep_s=SLEEP_S,
                    threads=threads if system.threaded_settings else None,
                    async_task=async_task,
                )
                result = measure(ctx, system, drain, what=f"{kind} rep {rep}")
                data[system.name].setdefault(str(threads), []).append(result)
    ctx.reset()
    return {
        "n": n,
        "workers": WORKERS,
        "sleep_s": SLEEP_S,
        "threads": list(ctx.sizes.threads),
        "runs": data,
    }

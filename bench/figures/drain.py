"""Figure 2: drain throughput of 2 worker processes over already-enqueued tasks, exactly once.

`measure` is one such drain; the thread sweep and the async drain run it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.harness import results
from bench.harness.context import Context, log
from bench.harness.procs import DeadlineError
from bench.systems.base import System

WORKERS = 2
BODIES = {"noop": 0.0, "sleep10ms": 0.010}


@dataclass(frozen=True)
class Drain:
    """One drain: `n` tasks of `sleep_s`; `threads` tasks at once per process (None: the
    system's one-at-a-time configuration); `async_task` enqueues its `async def` function."""

    n: int
    sleep_s: float
    threads: int | None = None
    async_task: bool = False


def run(ctx: Context) -> dict[str, Any]:
    n = ctx.sizes.drain_n
    data: dict[str, dict[str, list[dict[str, Any]]]] = {
        s.name: {body: [] for body in BODIES} for s in ctx.systems
    }
    for rep in range(1, ctx.sizes.reps + 1):
        for system in ctx.systems:
            for body, sleep_s in BODIES.items():
                drain = Drain(n=n, sleep_s=sleep_s)
                data[system.name][body].append(
                    measure(ctx, system, drain, what=f"drain rep {rep} {body}")
                )
    ctx.reset()
    return {"n": n, "workers": WORKERS, "runs": data}


def measure(ctx: Context, system: System, drain: Drain, *, what: str) -> dict[str, Any]:
    """Enqueue the tasks, then start 2 worker processes; time them from first start to last end."""
    n, sleep_s, threads = drain.n, drain.sleep_s, drain.threads
    ctx.reset()
    prefix = "d-"
    ctx.enqueue_fastest(system, n, sleep_s=sleep_s, prefix=prefix, async_task=drain.async_task)
    # Generous: even 2 processes forking per task finish 10,000 sleeps well within this.
    timeout_s = 120 + n * (sleep_s + 0.01)
    error = None
    name = f"drain-{system.name}" + (f"-t{threads}" if threads else "")
    workers = system.start_workers(WORKERS, name=name, threads=threads)
    try:
        results.wait_until_done(n, timeout_s=timeout_s, sleeping=sleep_s > 0, workers=workers)
    except (DeadlineError, RuntimeError) as exc:
        error = str(exc)
    finally:
        system.stop(workers)
    tally = results.tally([f"{prefix}{i}" for i in range(n)])
    busy = tally.busy_s
    rate = n / busy if busy and not error else None
    log(
        f"{what} {system.name}{f' threads={threads}' if threads else ''}: "
        f"{rate or 0:,.0f} tasks/s, missing {tally.missing}, duplicated {tally.duplicated}"
        + (f" ({error})" if error else "")
    )
    return {
        "rate": rate,
        "busy_s": busy,
        "missing": tally.missing,
        "duplicated": tally.duplicated,
        "error": error,
    }

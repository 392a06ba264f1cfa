"""Figure 2: drain throughput of 2 worker processes over already-enqueued tasks, exactly once."""

from __future__ import annotations

from typing import Any

from bench.harness import results
from bench.harness.context import Context, log
from bench.harness.procs import DeadlineError

WORKERS = 2
BODIES = {"noop": 0.0, "sleep10ms": 0.010}


def run(ctx: Context) -> dict[str, Any]:
    n = ctx.sizes.drain_n
    data: dict[str, dict[str, list[dict[str, Any]]]] = {
        s.name: {body: [] for body in BODIES} for s in ctx.systems
    }
    for rep in range(1, ctx.sizes.reps + 1):
        for system in ctx.systems:
            for body in BODIES:
                data[system.name][body].append(_one(ctx, system, body=body, n=n, rep=rep))
    ctx.reset()
    return {"n": n, "workers": WORKERS, "runs": data}


def _one(ctx: Context, system: Any, *, body: str, n: int, rep: int) -> dict[str, Any]:
    sleep_s = BODIES[body]
    ctx.reset()
    prefix = f"d{rep}-"
    ctx.enqueue_fastest(system, n, sleep_s=sleep_s, prefix=prefix)
    # Generous: even 2 processes forking per task finish 10,000 sleeps well within this.
    timeout_s = 120 + n * (sleep_s + 0.01)
    error = None
    workers = system.start_workers(WORKERS, name=f"drain-{system.name}")
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
        f"drain rep {rep} {system.name} {body}: "
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

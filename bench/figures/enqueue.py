"""Figure 1: enqueue throughput, one call per task (from one thread, then from 8 producer
threads in one process) and with each system's bulk API."""

from __future__ import annotations

from typing import Any

from bench.harness.context import Context, log

MODES = ("one", "threads", "bulk")


def run(ctx: Context) -> dict[str, Any]:
    n = ctx.sizes.enqueue_n
    threads = ctx.sizes.enqueue_threads
    rates: dict[str, dict[str, list[float]]] = {
        s.name: {mode: [] for mode in MODES} for s in ctx.systems
    }
    for rep in range(1, ctx.sizes.reps + 1):
        for system in ctx.systems:
            for mode in MODES:
                if mode == "bulk" and not system.bulk_api:
                    continue
                ctx.reset()
                extra = {"threads": threads} if mode == "threads" else {}
                result = ctx.produce(system, mode, n, prefix=f"e{rep}-", **extra)
                rate = n / result["elapsed_s"]
                rates[system.name][mode].append(rate)
                log(f"enqueue rep {rep} {system.name} {mode}: {rate:,.0f} tasks/s")
    ctx.reset()
    return {"n": n, "threads": threads, "rates": rates}

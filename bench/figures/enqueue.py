"""Figure 1: enqueue throughput, one call per task and with each system's bulk API."""

from __future__ import annotations

from typing import Any

from bench.harness.context import Context, log


def run(ctx: Context) -> dict[str, Any]:
    n = ctx.sizes.enqueue_n
    rates: dict[str, dict[str, list[float]]] = {
        s.name: {"one": [], "bulk": []} for s in ctx.systems
    }
    for rep in range(1, ctx.sizes.reps + 1):
        for system in ctx.systems:
            for mode in ("one", "bulk"):
                if mode == "bulk" and not system.bulk_api:
                    continue
                ctx.reset()
                result = ctx.produce(system, mode, n, prefix=f"e{rep}-")
                rate = n / result["elapsed_s"]
                rates[system.name][mode].append(rate)
                log(f"enqueue rep {rep} {system.name} {mode}: {rate:,.0f} tasks/s")
    ctx.reset()
    return {"n": n, "rates": rates}

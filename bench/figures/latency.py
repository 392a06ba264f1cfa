"""Figure 3: pickup latency (task start minus the moment the enqueue call returned, when the task
is durable), idle workers; with the enqueue call's own duration and the latency from the call."""

from __future__ import annotations

import time
from typing import Any

from bench.harness import results, stores
from bench.harness.context import Context, log
from bench.harness.procs import DeadlineError
from bench.harness.stats import percentile

WORKERS = 2
WARMUP = 20
IDLE_S = 1.0


def run(ctx: Context) -> dict[str, Any]:
    data: dict[str, list[dict[str, Any]]] = {s.name: [] for s in ctx.systems}
    for rep in range(1, ctx.sizes.reps + 1):
        for system in ctx.systems:
            data[system.name].append(_one(ctx, system, rep))
    ctx.reset()
    return {
        "n": ctx.sizes.latency_n,
        "interval_ms": ctx.sizes.latency_interval_ms,
        "workers": WORKERS,
        "measured_from": "return",
        "runs": data,
    }


def _one(ctx: Context, system: Any, rep: int) -> dict[str, Any]:
    ctx.reset()
    n = ctx.sizes.latency_n
    workers = system.start_workers(WORKERS, name=f"latency-{system.name}")
    try:
        # Warm up: both processes up and connected, then idle before the measurement.
        ctx.produce(system, "one", WARMUP, prefix="warm")
        results.wait_until_done(WARMUP, timeout_s=60, sleeping=False, workers=workers)
        stores.results().delete("runs", "starts", "ends")
        time.sleep(IDLE_S)
        sent = ctx.produce(
            system, "paced", n, prefix=f"l{rep}-", interval_ms=ctx.sizes.latency_interval_ms
        )["sent"]
        results.wait_until_done(n, timeout_s=60, sleeping=False, workers=workers, settle_s=0.2)
    except (DeadlineError, RuntimeError) as exc:
        log(f"latency rep {rep} {system.name}: {exc}")
        return {"error": str(exc)}
    finally:
        system.stop(workers)
    started = results.starts()
    from_call = [(started[i] - t[0]) * 1000 for i, t in sent.items() if i in started]
    from_return = [(started[i] - t[1]) * 1000 for i, t in sent.items() if i in started]
    call_ms = [(t[1] - t[0]) * 1000 for t in sent.values()]
    row = {
        # From the return: the task is durable then (the definition since issue 20).
        "p50": percentile(from_return, 50),
        "p95": percentile(from_return, 95),
        "p99": percentile(from_return, 99),
        "max": max(from_return),
        "p50_from_call": percentile(from_call, 50),
        "p99_from_call": percentile(from_call, 99),
        "enqueue_call_p50": percentile(call_ms, 50),
        "enqueue_call_p99": percentile(call_ms, 99),
        "missing": n - len(from_return),
    }
    log(
        f"latency rep {rep} {system.name}: from the return p50 {row['p50']:.2f} ms, "
        f"p95 {row['p95']:.2f} ms, p99 {row['p99']:.2f} ms; enqueue call p50 "
        f"{row['enqueue_call_p50']:.2f} ms"
    )
    return row

"""Figure 6: worker RSS (each process, sampled every second) from idle through 100,000 tasks run
with `--concurrency 32`; producer RSS over enqueue_stream.

The 1,000,000 rows the producer leaves behind are what figure 7 (monitoring) queries.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from bench.harness import procs, results
from bench.harness.context import Context, log
from bench.systems.dtq_system import DtqSystem

WORKERS = 2
CONCURRENCY = 32
WARMUP = 1_000
SETTLE_S = 2.0
SAMPLE_EVERY_S = 1.0


def _worker_rss(group: procs.Group) -> dict[int, int]:
    return {pid: procs.rss_kib(pid) or 0 for pid in procs.descendants(group.pid)}


def run(ctx: Context) -> dict[str, Any]:
    system = next((s for s in ctx.systems if isinstance(s, DtqSystem)), None)
    if system is None:
        return {"skipped": "django-task-queue is not among the selected systems"}
    return {"worker": _workers(ctx, system), "producer": _producer(ctx, system)}


def _workers(ctx: Context, system: DtqSystem) -> dict[str, Any]:
    n = ctx.sizes.memory_worker_n
    ctx.reset()
    group = system.start_workers(WORKERS, name="memory-dtq", threads=CONCURRENCY)
    # (seconds since the first enqueue, tasks run so far, {worker pid: RSS KiB})
    samples: list[tuple[float, int, dict[int, int]]] = []
    stop = threading.Event()
    try:
        ctx.produce(system, "bulk", WARMUP, prefix="warm")
        results.wait_until_done(WARMUP, timeout_s=120, sleeping=False, workers=group)
        time.sleep(SETTLE_S)
        supervisor_idle = procs.rss_kib(group.pid) or 0
        idle = _worker_rss(group)
        log(f"memory: supervisor {supervisor_idle} KiB, workers at idle {idle} KiB")

        def sample() -> None:
            started = time.monotonic()
            while not stop.wait(SAMPLE_EVERY_S):
                samples.append(
                    (time.monotonic() - started, results.runs_count(), _worker_rss(group))
                )

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        ctx.produce(system, "bulk", n, prefix="m", chunk=10_000, timeout_s=1800)
        results.wait_until_done(WARMUP + n, timeout_s=1800, sleeping=False, workers=group)
        # Workers that started on an almost empty table: the time shows whether their cached
        # plans kept up as it grew (it once took 100,000 tasks to ~50 tasks/s).
        elapsed_s = time.monotonic() - started
        time.sleep(SETTLE_S)
        after = _worker_rss(group)
        supervisor_after = procs.rss_kib(group.pid) or 0
    finally:
        stop.set()
        system.stop(group)
    tally = results.tally([f"m{i}" for i in range(n)])
    log(f"memory: workers after {n:,} tasks {after} KiB (missing {tally.missing})")
    return {
        "tasks": n,
        "concurrency": CONCURRENCY,
        "elapsed_s": elapsed_s,
        "idle_kib": idle,
        "after_kib": after,
        "same_processes": sorted(idle) == sorted(after),
        "supervisor_idle_kib": supervisor_idle,
        "supervisor_after_kib": supervisor_after,
        "peak_kib": max((max(s[2].values(), default=0) for s in samples), default=0),
        "samples": [
            {"s": t, "done": done, "kib": {str(pid): kib for pid, kib in rss.items()}}
            for t, done, rss in samples[:: max(1, len(samples) // 200)]
        ],
        "missing": tally.missing,
        "duplicated": tally.duplicated,
    }


def _producer(ctx: Context, system: DtqSystem) -> dict[str, Any]:
    n = ctx.sizes.memory_stream_n
    ctx.reset()
    result = ctx.produce(system, "stream", n, prefix="s", timeout_s=3600)
    log(
        f"memory: enqueue_stream of {n:,}: {n / result['elapsed_s']:,.0f} tasks/s, RSS "
        f"{result['rss_baseline_kib']} → peak {result['rss_peak_kib']} KiB"
    )
    # Figure 7 queries these rows; no reset here.
    return {k: v for k, v in result.items() if k not in {"system", "mode"}}

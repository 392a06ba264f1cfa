"""Figure 2c: 10,000 `async def` tasks that await 10 ms, on the systems that run coroutines.

The same sweep as drain_threads: each worker process runs 1, 4, 8, 16, 32 coroutines at once
(ours: `--concurrency`, one event loop per process; Dramatiq: that many worker threads, each
waiting on the AsyncIO middleware's event loop).
"""

from __future__ import annotations

from typing import Any

from bench.figures.drain_threads import sweep
from bench.harness.context import Context


def run(ctx: Context) -> dict[str, Any]:
    systems = [s for s in ctx.systems if s.runs_coroutines]
    if not systems:
        return {"skipped": "none of the selected systems runs coroutines"}
    data = sweep(ctx, systems, n=ctx.sizes.async_n, async_task=True)
    data["without_coroutines"] = [s.label for s in ctx.systems if not s.runs_coroutines]
    return data

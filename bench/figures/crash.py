"""Figure 4: SIGKILL the worker 1 s into a 5 s task, start a fresh one: is the task run again?"""

from __future__ import annotations

import time
from typing import Any

from bench.harness import results
from bench.harness.context import Context, log
from bench.harness.procs import DeadlineError, wait_for

TASK_ID = "crash-0"


def run(ctx: Context) -> dict[str, Any]:
    data: dict[str, list[dict[str, Any]]] = {s.name: [] for s in ctx.systems}
    for rep in range(1, ctx.sizes.reps + 1):
        for system in ctx.systems:
            previous = data[system.name]
            if previous and previous[0].get("rerun_after_s") is None:
                # A system with no recovery within the window behaves the same every time;
                # its repetitions would only cost another full wait each.
                continue
            data[system.name].append(_one(ctx, system, rep))
    ctx.reset()
    return {
        "task_s": ctx.sizes.crash_task_s,
        "kill_after_s": ctx.sizes.crash_kill_after_s,
        "wait_s": ctx.sizes.crash_wait_s,
        "runs": data,
    }


def _one(ctx: Context, system: Any, rep: int) -> dict[str, Any]:
    ctx.reset()
    sizes = ctx.sizes
    first = system.start_workers(1, name=f"crash-{system.name}")
    fresh = None
    try:
        ctx.produce(system, "one", 1, sleep_s=sizes.crash_task_s, prefix="crash-")
        wait_for(
            lambda: results.runs_of(TASK_ID) >= 1, timeout_s=60, what=f"{system.name} to start"
        )
        started = results.starts()[TASK_ID]
        time.sleep(max(0.0, started + sizes.crash_kill_after_s - time.time()))
        first.kill()
        killed_at = time.time()
        fresh = system.start_workers(1, name=f"crash-{system.name}-fresh")
        try:
            wait_for(
                lambda: results.runs_of(TASK_ID) >= 2,
                timeout_s=sizes.crash_wait_s,
                what="a rerun",
                interval_s=0.05,
            )
            rerun_after = results.starts()[TASK_ID] - killed_at
        except DeadlineError:
            rerun_after = None
        row = {"rerun_after_s": rerun_after, "runs": results.runs_of(TASK_ID)}
    except (DeadlineError, RuntimeError) as exc:
        row = {"rerun_after_s": None, "error": str(exc)}
    finally:
        first.stop(grace_s=1.0)
        if fresh is not None:
            system.stop(fresh)
    verdict = (
        f"rerun {row['rerun_after_s']:.1f} s after the kill"
        if row.get("rerun_after_s") is not None
        else f"not rerun within {sizes.crash_wait_s:.0f} s"
    )
    log(f"crash rep {rep} {system.name}: {verdict}")
    return row

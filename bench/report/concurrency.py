"""The sections of the figures where a worker process runs several tasks at once: the 10 ms drain
thread sweep (best configuration and equal slots) and the async drain."""

from __future__ import annotations

from typing import Any

from bench.harness.stats import DASH, spread
from bench.report.markdown import TIMES, complete, labels, median, table, why_missing

# What each system does with an `async def` task function (read from the pinned versions).
WITHOUT_COROUTINES = {
    "celery": "Celery has no support for `async def` tasks (the task would return an un-awaited "
    "coroutine)",
    "rq": "RQ runs a job's coroutine with `asyncio.run`, one job at a time per worker process, so "
    "awaiting frees nothing for another job",
    "huey": "Huey refuses `async def` task functions and asks for a sync wrapper",
    "djtasks": "Django's task framework runs an `async def` task through `async_to_sync`, and "
    "`db_worker` runs one task at a time per process",
}


def best(settings: dict[str, list[dict[str, Any]]]) -> tuple[int, float] | None:
    """The setting (tasks at once per process) with the highest median rate, and that median."""
    medians = {
        int(threads): median([r["rate"] for r in runs if r.get("rate")])
        for threads, runs in settings.items()
    }
    rated = [(threads, rate) for threads, rate in medians.items() if rate]
    return max(rated, key=lambda tr: tr[1]) if rated else None


def _cell(runs: list[dict[str, Any]] | None, threaded: bool) -> str:
    if runs is None:
        return "n/a" if not threaded else DASH
    rate = spread([r["rate"] for r in runs if r.get("rate")])
    errors = [r["error"] for r in runs if r.get("error")]
    text = rate.fmt() if rate.n else DASH
    return text + (f" ({len(errors)} failed)" if errors else "")


def _sweep_table(data: dict[str, Any], fig: dict[str, Any]) -> str:
    names = labels(data)
    threaded = {s["name"]: bool(s.get("threaded_settings")) for s in data["systems"]}
    header = [
        "system",
        *[f"{t} per process ({t * fig['workers']} slots)" for t in fig["threads"]],
        "best (setting)",
        "missing / duplicated",
    ]
    rows = []
    for name, settings in fig["runs"].items():
        top = best(settings)
        runs = [r for rs in settings.values() for r in rs]
        rows.append(
            [
                names[name],
                *[_cell(settings.get(str(t)), threaded[name]) for t in fig["threads"]],
                f"**{top[1]:,.0f}** ({top[0]})" if top else DASH,
                f"{sum(r['missing'] for r in runs)} / {sum(r['duplicated'] for r in runs)}",
            ]
        )
    return table(header, rows)


def drain_threads(data: dict[str, Any]) -> str:
    fig = data.get("drain_threads")
    if not complete(fig):
        return why_missing(fig)
    ceiling = ", ".join(
        f"{t}: {fig['workers'] * t / fig['sleep_s']:,.0f}/s" for t in fig["threads"]
    )
    return (
        f"{fig['n']:,} tasks of {fig['sleep_s'] * 1000:.0f} ms enqueued first, then "
        f"{fig['workers']} worker processes, each running 1 to {max(fig['threads'])} tasks at "
        "once (the thread settings of the Systems table); tasks/s from the first task's start to "
        "the last task's end. Each column gives every system the same number of slots; the best "
        "column is each system at its best setting on this machine. RQ and django-tasks-db run "
        f"one task per process (n/a beyond 1). The ceilings are {fig['workers']} processes "
        f"{TIMES} tasks at once / {fig['sleep_s'] * 1000:.0f} ms: {ceiling}.\n\n"
        + _sweep_table(data, fig)
    )


def drain_async(data: dict[str, Any]) -> str:
    fig = data.get("drain_async")
    if not complete(fig):
        return why_missing(fig)
    names = {s["name"] for s in data["systems"]}
    others = [f"- {why}." for name, why in WITHOUT_COROUTINES.items() if name in names]
    return (
        f"{fig['n']:,} `async def` tasks that `await asyncio.sleep({fig['sleep_s']})`, enqueued "
        f"first, then {fig['workers']} worker processes running 1 to {max(fig['threads'])} "
        "coroutines at once each: ours with `--concurrency`, one event loop per process; "
        "Dramatiq with that many worker threads, each waiting on its AsyncIO middleware's "
        "event loop. The body records through a `redis.asyncio` client, one per event loop: "
        "where a system runs each coroutine on a fresh loop (ours at 1 per process, which runs "
        "each with `asyncio.run`), every task also opens a Redis connection, as real async code "
        "with its own clients would. The peers below run no coroutines concurrently, so they "
        "are not in it:\n\n" + "\n".join(others) + "\n\n" + _sweep_table(data, fig)
    )

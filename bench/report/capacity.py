"""docs/scaling.md's measured tables, from a bench/capacity.py run's data; written between the
page's markers so that the prose around them stays as it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.capacity_model import (
    BUSY_SHARE,
    COST_HEADER,
    TARGET_RATES,
    PerTask,
    Totals,
    cost_cells,
    sizing,
    sizing_table,
    table,
    tasks_per_core_s,
)
from bench.report.markdown import TIMES

START = "<!-- capacity:start (bench/capacity.py --write rewrites this part) -->"
END = "<!-- capacity:end -->"


def drain_cost(run: dict[str, Any]) -> PerTask:
    """A drain's cost per task: counts over the workers' life, CPU over the tasks' window."""
    drain, cpu = run["drain"], run["cpu_window"]
    return Totals(
        commits=drain["write_commits"],
        wal_bytes=drain["wal_bytes"],
        pg_cpu_s=cpu["pg_s"],
        redis_commands=drain["redis_commands"],
        redis_cpu_s=cpu["redis_s"],
        worker_cpu_s=cpu["workers_s"],
    ).per_task(run["tasks"])


def enqueue_cost(phases: list[dict[str, Any]], tasks: int) -> PerTask:
    """Enqueue phases' cost per task, summed over all of them (each a producer's whole run)."""
    return Totals(
        commits=sum(p["write_commits"] for p in phases),
        wal_bytes=sum(p["wal_bytes"] for p in phases),
        pg_cpu_s=sum(p["pg_cpu_s"] for p in phases),
        redis_commands=sum(p["redis_commands"] for p in phases),
        redis_cpu_s=sum(p["redis_cpu_s"] for p in phases),
    ).per_task(tasks)


def _measured(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in data["runs"] if r["rate"] and r["cpu_window"]]


def tables(data: dict[str, Any]) -> str:
    runs = _measured(data)
    if not runs:
        return "No drain finished; see bench/results/logs/."
    best = max(runs, key=lambda r: r["rate"])
    one = data["enqueue_one"]
    enqueue_one = enqueue_cost([one], one["tasks"])
    bulk = enqueue_cost([r["enqueue"] for r in runs], sum(r["tasks"] for r in runs))
    drained = drain_cost(best)
    parts = [
        _machine(data),
        "#### Drain: tasks/s against worker processes",
        _drain_table(runs, own_servers=bool(data.get("own_servers"))),
        "#### Enqueue, per task",
        table(
            ["enqueue", "tasks/s (one producer)", *COST_HEADER.split(" | ")],
            [
                [
                    "`enqueue()`, one task per call",
                    f"{one['tasks'] / one['elapsed_s']:,.0f}",
                    *cost_cells(enqueue_one),
                ],
                ["`enqueue_many()`, bulk", "", *cost_cells(bulk)],
            ],
        ),
        _capacity(best, drained, {"`enqueue()`": enqueue_one, "`enqueue_many()`": bulk}),
        "#### Redis commands per task, by command",
        _commands(best, one),
    ]
    return "\n\n".join(parts)


def _machine(data: dict[str, Any]) -> str:
    m = data["machine"]
    if data.get("own_servers"):
        settings = ", ".join(f"{k}={v}" for k, v in sorted(data["pg_settings"].items()))
        servers = (
            "servers of its own on the same disk, started for the run (PostgreSQL with the "
            f"machine's server's settings: {settings or 'defaults'})"
        )
    else:
        servers = "the machine's shared servers (their counts include other clients')"
    lines = [
        f"Measured {data['started_at']} by `bench/capacity.py --tasks {data['tasks']}` on "
        f"{m['nproc']} cores ({m['cpu_model'] or 'CPU model unknown'}), PostgreSQL "
        f"{m['postgresql']} and Redis {m['redis']}, {servers}; django-task-queue "
        f"{data['version']}; load average {data['load_before']} before, "
        f"{data.get('load_after', '?')} after."
    ]
    rates = data.get("pgbench_inserts")
    if rates:
        shown = ", ".join(f"{k.split('=')[1]} clients {v:,.0f}" for k, v in rates.items())
        lines.append(f"pgbench, single-row INSERT commits/s (durable): {shown}.")
    return " ".join(lines)


def _drain_table(runs: list[dict[str, Any]], *, own_servers: bool) -> str:
    rows = []
    for run in runs:
        cost, cpu = drain_cost(run), run["cpu_window"]
        seconds = cpu["seconds"]
        rows.append(
            [
                f"{run['processes']} {TIMES} {run['concurrency']}",
                f"{run['rate']:,.0f}",
                " / ".join(
                    f"{cpu[k] / seconds:.2f}" for k in ("pg_s", "redis_s", "workers_s", "machine_s")
                ),
                *cost_cells(cost),
                f"{cost.worker_cpu_us:,.0f}",
                f"{run['drain']['commits'] / run['tasks']:.3f}",
                f"{run['missing']} / {run['duplicated']}",
            ]
            + ([] if own_servers else [f"{run['drain']['other_commits']:,}"])
        )
    return table(
        [
            f"processes {TIMES} tasks at once",
            "tasks/s",
            "cores busy: PG / Redis / workers / machine",
            *COST_HEADER.split(" | "),
            "worker CPU µs",
            "transactions, read-only too",
            "missing / duplicated",
        ]
        + ([] if own_servers else ["other databases' commits"]),
        rows,
    )


def _capacity(best: dict[str, Any], drained: PerTask, enqueues: dict[str, PerTask]) -> str:
    fastest = f"{best['processes']} {TIMES} {best['concurrency']}"
    lines = [
        f"#### Capacity, from the fastest drain ({fastest})",
        "",
        "| a task's life | PG CPU µs | tasks/s per PostgreSQL core | Redis CPU µs | "
        "tasks/s per Redis shard | worker CPU µs | tasks/s per worker core |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, enqueue in enqueues.items():
        life = enqueue + drained
        lines.append(
            f"| {name} + drain | {enqueue.pg_cpu_us:,.0f} + {drained.pg_cpu_us:,.0f} = "
            f"{life.pg_cpu_us:,.0f} | 1,000,000 / {life.pg_cpu_us:,.0f} = "
            f"**{tasks_per_core_s(life.pg_cpu_us):,.0f}** | {enqueue.redis_cpu_us:,.1f} + "
            f"{drained.redis_cpu_us:,.1f} = {life.redis_cpu_us:,.1f} | 1,000,000 / "
            f"{life.redis_cpu_us:,.1f} = **{tasks_per_core_s(life.redis_cpu_us):,.0f}** | "
            f"{life.worker_cpu_us:,.0f} | {tasks_per_core_s(life.worker_cpu_us):,.0f} |"
        )
    for name, enqueue in enqueues.items():
        life = enqueue + drained
        sizings = [sizing(r, life, durable_commits=enqueue.commits) for r in TARGET_RATES]
        lines += [
            "",
            f"#### Sizing with {name} (each CPU {BUSY_SHARE:.0%} busy; no-op tasks)",
            "",
            sizing_table(sizings),
        ]
    return "\n".join(lines)


def _commands(best: dict[str, Any], one: dict[str, Any]) -> str:
    drain = best["drain"]["redis_by_command"]
    enqueue = one["redis_by_command"]
    names = sorted(set(drain) | set(enqueue), key=lambda c: -(drain.get(c, 0) / best["tasks"]))
    # The rest are the loops' and connections' own, a few per second whatever the rate.
    names = [
        n
        for n in names
        if drain.get(n, 0) / best["tasks"] >= 0.01 or enqueue.get(n, 0) / one["tasks"] >= 0.01
    ]
    return table(
        ["command", "drain", "`enqueue()`"],
        [
            [
                f"`{name}`",
                f"{drain.get(name, 0) / best['tasks']:.3f}",
                f"{enqueue.get(name, 0) / one['tasks']:.3f}",
            ]
            for name in names
        ],
    )


def write(page: Path, generated: str) -> None:
    """Replace what lies between the page's markers with `generated`."""
    text = page.read_text()
    head, found, rest = text.partition(START)
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise SystemExit(f"{page} lacks the markers {START!r} and {END!r}")
    page.write_text(f"{head}{START}\n{generated}\n{END}{tail}")

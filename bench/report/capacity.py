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


def body(run: dict[str, Any]) -> str:
    sleep_ms = run.get("sleep_ms", 0)
    return f"{sleep_ms} ms" if sleep_ms else "no-op"


def fastest_by_body(runs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each task body's fastest drain, no-op first, then by sleep."""
    ordered = sorted(runs, key=lambda r: r.get("sleep_ms", 0))
    return {
        body(r): max((o for o in ordered if body(o) == body(r)), key=lambda o: o["rate"])
        for r in ordered
    }


def tables(data: dict[str, Any]) -> str:
    runs = _measured(data)
    if not runs:
        return "No drain finished; see bench/results/logs/."
    fastest = fastest_by_body(runs)
    one = data["enqueue_one"]
    enqueues = {
        "`enqueue()`": enqueue_cost([one], one["tasks"]),
        "`enqueue_many()`": enqueue_cost(
            [r["enqueue"] for r in runs], sum(r["tasks"] for r in runs)
        ),
    }
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
                    *cost_cells(enqueues["`enqueue()`"]),
                ],
                ["`enqueue_many()`, bulk", "", *cost_cells(enqueues["`enqueue_many()`"])],
            ],
        ),
        _capacity(fastest, enqueues),
        "#### Redis commands per task, by command",
        _commands(fastest, one),
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
                body(run),
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
            "tasks",
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


def _capacity(fastest: dict[str, dict[str, Any]], enqueues: dict[str, PerTask]) -> str:
    lines = [
        "#### Capacity, from each task body's fastest drain",
        "",
        "| a task's life | PG CPU µs | tasks/s per PostgreSQL core | Redis CPU µs | "
        "tasks/s per Redis shard | worker CPU µs | tasks/s per worker core |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, enqueue in enqueues.items():
        for task, run in fastest.items():
            drained = drain_cost(run)
            life = enqueue + drained
            lines.append(
                f"| {name}, then {task} tasks ({run['processes']} {TIMES} {run['concurrency']}) "
                f"| {enqueue.pg_cpu_us:,.0f} + {drained.pg_cpu_us:,.0f} = "
                f"{life.pg_cpu_us:,.0f} | 1,000,000 / {life.pg_cpu_us:,.0f} = "
                f"**{tasks_per_core_s(life.pg_cpu_us):,.0f}** | {enqueue.redis_cpu_us:,.1f} + "
                f"{drained.redis_cpu_us:,.1f} = {life.redis_cpu_us:,.1f} | 1,000,000 / "
                f"{life.redis_cpu_us:,.1f} = **{tasks_per_core_s(life.redis_cpu_us):,.0f}** | "
                f"{life.worker_cpu_us:,.0f} | {tasks_per_core_s(life.worker_cpu_us):,.0f} |"
            )
    # The two ends: one call per task and tasks long enough to be claimed one at a time, and
    # bulk enqueue with tasks short enough to be claimed 200 at a time.
    tasks = list(fastest)
    slowest, quickest = tasks[-1], tasks[0]
    for name, task in (("`enqueue()`", slowest), ("`enqueue_many()`", quickest)):
        enqueue = enqueues[name]
        life = enqueue + drain_cost(fastest[task])
        sizings = [sizing(r, life, durable_commits=enqueue.commits) for r in TARGET_RATES]
        lines += [
            "",
            f"#### Sizing: {name}, then {task} tasks (each CPU {BUSY_SHARE:.0%} busy; worker "
            "cores besides the tasks' own work)",
            "",
            sizing_table(sizings),
        ]
    return "\n".join(lines)


def _commands(fastest: dict[str, dict[str, Any]], one: dict[str, Any]) -> str:
    columns = {f"drain, {task} tasks": run for task, run in fastest.items()}
    per_task = {
        label: {c: n / run["tasks"] for c, n in run["drain"]["redis_by_command"].items()}
        for label, run in columns.items()
    }
    per_task["`enqueue()`"] = {c: n / one["tasks"] for c, n in one["redis_by_command"].items()}
    first = next(iter(per_task.values()))
    # The rest are the loops' and connections' own, a few per second whatever the rate.
    names = sorted(
        {c for counts in per_task.values() for c, n in counts.items() if n >= 0.01},
        key=lambda c: -first.get(c, 0),
    )
    return table(
        ["command", *per_task],
        [[f"`{c}`", *(f"{counts.get(c, 0):.3f}" for counts in per_task.values())] for c in names],
    )


def write(page: Path, generated: str) -> None:
    """Replace what lies between the page's markers with `generated`."""
    text = page.read_text()
    head, found, rest = text.partition(START)
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise SystemExit(f"{page} lacks the markers {START!r} and {END!r}")
    page.write_text(f"{head}{START}\n{generated}\n{END}{tail}")

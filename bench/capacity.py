"""Capacity model: tasks/s against worker processes, and what each task costs PostgreSQL and
Redis, for docs/scaling.md.

.venv/bin/python bench/capacity.py            # 1, 2, 4, 8 processes, 3 series (about 5 minutes)
.venv/bin/python bench/capacity.py --processes 1,2 --series 1x0 --tasks 2000   # a quick look
.venv/bin/python bench/capacity.py --write    # and rewrite docs/scaling.md's tables
.venv/bin/python bench/capacity.py --report-only bench/results/capacity-latest.json --write

For each series (tasks at once per process, and whether a task returns at once or sleeps) and
each count of worker processes: N tasks are enqueued in bulk, then `run_worker --workers=P`
drains them. Counted from the workers' start to their stop: commits of the benchmark database,
WAL bytes (pg_current_wal_lsn), Redis commands (INFO commandstats, those run inside scripts
included). CPU time, sampled every 0.1 s, from the first task's start to the last one's end:
PostgreSQL (its server's every process, from /proc), Redis (INFO cpu), the workers
(run_worker's process tree) and the whole machine. `enqueue()` one task at a time is measured
once, on its own.

By default it starts a PostgreSQL and a Redis server of its own on free ports (the machine's
binaries, and its PostgreSQL server's settings), so that everything counted there is the
queue's; --shared-stores uses the machine's instead (database dtq_bench_cap, Redis database 9).
What the task bodies record goes to the machine's Redis, database 8 (bench/workload.py).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path; the suite imports `bench.*` from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.harness import own_servers  # noqa: E402  (reads no BENCH_* variable at import)

# Stores of its own, so that a run never meets bench/run.py's (database bench_taskqueue, Redis
# databases 14 and 11) or the tests' (database 15); overridable as for bench/run.py.
DEFAULT_STORES = {"BENCH_PG_DATABASE": "dtq_bench_cap", "BENCH_BROKER_DB": "9"}
RESULTS_DB = "8"
PAGE = ROOT / "docs" / "scaling.md"
RESULTS = ROOT / "bench" / "results" / "capacity-latest.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,2,4,8", help="worker processes, comma-separated")
    parser.add_argument(
        "--series",
        default="1x0,8x0,8x10",
        help="series of drains, comma-separated, each TxMS: T tasks at once per process (1: the "
        "default loop) running tasks that sleep MS milliseconds (0: no-op)",
    )
    parser.add_argument("--tasks", type=int, default=20_000, help="tasks per no-op drain")
    parser.add_argument(
        "--sleeping-tasks", type=int, default=5_000, help="tasks per drain of sleeping tasks"
    )
    parser.add_argument("--enqueue-one", type=int, default=3_000, help="tasks enqueued one by one")
    parser.add_argument(
        "--pgbench-s", type=int, default=5, help="seconds per pgbench run (0: none)"
    )
    parser.add_argument(
        "--shared-stores",
        action="store_true",
        help="the machine's PostgreSQL and Redis (BENCH_PG_PORT, BENCH_REDIS_PORT) instead of "
        "servers of its own: their counts then include every other client's",
    )
    parser.add_argument(
        "--write", action="store_true", help="rewrite the tables in docs/scaling.md"
    )
    parser.add_argument("--report-only", type=Path, metavar="JSON", help="tables from a saved run")
    args = parser.parse_args()
    if args.report_only:
        data = json.loads(args.report_only.read_text())
    else:
        args.pg_settings = _choose_stores(shared=args.shared_stores)
        data = measure(args)
    from bench.report import capacity as page

    tables = page.tables(data)
    print(tables)
    if args.write:
        page.write(PAGE, tables)
        print(f"rewrote the tables of {PAGE}")


def _choose_stores(*, shared: bool) -> dict[str, str]:
    """Point the harness at its stores (before it reads the environment); the settings of the
    machine's PostgreSQL server that our own server copies."""
    for key, value in DEFAULT_STORES.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("BENCH_RESULTS_DB", RESULTS_DB)
    if shared:
        return {}
    machine_redis_port = os.environ.get("BENCH_REDIS_PORT", "6379")
    settings = own_servers.pg_settings(
        os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
        int(os.environ.get("BENCH_PG_PORT", "5432")),
        os.environ.get("BENCH_PG_USER", "root"),
    )
    # The bodies' records stay on the machine's Redis: they are not the queue's commands.
    os.environ.setdefault("BENCH_RESULTS_REDIS_PORT", machine_redis_port)
    os.environ["BENCH_REDIS_PORT"] = str(own_servers.free_port())
    os.environ["BENCH_PG_HOST"] = "127.0.0.1"
    os.environ["BENCH_PG_PORT"] = str(own_servers.free_port())
    os.environ["BENCH_PG_USER"] = "root"
    return settings


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from bench.figures import machine
    from bench.harness import env, procs, stores, usage
    from bench.harness.context import Context, Sizes, log
    from bench.systems.dtq_system import DtqSystem

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not args.shared_stores:
        own_servers.start_postgres(env.PG_PORT, args.pg_settings)
        own_servers.start_redis(env.REDIS_PORT)
    # Registered last, so run first at exit: the workers stop before our servers do.
    atexit.register(procs.kill_all)
    log(f"database {env.PG_DATABASE}, broker {env.BROKER_URL}, bodies' records {env.RESULTS_URL}")
    stores.ensure_database()
    stores.claim_redis_databases()
    system = DtqSystem()
    system.prepare()
    ctx = Context(systems=[system], sizes=Sizes(reps=1))
    meter = usage.Meter(
        pg_conninfo={"host": env.PG_HOST, "port": env.PG_PORT, "user": env.PG_USER},
        dbname=env.PG_DATABASE,
        broker=stores.broker(),
    )
    data: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine.describe(),
        "version": system.version(),
        "own_servers": not args.shared_stores,
        "pg_settings": args.pg_settings,
        "load_before": machine.loadavg(),
        "tasks": args.tasks,
    }
    if args.pgbench_s:
        data["pgbench_inserts"] = machine.pgbench_inserts(args.pgbench_s)
        log(f"pgbench single-row INSERT commits/s: {data['pgbench_inserts']}")
    data["enqueue_one"] = _enqueue_one(ctx, system, meter, args.enqueue_one)
    data["runs"] = []
    for series in [s for s in args.series.split(",") if s]:
        concurrency, sleep_ms = (int(part) for part in series.split("x"))
        for processes in [int(p) for p in args.processes.split(",") if p]:
            drain = Drain(
                processes=processes,
                concurrency=concurrency,
                sleep_ms=sleep_ms,
                tasks=args.sleeping_tasks if sleep_ms else args.tasks,
            )
            data["runs"].append(_drain(ctx, system, meter, drain))
            _save(data)
    data["load_after"] = machine.loadavg()
    ctx.reset()
    _save(data)
    log(f"raw data in {RESULTS}")
    return data


def _enqueue_one(ctx: Any, system: Any, meter: Any, n: int) -> dict[str, Any]:
    """`enqueue()` one task at a time from one producer process: a durable commit each."""
    from bench.harness import usage
    from bench.harness.context import log

    ctx.reset()
    before = meter.snapshot()
    produced = ctx.produce(system, "one", n, prefix="e-")
    used = usage.between(before, meter.snapshot())
    log(f"enqueue() one by one: {n / produced['elapsed_s']:,.0f} tasks/s")
    return {"tasks": n, "elapsed_s": produced["elapsed_s"], **used}


@dataclass(frozen=True)
class Drain:
    processes: int
    concurrency: int  # tasks at once per process; 1 runs the default loop
    sleep_ms: int  # what each task does: sleep this long (0: return at once)
    tasks: int


def _drain(ctx: Any, system: Any, meter: Any, drain: Drain) -> dict[str, Any]:
    from bench.capacity_model import cpu_window
    from bench.harness import results, usage
    from bench.harness.context import log
    from bench.harness.procs import DeadlineError

    n, processes, concurrency = drain.tasks, drain.processes, drain.concurrency
    ctx.reset()
    _index_built(system)
    before_enqueue = meter.snapshot()
    produced = ctx.produce(system, "bulk", n, prefix="c-", sleep_s=drain.sleep_ms / 1000)
    before = meter.snapshot()
    threads = concurrency if concurrency > 1 else None
    workers = system.start_workers(
        processes, name=f"capacity-p{processes}-c{concurrency}-s{drain.sleep_ms}", threads=threads
    )
    sampler = usage.Sampler(meter=meter, workers_pid=workers.pid)
    sampler.start()
    error = None
    try:
        results.wait_until_done(
            n, timeout_s=120 + n * 0.01, sleeping=drain.sleep_ms > 0, workers=workers
        )
    except (DeadlineError, RuntimeError) as exc:
        error = str(exc)
    finally:
        readings = sampler.stop()
        system.stop(workers)
    drained = usage.between(before, meter.snapshot())
    tally = results.tally([f"c-{i}" for i in range(n)])
    busy_s = tally.busy_s
    window = None
    if tally.first_start is not None and tally.last_end is not None:
        window = cpu_window(
            [(r.at, r.pg_s, r.redis_s, r.workers_s, r.machine_s) for r in readings],
            start=tally.first_start,
            end=tally.last_end,
        ).__dict__
    rate = n / busy_s if busy_s and not error else None
    log(
        f"{processes} processes x {concurrency}, {drain.sleep_ms} ms tasks: {rate or 0:,.0f} "
        f"tasks/s, missing "
        f"{tally.missing}, duplicated {tally.duplicated}" + (f" ({error})" if error else "")
    )
    return {
        "processes": processes,
        "concurrency": concurrency,
        "sleep_ms": drain.sleep_ms,
        "tasks": n,
        "rate": rate,
        "busy_s": busy_s,
        "missing": tally.missing,
        "duplicated": tally.duplicated,
        "error": error,
        "enqueue": {
            "elapsed_s": produced["elapsed_s"],
            **usage.between(before_enqueue, before),
        },
        "drain": drained,
        "cpu_window": window,
    }


def _index_built(system: Any) -> None:
    system.after_flush()  # the index is built, as in a running deployment (DtqSystem)


def _save(data: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=1, default=str))


if __name__ == "__main__":
    main()

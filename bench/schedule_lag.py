"""How late a scheduler enqueues each tick: N schedules of `every(seconds=1)`, K supervisors.

Run: `.venv/bin/python bench/schedule_lag.py [--schedules 1000] [--supervisors 1,3] [--seconds 60]`
(not part of `make test`; docs/benchmarks.md, "Schedules", holds its last figures). It uses its
own database (taskqueue_schedules) and Redis database 7, which it empties. The schedules' tasks go
to a queue no worker serves, so that only the scheduler's own work is measured; a tick's lateness
is its task's created_at (taken just before the statement that inserts it) minus its instant.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "taskqueue_schedules"
REDIS_URL = "redis://127.0.0.1:6379/7"
WARM_UP_S = 10
FEATURE_PAGE = ROOT / "bench" / "features" / "schedules.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=1000)
    parser.add_argument("--supervisors", default="1,3")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--write", action="store_true", help=f"write {FEATURE_PAGE.name}")
    args = parser.parse_args()
    lines = [
        "| schedulers | ticks measured | duplicates | missing | lateness p50 | p99 | max | "
        "scheduler CPU (per process) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    for count in map(int, args.supervisors.split(",")):
        lines.append(run(args.schedules, count, args.seconds))
        print(lines[-1], flush=True)
    if args.write:
        FEATURE_PAGE.parent.mkdir(exist_ok=True)
        FEATURE_PAGE.write_text(_page(args.schedules, args.seconds, lines))


def _page(schedules: int, seconds: int, lines: list[str]) -> str:
    return "\n".join(
        [
            "### Schedules: how late each tick is enqueued",
            "",
            f"`bench/schedule_lag.py --schedules {schedules} --seconds {seconds}` on "
            f"{time.strftime('%Y-%m-%d')}: {schedules:,} schedules of `every(seconds=1)`, run by "
            "one and by three `run_worker` supervisors at once, measured over the run less its "
            f"first {WARM_UP_S} s. A tick's lateness is its task's `created_at` minus its instant; "
            "duplicates and missing ticks are counted against one task per schedule per second. "
            "The target (issue 21) is a p99 under 1 s.",
            "",
            *lines,
            "",
        ]
    )


def run(schedules: int, supervisors: int, seconds: int) -> str:
    env = _fresh_env(schedules)
    argv = [sys.executable, "manage.py", "run_worker", "--queue=unserved", "--log-level=WARNING"]
    processes = [
        subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True)
        for _ in range(supervisors)
    ]
    started = time.time()
    time.sleep(seconds)
    cpu_s = [_cpu_s(p.pid) for p in processes]
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)
    window = (started + WARM_UP_S, started + seconds - 2)
    return _report(window, schedules, supervisors, [c / seconds for c in cpu_s])


def _fresh_env(schedules: int) -> dict[str, str]:
    with psycopg.connect("postgres://root@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    overrides = {
        "REDIS_URL": REDIS_URL,
        "KEY_PREFIX": "dtqsched",
        "SCHEDULES": {
            f"tick-{i:05d}": {
                "task": "add_numbers",
                "args": [i, 1],
                "every": 1,
                "queue_name": "ticks",
            }
            for i in range(schedules)
        },
    }
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://root@127.0.0.1:5432/{DB_NAME}",
        "TASK_QUEUE_OVERRIDES": json.dumps(overrides),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return env


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _report(
    window: tuple[float, float], schedules: int, supervisors: int, cpu_shares: list[float]
) -> str:
    since, until = window
    with psycopg.connect(f"postgres://root@127.0.0.1:5432/{DB_NAME}") as conn:
        (measured, distinct, p50, p99, worst) = conn.execute(
            """
            SELECT count(*), count(DISTINCT (schedule_name, scheduled_for)),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY lateness),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY lateness), max(lateness)
            FROM (SELECT schedule_name, scheduled_for,
                         extract(epoch FROM created_at - scheduled_for) AS lateness
                  FROM django_task_queue_task
                  WHERE scheduled_for >= to_timestamp(%s) AND scheduled_for < to_timestamp(%s)) t
            """,
            (since, until),
        ).fetchone() or (0, 0, 0, 0, 0)
    # One tick per schedule at each whole second of the window.
    expected = schedules * (math.ceil(until) - math.ceil(since))
    missing = max(0, expected - distinct)
    cpu = ", ".join(f"{share * 100:.0f} %" for share in cpu_shares)
    return (
        f"| {supervisors} | {measured:,} | {measured - distinct} | {missing} | "
        f"{p50 * 1000:.0f} ms | {p99 * 1000:.0f} ms | {worst * 1000:.0f} ms | {cpu} |"
    )


if __name__ == "__main__":
    main()

"""Soak: 20,000 tasks through 3 worker processes while a chaos loop SIGKILLs a random worker
every few seconds and flushes Redis once. At the end every task must be `success`, none missing;
it reports how many ran more than once and checks that only killed attempts were rerun.

Run: `.venv/bin/python bench/soak.py [--tasks 20000] [--kill-every 3]` (not part of `make test`).
It uses its own database (taskqueue_soak) and its own Redis database (13), which it empties.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "taskqueue_soak"
REDIS_URL = "redis://127.0.0.1:6379/13"
OVERRIDES = {
    "REDIS_URL": REDIS_URL,
    "KEY_PREFIX": "dtqsoak",
    "LEASE_S": 5.0,
    "HEARTBEAT_INTERVAL_S": 1.0,
    "REAP_INTERVAL_S": 0.5,
    "RECONCILE_INTERVAL_S": 5.0,
}


def _setup_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://root@127.0.0.1:5432/{DB_NAME}",
        "TASK_QUEUE_OVERRIDES": json.dumps(OVERRIDES),
        "TASK_QUEUE_TASK_MODULES": "bench.soak_tasks",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(env)
    return env


def _prepare_database() -> None:
    import psycopg

    with psycopg.connect("postgres://root@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kill-every", type=float, default=3.0)
    parser.add_argument("--work-ms", type=float, default=5.0)
    parser.add_argument("--deadline", type=float, default=900.0)
    return parser.parse_args()


def _start_workers(env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    log_dir = (ROOT / "bench" / "results").resolve()
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "soak-worker.log").open("w") as worker_log:
        return subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                f"--workers={workers}",
                "--log-level=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _chaos(run: subprocess.Popen[bytes], args: argparse.Namespace) -> dict[str, object]:
    """SIGKILL a random worker every few seconds and flush Redis once, until all tasks end."""
    import redis

    from django_task_queue.broker import get_broker
    from django_task_queue.models import Task

    started = time.monotonic()
    kills, flushed = 0, False
    next_kill = started + args.kill_every
    rng = random.Random(7)
    while True:
        done = Task.objects.filter(status__in=["success", "failed"]).count()
        now = time.monotonic()
        if done >= args.tasks or now - started > args.deadline:
            return {"elapsed_s": round(now - started, 1), "kills": kills, "redis_flushed": flushed}
        if now >= next_kill:
            pids = [w.pid for w in get_broker().workers() if w.pid != run.pid]
            if pids:
                try:
                    os.kill(rng.choice(pids), signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
            next_kill = now + args.kill_every
        if not flushed and done >= args.tasks // 2:
            redis.Redis.from_url(REDIS_URL).flushdb()
            flushed = True
            print(f"flushed Redis at {done} done")
        time.sleep(0.2)


def _stop(run: subprocess.Popen[bytes]) -> None:
    os.killpg(run.pid, signal.SIGTERM)
    try:
        run.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()


def _verdict(tasks: int) -> dict[str, object]:
    """Every task's fate, and whether each rerun is explained by a killed attempt."""
    from django_task_queue.models import Attempt, Task

    statuses = Counter(Task.objects.values_list("status", flat=True))
    attempts_per_task = Counter(Attempt.objects.values_list("task_id", flat=True))
    rerun = {task_id: n for task_id, n in attempts_per_task.items() if n > 1}
    unexplained = [
        task_id
        for task_id, runs in rerun.items()
        if any(
            outcome not in {"lost", "interrupted"}
            for outcome in Attempt.objects.filter(task_id=task_id)
            .order_by("number")
            .values_list("outcome", flat=True)[: runs - 1]
        )
    ]
    results = {i for (i,) in Task.objects.filter(status="success").values_list("result")}
    return {
        "statuses": dict(statuses),
        "missing_results": tasks - len(results),
        "tasks_run_more_than_once": len(rerun),
        "extra_runs": sum(n - 1 for n in rerun.values()),
        "reruns_not_explained_by_a_kill": len(unexplained),
    }


def main() -> int:
    args = _parse_args()
    env = _setup_env()
    sys.path.insert(0, str(ROOT))
    _prepare_database()

    import django

    django.setup()
    import redis

    from django_task_queue.services import TaskSpec, enqueue_many

    redis.Redis.from_url(REDIS_URL).flushdb()
    print(f"enqueueing {args.tasks} tasks")
    enqueue_many(TaskSpec(task="soak_work", args=[i, args.work_ms]) for i in range(args.tasks))
    run = _start_workers(env, args.workers)
    try:
        chaos = _chaos(run, args)
    finally:
        _stop(run)
    verdict = _verdict(args.tasks)
    report = {"tasks": args.tasks, "workers": args.workers, **chaos, **verdict}
    print(json.dumps(report, indent=2))
    ok = (
        verdict["statuses"] == {"success": args.tasks}
        and verdict["missing_results"] == 0
        and verdict["reruns_not_explained_by_a_kill"] == 0
    )
    print("SOAK PASSED" if ok else "SOAK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

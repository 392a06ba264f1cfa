"""How fast the retention pruner deletes finished tasks (with an attempt each), against how fast
a worker finishes them: whether retention keeps up with the drain on this machine.

Run: `.venv/bin/python bench/retention_rate.py [--tasks 200000] [--write]` (not part of
`make test`; `--write` keeps the figures in bench/features/retention.md, which
docs/benchmarks.md copies). It uses its own database (taskqueue_retention), which it recreates.
The pruner runs as the maintenance loop runs it while behind: half a second of batches, then
half a second of rest; "flat out" is batches with no rest.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_NAME = "taskqueue_retention"
PAGE = ROOT / "bench" / "features" / "retention.md"

FILL = """
INSERT INTO django_task_queue_task (
    id, task_name, args, kwargs, priority, queue_name, status, retry_count, max_retries,
    retry_delay, retry_backoff, timeout, attempt, created_at, updated_at, completed_at, result
)
SELECT gen_random_uuid(), 'noop', '[]', '{}', 0, 'default', 'success', 0, 3, 60, false, 300, 1,
       now() - interval '10 days', now() - interval '10 days',
       now() - interval '10 days' + g * interval '1 millisecond', 'null'
FROM generate_series(1, %(count)s) AS g
"""
FILL_ATTEMPTS = """
INSERT INTO django_task_queue_attempt (task_id, number, worker_id, started_at, finished_at,
                                       outcome, duration_ms)
SELECT id, 1, 'w', completed_at, completed_at, 'success', 0.1 FROM django_task_queue_task;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    url = f"postgres://root@127.0.0.1:5432/{DB_NAME}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    with psycopg.connect("postgres://root@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    rows = []
    for mode, rest_s in (("as the maintenance loop runs it", 0.5), ("flat out", 0.0)):
        _fill(url, args.tasks)
        rows.append(_measure(mode, args.tasks, rest_s))
        print(rows[-1], flush=True)
    header = (
        "| pruner | tasks deleted (with an attempt each) | seconds | tasks/s |\n|---|---|---|---|"
    )
    print(header)
    if args.write:
        PAGE.parent.mkdir(exist_ok=True)
        PAGE.write_text(_page(args.tasks, header, rows))


def _fill(url: str, count: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE django_task_queue_task CASCADE")
        conn.execute(FILL, {"count": count})
        conn.execute(FILL_ATTEMPTS)
        conn.execute("VACUUM ANALYZE django_task_queue_task")
        conn.execute("VACUUM ANALYZE django_task_queue_attempt")


def _measure(mode: str, count: int, rest_s: float) -> str:
    from django.utils import timezone

    from django_task_queue.services.retention import prune
    from django_task_queue.worker.maintenance import PRUNE_BUDGET_S

    deleted = 0
    started = time.monotonic()
    while deleted < count:
        result = prune(timezone.now(), budget_s=PRUNE_BUDGET_S)
        deleted += result.tasks
        if result.caught_up:
            break
        time.sleep(rest_s)
    elapsed = time.monotonic() - started
    return f"| {mode} | {deleted:,} | {elapsed:.1f} | {deleted / elapsed:,.0f} |"


def _page(count: int, header: str, rows: list[str]) -> str:
    return "\n".join(
        [
            "### Retention: how fast the pruner deletes",
            "",
            f"`bench/retention_rate.py --tasks {count}` on {time.strftime('%Y-%m-%d')}: "
            f"{count:,} succeeded tasks 10 days old, an attempt each, deleted by "
            "`services/retention.prune` in batches of 1,000 (one short transaction each). The "
            "drain it must keep up with is section 2's no-op drain on the same machine.",
            "",
            header,
            *rows,
            "",
        ]
    )


if __name__ == "__main__":
    main()

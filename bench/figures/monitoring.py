"""Figure 7: GET /api/tasks/ (with filters) and GET /api/stats/ over 1,000,000 task rows, p95.

Uses the rows enqueue_stream left in figure 6 (or makes them), then rewrites them into a
realistic mix: created over the last 24 hours, 89 % success, 10 % pending, 1 % failed.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.harness import api_server, env, stores
from bench.harness.context import Context, log
from bench.harness.stats import percentile
from bench.systems.dtq_system import DtqSystem

MIX_SQL = """
UPDATE django_task_queue_task AS t SET
    created_at = s.created,
    updated_at = s.created + interval '20 milliseconds',
    status = CASE WHEN t.seq % 100 = 5 THEN 'failed' WHEN t.seq % 10 = 0 THEN 'pending'
                  ELSE 'success' END,
    attempt = CASE WHEN t.seq % 10 = 0 THEN 0 ELSE 1 END,
    started_at = CASE WHEN t.seq % 10 = 0 THEN NULL
                      ELSE s.created + interval '10 milliseconds' END,
    completed_at = CASE WHEN t.seq % 10 = 0 THEN NULL
                        ELSE s.created + interval '20 milliseconds' END,
    error_message = CASE WHEN t.seq % 100 = 5 THEN 'ValueError: bench failure' END
FROM (
    SELECT id, now() - random() * interval '24 hours' AS created FROM django_task_queue_task
) AS s
WHERE t.id = s.id
"""


# What a supervisor's rollup loop would have folded by now (no worker runs in this figure).
FOLD = (
    "from django.utils import timezone; from django_task_queue.monitoring import rollup; "
    "rollup.fold(timezone.now())"
)


def _fold_statistics(system: DtqSystem) -> None:
    argv = [str(system.python()), "manage.py", "shell", "-v", "0", "-c", FOLD]
    subprocess.run(argv, cwd=env.ROOT, env=system.env(), check=True)


def _count() -> int:
    with stores.pg() as conn:
        return int(conn.execute("SELECT count(*) FROM django_task_queue_task").fetchone()[0])  # type: ignore[index]


def _requests() -> dict[str, str]:
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "list (newest first)": "/api/tasks/",
        "list status=failed": "/api/tasks/?status=failed",
        "list status=pending&queue_name=bench": "/api/tasks/?status=pending&queue_name=bench",
        "list task_name, page 50": "/api/tasks/?task_name=bench_task&page=50",
        "list created_after 1 h ago": f"/api/tasks/?created_after={hour_ago}",
        "list search=<id prefix>": "/api/tasks/?search=abc",
        "list ordering=-priority": "/api/tasks/?ordering=-priority",
        "stats (60 min)": "/api/stats/",
        "stats (1440 min)": "/api/stats/?minutes=1440",
    }


def _get_ms(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
    return (time.perf_counter() - started) * 1000, status


def run(ctx: Context) -> dict[str, Any]:
    system = next((s for s in ctx.systems if isinstance(s, DtqSystem)), None)
    if system is None:
        return {"skipped": "django-task-queue is not among the selected systems"}
    wanted = ctx.sizes.monitoring_rows
    if _count() < wanted:
        ctx.reset()
        ctx.produce(system, "stream", wanted, prefix="s", timeout_s=3600)
    log(f"monitoring: rewriting {_count():,} rows into a realistic status mix")
    started = time.monotonic()
    with stores.pg() as conn:
        conn.execute(MIX_SQL)
    stores.vacuum("django_task_queue_task")
    log(f"monitoring: rows ready in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    _fold_statistics(system)
    log(f"monitoring: statistics rolled up in {time.monotonic() - started:.1f} s")
    rows = _count()
    requests = _requests()
    per_rep: dict[str, list[dict[str, float]]] = {name: [] for name in requests}
    statuses: dict[str, set[int]] = {name: set() for name in requests}
    with api_server.serving(system) as base:
        for path in requests.values():  # warm every code path and connection once
            _get_ms(base + path)
        for rep in range(1, ctx.sizes.reps + 1):
            for name, path in requests.items():
                timings = []
                for _ in range(ctx.sizes.monitoring_requests):
                    ms, status = _get_ms(base + path)
                    timings.append(ms)
                    statuses[name].add(status)
                per_rep[name].append(
                    {"p50": percentile(timings, 50), "p95": percentile(timings, 95)}
                )
                log(
                    f"monitoring rep {rep} {name}: p50 {percentile(timings, 50):.1f} ms, "
                    f"p95 {percentile(timings, 95):.1f} ms, status {sorted(statuses[name])}"
                )
    ctx.reset()
    return {
        "rows": rows,
        "requests_per_rep": ctx.sizes.monitoring_requests,
        "paths": requests,
        "runs": per_rep,
        "statuses": {k: sorted(v) for k, v in statuses.items()},
        "server": api_server.SETTINGS,
    }

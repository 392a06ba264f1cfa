"""Figure 5: HTTP enqueue (POST /api/tasks/ and POST /api/tasks/bulk/) under gunicorn."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from bench.harness import api_server, http_load, stores
from bench.harness.context import Context, log
from bench.systems.dtq_system import DtqSystem

BULK_SIZE = 100


def _task(i: int) -> dict[str, Any]:
    return {"task_name": "bench_task", "args": [f"h{i}", 0.0], "queue_name": "bench"}


def _endpoint_exists(url: str, body: str) -> bool:
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return bool(200 <= response.status < 300)
    except OSError:
        return False


def _rows() -> int:
    with stores.pg() as conn:
        return int(conn.execute("SELECT count(*) FROM django_task_queue_task").fetchone()[0])  # type: ignore[index]


def run(ctx: Context) -> dict[str, Any]:
    system = next((s for s in ctx.systems if isinstance(s, DtqSystem)), None)
    if system is None:
        return {"skipped": "django-task-queue is not among the selected systems"}
    single_body = json.dumps(_task(0))
    bulk_body = json.dumps({"tasks": [_task(i) for i in range(BULK_SIZE)]})
    runs: dict[str, list[dict[str, Any]]] = {"single": [], "bulk": []}
    ctx.reset()
    with api_server.serving(system) as base:
        endpoints = {"single": f"{base}/api/tasks/", "bulk": f"{base}/api/tasks/bulk/"}
        bodies = {"single": single_body, "bulk": bulk_body}
        available = {name: _endpoint_exists(endpoints[name], bodies[name]) for name in endpoints}
        for rep in range(1, ctx.sizes.reps + 1):
            for name in ("single", "bulk"):
                if not available[name]:
                    continue
                ctx.reset()
                result = http_load.post_load(
                    endpoints[name],
                    bodies[name],
                    duration_s=ctx.sizes.http_duration_s,
                    connections=ctx.sizes.http_connections,
                )
                per_request = BULK_SIZE if name == "bulk" else 1
                result["tasks_per_s"] = result["requests_per_s"] * per_request
                result["rows"] = _rows()
                runs[name].append(result)
                log(
                    f"http rep {rep} {name}: {result['requests_per_s']:,.0f} requests/s, "
                    f"{result['tasks_per_s']:,.0f} tasks/s, non-2xx {result['non_2xx']:.0f}"
                )
    ctx.reset()
    return {
        "server": api_server.SETTINGS,
        "connections": ctx.sizes.http_connections,
        "duration_s": ctx.sizes.http_duration_s,
        "bulk_size": BULK_SIZE,
        "available": available,
        "runs": runs,
    }

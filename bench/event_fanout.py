"""1,000 open event streams against one server process while tasks flow: the server's memory and
how long each event takes from its state change to the client.

Run: `.venv/bin/python bench/event_fanout.py [--streams 1000] [--rate 5] [--seconds 20] [--write]`
(not part of `make test`; `--write` keeps the figures in bench/features/events.md, which
docs/benchmarks.md copies). It uses its own database (taskqueue_events) and Redis database 6,
which it empties; the server is gunicorn with one uvicorn worker process (config/asgi.py), a
`run_worker` runs the tasks, and the clients are asyncio connections in this process.
An event's delay is the client's clock when it reads the event minus the event's `at` (taken
by the process that made the change, right after its commit), one machine's clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "taskqueue_events"
REDIS_URL = "redis://127.0.0.1:6379/6"
PAGE = ROOT / "bench" / "features" / "events.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=5.0, help="tasks enqueued per second")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    env = _fresh_env()
    port = 18765
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", "python:config.gunicorn",
         "config.asgi:application", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env={**env, "WEB_CONCURRENCY": "1"}, start_new_session=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--log-level=WARNING"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_up(f"http://127.0.0.1:{port}/api/health/")
        figures = asyncio.run(_measure(port, args.streams, args.rate, args.seconds, server.pid))
    finally:
        for process in (server, worker):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    row = (
        f"| {args.streams:,} | {args.rate:g}/s | {figures['events']:,} | "
        f"{figures['p50_ms']:.0f} ms | {figures['p99_ms']:.0f} ms | "
        f"{figures['rss_idle_mb']:.0f} MB | {figures['rss_open_mb']:.0f} MB |"
    )
    header = (
        "| open streams | tasks | events read | delay p50 | delay p99 | server RSS before | "
        "with the streams open |\n|---|---|---|---|---|---|---|"
    )
    print(header)
    print(row)
    if args.write:
        PAGE.parent.mkdir(exist_ok=True)
        PAGE.write_text(_page(args, header, row))


def _page(args: argparse.Namespace, header: str, row: str) -> str:
    return "\n".join(
        [
            "### Live events: open streams against one server process",
            "",
            f"`bench/event_fanout.py --streams {args.streams} --rate {args.rate:g} --seconds "
            f"{args.seconds}` on {time.strftime('%Y-%m-%d')}: one gunicorn process with a uvicorn "
            "worker serves every stream, unfiltered (each client gets every event); a "
            "`run_worker` runs the tasks (each makes 3 events: enqueued, started, succeeded). "
            "A delay runs from the change's commit (the event's `at`) to a client reading it; "
            "RSS is the server's worker process.",
            "",
            header,
            row,
            "",
        ]
    )


def _fresh_env() -> dict[str, str]:
    with psycopg.connect("postgres://root@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://root@127.0.0.1:5432/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "TASK_QUEUE_API_OPEN": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
        "TASK_QUEUE_OVERRIDES": json.dumps({"SCHEDULER": False}),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return env


def _wait_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


async def _measure(
    port: int, streams: int, rate: float, seconds: int, server_pid: int
) -> dict[str, Any]:
    rss_idle = _server_rss_mb(server_pid)
    delays: list[float] = []
    readers = [asyncio.create_task(_client(port, delays)) for _ in range(streams)]
    await asyncio.sleep(5)  # every stream open
    rss_open = _server_rss_mb(server_pid)
    producer = asyncio.create_task(_produce(port, rate, seconds))
    await producer
    await asyncio.sleep(3)  # the last events arrive
    for reader in readers:
        reader.cancel()
    failures = [
        r
        for r in await asyncio.gather(*readers, return_exceptions=True)
        if isinstance(r, Exception) and not isinstance(r, asyncio.CancelledError)
    ]
    if failures:
        print(f"{len(failures)} client(s) failed, e.g. {failures[0]!r}", file=sys.stderr)
    ordered = sorted(delays)
    return {
        "events": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else float("nan"),
        "rss_idle_mb": rss_idle,
        "rss_open_mb": max(rss_open, _server_rss_mb(server_pid)),
    }


async def _client(port: int, delays: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**20)
    writer.write(
        b"GET /api/events/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    await writer.drain()
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if b"data: {" in line:
                data = json.loads(line.split(b"data: ", 1)[1])
                at = (
                    time.mktime(time.strptime(data["at"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
                )
                at += float("0." + data["at"][20:26]) if len(data["at"]) > 20 else 0.0
                delays.append(time.time() - at)
    finally:
        writer.close()


async def _produce(port: int, rate: float, seconds: int) -> None:
    loop = asyncio.get_running_loop()
    body = json.dumps({"task_name": "add_numbers", "args": [1, 2]}).encode()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/tasks/", data=body,
            headers={"Content-Type": "application/json"}, method="POST",
        )  # fmt: skip
        await loop.run_in_executor(
            None, lambda r=request: urllib.request.urlopen(r, timeout=10).read()
        )
        await asyncio.sleep(1 / rate)


def _server_rss_mb(master_pid: int) -> float:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    total_kb = 0
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


if __name__ == "__main__":
    main()

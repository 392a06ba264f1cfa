"""The machine and what its stores allow: redis-benchmark, pgbench single-row INSERT commits, and
one round trip to each store after an idle pause (the floor under a pickup latency)."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.harness import env, stores
from bench.harness.context import Context, log
from bench.harness.stats import percentile

PGBENCH_TABLE = "bench_pgbench_insert"
IDLE_TABLE = "bench_idle_insert"
PGBENCH_CLIENTS = (1, 2, 8)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def describe() -> dict[str, Any]:
    model = ""
    lscpu = shutil.which("lscpu")
    if lscpu:
        out = subprocess.run([lscpu], capture_output=True, text=True, check=False).stdout
        match = re.search(r"Model name:\s*(.+)", out)
        model = match.group(1).strip() if match else ""
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    redis_version = stores.broker().info("server").get("redis_version", "?")
    with stores.pg() as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "redis": redis_version,
        "postgresql": pg_version,
    }


def redis_benchmark() -> dict[str, float]:
    exe = shutil.which("redis-benchmark")
    if not exe:
        return {}
    out = subprocess.run(
        [
            exe,
            "-h",
            env.REDIS_HOST,
            "-p",
            str(env.REDIS_PORT),
            "--dbnum",
            str(env.BROKER_DB),
            "-t",
            "set,lpush,lpop",
            "-n",
            "100000",
            "-q",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    ).stdout
    rates: dict[str, float] = {}
    # Lines look like "SET: 81234.57 requests per second, p50=0.303 msec" (with \r progress).
    for match in re.finditer(r"([A-Z]+): ([\d.]+) requests per second", out):
        rates[match.group(1)] = float(match.group(2))
    stores.flush_redis()
    return rates


def pgbench_inserts(duration_s: int = 10) -> dict[str, float]:
    exe = shutil.which("pgbench")
    if not exe:
        return {}
    with stores.pg() as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {PGBENCH_TABLE} (id bigserial PRIMARY KEY, v int)"
        )
        conn.execute(f"TRUNCATE {PGBENCH_TABLE}")
    rates: dict[str, float] = {}
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(f"INSERT INTO {PGBENCH_TABLE} (v) VALUES (1);\n")
    try:
        # 8 clients: the ceiling for 8 producer threads each committing one task at a time.
        for clients in PGBENCH_CLIENTS:
            out = subprocess.run(
                [
                    exe,
                    "-h",
                    env.PG_HOST,
                    "-p",
                    str(env.PG_PORT),
                    "-U",
                    env.PG_USER,
                    "-n",
                    "-f",
                    script.name,
                    "-c",
                    str(clients),
                    "-j",
                    str(min(clients, 2)),
                    "-T",
                    str(duration_s),
                    env.PG_DATABASE,
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=duration_s + 60,
            ).stdout
            match = re.search(r"tps = ([\d.]+)", out)
            if match:
                rates[f"clients={clients}"] = float(match.group(1))
    finally:
        Path(script.name).unlink()
        with stores.pg() as conn:
            conn.execute(f"DROP TABLE IF EXISTS {PGBENCH_TABLE}")
    return rates


def idle_round_trips(interval_ms: float, n: int) -> dict[str, dict[str, float]]:
    """p50/p95 in ms of one Redis PING and one durable single-row INSERT commit, each sent
    `interval_ms` after the last reply, as the latency figure spaces its tasks.

    A client that waited that long finds the stores' processes (and, on a virtual machine, the
    CPUs) asleep: these are the floors under an enqueue call and a wake-up, not the throughput
    rates above."""
    broker = stores.broker()
    with stores.pg() as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {IDLE_TABLE} (id bigserial PRIMARY KEY, v int)")
        try:
            insert = f"INSERT INTO {IDLE_TABLE} (v) VALUES (1)"
            return {
                "redis_ping": _paced(broker.ping, interval_ms, n),
                "pg_insert_commit": _paced(lambda: conn.execute(insert), interval_ms, n),
            }
        finally:
            conn.execute(f"DROP TABLE IF EXISTS {IDLE_TABLE}")


def _paced(call: Callable[[], object], interval_ms: float, n: int) -> dict[str, float]:
    call()  # connected and warm before the first timed call
    samples = []
    for _ in range(n):
        time.sleep(interval_ms / 1000)
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50": percentile(samples, 50), "p95": percentile(samples, 95)}


def run(ctx: Context) -> dict[str, Any]:
    machine = describe()
    log(f"machine: {machine}")
    redis_rates = redis_benchmark()
    log(f"redis-benchmark: {redis_rates}")
    pg_rates = pgbench_inserts(5 if ctx.sizes.reps == 1 else 10)
    log(f"pgbench single-row INSERT commits/s: {pg_rates}")
    interval_ms = ctx.sizes.latency_interval_ms
    idle = idle_round_trips(interval_ms, ctx.sizes.latency_n)
    log(f"one round trip {interval_ms:.0f} ms after the last (p50/p95 ms): {idle}")
    return {
        "machine": machine,
        "redis_benchmark": redis_rates,
        "pgbench_inserts": pg_rates,
        "idle_round_trips": {"interval_ms": interval_ms, **idle},
    }

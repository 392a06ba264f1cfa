"""The machine and what its stores allow: redis-benchmark and pgbench single-row INSERT commits."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import env, stores
from bench.harness.context import Context, log

PGBENCH_TABLE = "bench_pgbench_insert"


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
        for clients in (1, 2):
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
                    str(clients),
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


def run(ctx: Context) -> dict[str, Any]:
    machine = describe()
    log(f"machine: {machine}")
    redis_rates = redis_benchmark()
    log(f"redis-benchmark: {redis_rates}")
    pg_rates = pgbench_inserts(5 if ctx.sizes.reps == 1 else 10)
    log(f"pgbench single-row INSERT commits/s: {pg_rates}")
    return {"machine": machine, "redis_benchmark": redis_rates, "pgbench_inserts": pg_rates}

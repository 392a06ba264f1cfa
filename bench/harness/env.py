"""Where the benchmark's data lives: its own PostgreSQL database and Redis databases, and paths."""

from __future__ import annotations

import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[1]
ROOT = BENCH_DIR.parent
PROJECT_PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH_VENV = BENCH_DIR / ".venv"
BENCH_PYTHON = BENCH_VENV / "bin" / "python"
RESULTS_DIR = BENCH_DIR / "results"
LOG_DIR = RESULTS_DIR / "logs"
DOCS_DIR = ROOT / "docs"

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "root")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "bench_taskqueue")
DATABASE_URL = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}"

REDIS_HOST = os.environ.get("BENCH_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6379"))
# Every system's broker lives in one Redis database and what the task bodies record in another;
# the suite owns both (a marker key proves it) and flushes them between runs.
BROKER_DB = int(os.environ.get("BENCH_BROKER_DB", "14"))
RESULTS_DB = int(os.environ.get("BENCH_RESULTS_DB", "11"))
# What the bodies record may live on another Redis server than the broker (bench/capacity.py
# counts every command of the broker's server, and the bodies' writes are not the queue's).
RESULTS_REDIS_PORT = int(os.environ.get("BENCH_RESULTS_REDIS_PORT", str(REDIS_PORT)))
BROKER_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{BROKER_DB}"
RESULTS_URL = f"redis://{REDIS_HOST}:{RESULTS_REDIS_PORT}/{RESULTS_DB}"

QUEUE = "bench"


def base_env() -> dict[str, str]:
    """The environment every benchmark subprocess starts from."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONHOME", "DJANGO_SETTINGS_MODULE"}
    }
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    env["BENCH_RESULTS_REDIS_URL"] = RESULTS_URL
    env["BENCH_BROKER_URL"] = BROKER_URL
    env["BENCH_DATABASE_URL"] = DATABASE_URL
    env["BENCH_QUEUE"] = QUEUE
    return env

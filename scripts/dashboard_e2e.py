"""Run the dashboard's Playwright tests against a real server and worker, then stop both.

Uses its own database (`<name>_e2e`, recreated each run) and its own Redis key prefix, so it
never touches the data of `make run`. Expects DATABASE_URL and REDIS_URL (with_services.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensure_chromium() -> None:
    if shutil.which("chromium"):
        return
    print("installing Debian's chromium for the end-to-end tests", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def _e2e_database_url(database_url: str) -> tuple[str, str]:
    parsed = urlparse(database_url)
    name = f"{parsed.path.lstrip('/') or 'taskqueue'}_e2e"
    return parsed._replace(path=f"/{name}").geturl(), name


def _recreate_database(database_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    admin = urlparse(database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the web server exited during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (loopback)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s")


def main() -> int:
    _ensure_chromium()
    database_url, name = _e2e_database_url(
        os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/taskqueue")
    )
    _recreate_database(database_url, name)
    prefix = f"dtqe2e-{uuid.uuid4().hex[:8]}"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TASK_QUEUE_API_OPEN": "true",
        "TASK_QUEUE_OVERRIDES": json.dumps({"KEY_PREFIX": prefix}),
    }
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    children = [
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                "python:config.gunicorn",
                "config.asgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        ),
        subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "run_worker",
                "--queue=default",
                "--workers=2",
                "--log-level=WARNING",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        ),
    ]
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_healthy(f"{base_url}/api/health/", children[0])
        return subprocess.run(
            ["npm", "run", "e2e"],
            cwd=ROOT / "client",
            env={**env, "BASE_URL": base_url},
            check=False,
        ).returncode
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        _cleanup_redis(prefix)


def _cleanup_redis(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


if __name__ == "__main__":
    sys.exit(main())

"""The project's API under gunicorn (as `make run` serves it), for the HTTP figures."""

from __future__ import annotations

import contextlib
import socket
import urllib.request
from collections.abc import Iterator

from bench.harness import env
from bench.harness.procs import Group, wait_for
from bench.systems.dtq_system import DtqSystem
from config import gunicorn as server_config

SETTINGS = (
    f"gunicorn --config python:config.gunicorn config.asgi:application: {server_config.workers} "
    f"processes x {server_config.threads} threads ({server_config.worker_class}, preloaded, as "
    "scripts/run_stack.py), DJANGO_DEBUG=0, API_OPEN"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def serving(system: DtqSystem) -> Iterator[str]:
    """Start gunicorn on a free loopback port; yield its base URL; stop it."""
    port = free_port()
    argv = [
        str(env.ROOT / ".venv" / "bin" / "gunicorn"),
        "--config",
        "python:config.gunicorn",
        "config.asgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    group = Group(argv, env=system.env(), name="gunicorn")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(f"{base}/api/health/"), timeout_s=60, what="gunicorn", interval_s=0.2)
        yield base
    finally:
        group.stop(grace_s=5.0)

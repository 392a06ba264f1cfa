"""The task body every system runs: record that it ran (and when), then optionally sleep.

It records into the benchmark's results Redis database, not the broker's:
`runs` (hash: task id -> times run), `starts` and `ends` (hash: task id -> epoch seconds).
"""

from __future__ import annotations

import os
import time

import redis

_client: redis.Redis | None = None
_client_pid = 0


def _results() -> redis.Redis:
    # One connection per process, made after any fork.
    global _client, _client_pid  # noqa: PLW0603  (one cached client per process)
    if _client is None or _client_pid != os.getpid():
        _client = redis.Redis.from_url(os.environ["BENCH_RESULTS_REDIS_URL"])
        _client_pid = os.getpid()
    return _client


def run(task_id: str, sleep_s: float) -> None:
    started = time.time()
    client = _results()
    pipe = client.pipeline(transaction=False)
    pipe.hincrby("runs", task_id, 1)
    pipe.hset("starts", task_id, repr(started))
    pipe.execute()
    if sleep_s:
        time.sleep(sleep_s)
        client.hset("ends", task_id, repr(time.time()))

"""The task body every system runs: record that it ran (and when), then optionally sleep.

It records into the benchmark's results Redis database, not the broker's:
`runs` (hash: task id -> times run), `starts` and `ends` (hash: task id -> epoch seconds).
`run_async` is the same body as a coroutine, for the systems that run `async def` tasks.
"""

from __future__ import annotations

import asyncio
import os
import time

import redis
import redis.asyncio

_client: redis.Redis | None = None
_client_pid = 0
_async_client: redis.asyncio.Redis | None = None
_async_loop: asyncio.AbstractEventLoop | None = None


def _results() -> redis.Redis:
    # One connection per process, made after any fork.
    global _client, _client_pid  # noqa: PLW0603  (one cached client per process)
    if _client is None or _client_pid != os.getpid():
        _client = redis.Redis.from_url(os.environ["BENCH_RESULTS_REDIS_URL"])
        _client_pid = os.getpid()
    return _client


def _async_results() -> redis.asyncio.Redis:
    # An asyncio client belongs to one event loop: one per loop (a system may run a loop per task).
    global _async_client, _async_loop  # noqa: PLW0603  (one cached client per event loop)
    loop = asyncio.get_running_loop()
    if _async_client is None or _async_loop is not loop:
        _async_client = redis.asyncio.Redis.from_url(os.environ["BENCH_RESULTS_REDIS_URL"])
        _async_loop = loop
    return _async_client


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


async def run_async(task_id: str, sleep_s: float) -> None:
    started = time.time()
    client = _async_results()
    pipe = client.pipeline(transaction=False)
    pipe.hincrby("runs", task_id, 1)
    pipe.hset("starts", task_id, repr(started))
    await pipe.execute()
    if sleep_s:
        await asyncio.sleep(sleep_s)
        await client.hset("ends", task_id, repr(time.time()))

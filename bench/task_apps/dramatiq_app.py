"""The Dramatiq broker and actors of the benchmark (Redis broker, no retries, asyncio support)."""

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware.asyncio import AsyncIO

from bench import workload

broker = RedisBroker(url=os.environ["BENCH_BROKER_URL"])
# Runs `async def` actors on one event loop thread per worker process; sync actors ignore it.
broker.add_middleware(AsyncIO())
dramatiq.set_broker(broker)


@dramatiq.actor(queue_name=os.environ.get("BENCH_QUEUE", "bench"), max_retries=0)
def bench_task(task_id: str, sleep_s: float) -> None:
    workload.run(task_id, sleep_s)


@dramatiq.actor(queue_name=os.environ.get("BENCH_QUEUE", "bench"), max_retries=0)
async def bench_task_async(task_id: str, sleep_s: float) -> None:
    await workload.run_async(task_id, sleep_s)

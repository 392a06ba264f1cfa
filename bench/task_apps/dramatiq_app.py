"""The Dramatiq broker and actor of the benchmark (Redis broker, no retries)."""

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from bench import workload

broker = RedisBroker(url=os.environ["BENCH_BROKER_URL"])
dramatiq.set_broker(broker)


@dramatiq.actor(queue_name=os.environ.get("BENCH_QUEUE", "bench"), max_retries=0)
def bench_task(task_id: str, sleep_s: float) -> None:
    workload.run(task_id, sleep_s)

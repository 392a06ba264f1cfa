"""The Huey instance and task of the benchmark (Redis storage, blocking reads, no results)."""

import os

from huey import RedisHuey

from bench import workload

huey = RedisHuey(
    os.environ.get("BENCH_QUEUE", "bench"), url=os.environ["BENCH_BROKER_URL"], results=False
)


@huey.task()
def bench_task(task_id: str, sleep_s: float) -> None:
    workload.run(task_id, sleep_s)

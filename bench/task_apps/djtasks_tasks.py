"""The task of the benchmark for Django's task framework."""

import os

from django.tasks import task

from bench import workload


@task(queue_name=os.environ.get("BENCH_QUEUE", "bench"))
def bench_task(task_id: str, sleep_s: float) -> None:
    workload.run(task_id, sleep_s)

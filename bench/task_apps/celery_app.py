"""The Celery app of the benchmark: Redis broker, JSON, acks_late, no result backend."""

import os

from celery import Celery

from bench import workload

app = Celery("bench", broker=os.environ["BENCH_BROKER_URL"])
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_ignore_result=True,
    task_default_queue=os.environ.get("BENCH_QUEUE", "bench"),
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@app.task(name="bench_task")
def bench_task(task_id: str, sleep_s: float) -> None:
    workload.run(task_id, sleep_s)

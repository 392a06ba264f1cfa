"""The benchmark's task function for django-task-queue (loaded through TASK_QUEUE_TASK_MODULES)."""

from bench import workload
from django_task_queue.task_registry import task_registry


@task_registry.register("bench_task", max_retries=0)
def bench_task(task_id: str, sleep_s: float) -> None:
    """Record the run, then sleep `sleep_s` seconds."""
    workload.run(task_id, sleep_s)

"""The benchmark's task function for django-task-queue (loaded through TASK_QUEUE_TASK_MODULES)."""

from bench import workload
from django_task_queue.task_registry import task_registry


@task_registry.register("bench_task", max_retries=0)
def bench_task(task_id: str, sleep_s: float) -> None:
    """Record the run, then sleep `sleep_s` seconds."""
    workload.run(task_id, sleep_s)


@task_registry.register("bench_task_async", max_retries=0)
async def bench_task_async(task_id: str, sleep_s: float) -> None:
    """The same body as a coroutine: record the run, then await `sleep_s` seconds."""
    await workload.run_async(task_id, sleep_s)

"""The soak test's task function (registered in the worker processes the soak starts)."""

import time

from django_task_queue.task_registry import task_registry


@task_registry.register("soak_work", max_retries=0)
def soak_work(index: int, work_ms: float) -> int:
    """Sleep a few milliseconds, so that kills land mid-task."""
    time.sleep(work_ms / 1000)
    return index

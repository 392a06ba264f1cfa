"""A Django @task in a module that only TASK_IMPORT_PREFIXES lets the queue import."""

from django.tasks import task


@task
def triple(x: int) -> int:
    return 3 * x

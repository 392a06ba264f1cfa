"""Django's task framework (django.tasks) with the django-tasks-db DatabaseBackend and db_worker."""

from __future__ import annotations

import subprocess

from bench.harness import env
from bench.systems.base import System, in_one_group

POLL_INTERVAL_S = 0.1


class DjTasksSystem(System):
    name = "djtasks"
    label = "django-tasks-db"
    package = "django-tasks-db"
    bulk_api = "enqueue() N times inside one transaction.atomic() (there is no bulk API)"
    tables = ("django_tasks_database_dbtaskresult",)
    settings = (
        f"N x `manage.py db_worker --interval {POLL_INTERVAL_S} --no-startup-delay --no-reload` "
        "(polls PostgreSQL with SELECT … FOR UPDATE SKIP LOCKED; the default interval is 1 s), "
        "DEBUG False"
    )

    def env(self) -> dict[str, str]:
        base = env.base_env()
        base["DJANGO_SETTINGS_MODULE"] = "bench.task_apps.djtasks_settings"
        return base

    def prepare(self) -> None:
        subprocess.run(
            [str(self.python()), "-m", "django", "migrate", "--no-input", "-v", "0"],
            cwd=env.ROOT,
            env=self.env(),
            check=True,
        )

    def _one_worker_argv(self, index: int) -> list[str]:
        return [
            str(self.python()),
            "-m",
            "django",
            "db_worker",
            "--queue-name",
            env.QUEUE,
            "--interval",
            str(POLL_INTERVAL_S),
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            f"bench-{index}",
            "-v",
            "0",
        ]

    def worker_argv(self, workers: int, threads: int | None = None) -> list[str]:
        # db_worker runs one process; N of them run under one shell in one process group.
        return in_one_group([self._one_worker_argv(i) for i in range(1, workers + 1)])

    def setup_producer(self) -> None:
        import django

        django.setup()
        from django.db import connection

        from bench.task_apps.djtasks_tasks import bench_task

        self._task = bench_task
        connection.ensure_connection()

    def enqueue_one(self, task_id: str, sleep_s: float) -> None:
        self._task.enqueue(task_id, sleep_s)

    def enqueue_bulk(self, items: list[tuple[str, float]]) -> None:
        from django.db import transaction

        with transaction.atomic():
            for task_id, sleep_s in items:
                self._task.enqueue(task_id, sleep_s)

"""django-task-queue, run from the project's own environment with the project's settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.harness import env
from bench.systems.base import System

TASK_NAME = "bench_task"
ASYNC_TASK_NAME = "bench_task_async"


def overrides(**extra: Any) -> dict[str, Any]:
    """TASK_QUEUE_OVERRIDES for the benchmark: its own Redis database and key prefix."""
    return {"REDIS_URL": env.BROKER_URL, "KEY_PREFIX": "bench", **extra}


class DtqSystem(System):
    name = "dtq"
    label = "django-task-queue"
    package = "django"  # the project is not a distribution; its version is the commit
    bulk_api = "enqueue_many(TaskSpec…) (1,000 rows per INSERT and Redis push)"
    tables = (
        "django_task_queue_attempt",
        "django_task_queue_task",
        # The statistics rollup (it would also start afresh by itself after a TRUNCATE).
        "django_task_queue_statsrollup",
        "django_task_queue_throughputminute",
        "django_task_queue_durationbucket",
        "django_task_queue_inflightattempt",
    )
    settings = (
        "`run_worker --workers=N --queue=bench --log-level=WARNING`: N forked processes, one "
        "task at a time each (claimed in batches of about 10 ms of task time, a second thread "
        "claiming the next batch while tasks of 1-20 ms run), idle workers block on Redis "
        "(BLPOP); LEASE_S 15, default settings; DJANGO_DEBUG=0"
    )
    threaded_settings = (
        "`run_worker --workers=N --concurrency=T`: plain functions on T threads (a connection "
        "each), `async def` task functions as coroutines on one event loop per process; the "
        "loop claims only for free slots; otherwise as above"
    )
    runs_coroutines = True

    def __init__(self, extra_overrides: dict[str, Any] | None = None) -> None:
        self.extra_overrides = extra_overrides or {}
        self._task_name = TASK_NAME

    def python(self) -> Path:
        return env.PROJECT_PYTHON

    def env(self) -> dict[str, str]:
        base = env.base_env()
        base.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_DEBUG="0",
            # Production settings refuse to start without a key; this one guards nothing real.
            DJANGO_SECRET_KEY="bench-only-not-a-secret",
            DATABASE_URL=env.DATABASE_URL,
            TASK_QUEUE_TASK_MODULES="bench.task_apps.dtq_tasks",
            TASK_QUEUE_OVERRIDES=json.dumps(overrides(**self.extra_overrides)),
            TASK_QUEUE_API_OPEN="1",
        )
        return base

    def version(self) -> str:
        import subprocess

        commit = subprocess.run(
            ["git", "-C", str(env.ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(env.ROOT), "status", "--porcelain", "--", "django_task_queue"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        changes = " with uncommitted changes" if dirty else ""
        return f"working tree at {commit or '?'}{changes} (Django {super().version()})"

    def after_flush(self) -> None:
        """Mark the Redis index built, as it is in a running deployment: after the flush the
        workers' first maintenance pass would otherwise rebuild it from PostgreSQL, pushing
        every waiting task again inside the measurement."""
        from bench.harness import stores

        stores.broker().set(f"{overrides()['KEY_PREFIX']}:epoch", "1")

    def prepare(self) -> None:
        import subprocess

        subprocess.run(
            [str(self.python()), "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=env.ROOT,
            env=self.env(),
            check=True,
        )

    def worker_argv(self, workers: int, threads: int | None = None) -> list[str]:
        argv = [
            str(self.python()),
            "manage.py",
            "run_worker",
            f"--workers={workers}",
            f"--queue={env.QUEUE}",
            "--log-level=WARNING",
        ]
        return argv if threads is None else [*argv, f"--concurrency={threads}"]

    # -- producer side ------------------------------------------------------------------------

    def setup_producer(self) -> None:
        import django

        django.setup()
        from django_task_queue.services import producer

        self._producer = producer
        # Connect both stores before the clock starts.
        self._producer.enqueue(TASK_NAME, ["warm-producer", 0.0], queue_name="bench-warm")

    def use_async_task(self) -> None:
        self._task_name = ASYNC_TASK_NAME

    def enqueue_one(self, task_id: str, sleep_s: float) -> None:
        self._producer.enqueue(self._task_name, [task_id, sleep_s], queue_name=env.QUEUE)

    def enqueue_bulk(self, items: list[tuple[str, float]]) -> None:
        spec = self._producer.TaskSpec
        self._producer.enqueue_many(
            spec(task=self._task_name, args=[task_id, sleep_s], queue_name=env.QUEUE)
            for task_id, sleep_s in items
        )

    def enqueue_stream(self, items: Any) -> int:
        spec = self._producer.TaskSpec
        return int(
            self._producer.enqueue_stream(
                spec(task=TASK_NAME, args=[task_id, sleep_s], queue_name=env.QUEUE)
                for task_id, sleep_s in items
            )
        )

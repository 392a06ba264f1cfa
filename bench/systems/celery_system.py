"""Celery: Redis broker, prefork pool, acks_late (bench/task_apps/celery_app.py)."""

from __future__ import annotations

from bench.harness import env
from bench.systems.base import System, in_one_group


class CelerySystem(System):
    name = "celery"
    label = "Celery"
    package = "celery"
    bulk_api = "group(…).apply_async() (one message each, one producer connection)"
    settings = (
        "`celery worker -P prefork -c N`, acks_late, prefetch multiplier 4 (default), JSON, no "
        "result backend, without gossip/mingle/heartbeat; Redis visibility_timeout 3600 s "
        "(default)"
    )
    threaded_settings = (
        "N x `celery worker -P threads -c T` (one node per process, each with its own name), "
        "otherwise as above"
    )

    def worker_argv(self, workers: int, threads: int | None = None) -> list[str]:
        if threads is None:
            return self._node("prefork", workers, "bench")
        # The thread pool runs in the node's one process: one node per worker process.
        return in_one_group(
            [self._node("threads", threads, f"bench{i}") for i in range(1, workers + 1)]
        )

    def _node(self, pool: str, concurrency: int, node: str) -> list[str]:
        return [
            str(env.BENCH_VENV / "bin" / "celery"),
            "-A",
            "bench.task_apps.celery_app",
            "worker",
            "-P",
            pool,
            "-c",
            str(concurrency),
            "-n",
            f"{node}@%h",
            "-Q",
            env.QUEUE,
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]

    def setup_producer(self) -> None:
        from bench.task_apps import celery_app

        self._app = celery_app
        with celery_app.app.connection_for_write() as conn:
            conn.ensure_connection()

    def enqueue_one(self, task_id: str, sleep_s: float) -> None:
        self._app.bench_task.delay(task_id, sleep_s)

    def enqueue_bulk(self, items: list[tuple[str, float]]) -> None:
        from celery import group

        group(self._app.bench_task.s(task_id, sleep_s) for task_id, sleep_s in items).apply_async()

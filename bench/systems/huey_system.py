"""Huey: Redis storage with blocking reads, a process-type consumer."""

from __future__ import annotations

from bench.harness import env
from bench.systems.base import System


class HueySystem(System):
    name = "huey"
    label = "Huey"
    package = "huey"
    bulk_api = None  # Huey has no API to enqueue many tasks at once
    settings = (
        "`huey_consumer -k process -w N`, RedisHuey (blocking BRPOP reads, default pickle "
        "serializer), results off"
    )

    def worker_argv(self, workers: int) -> list[str]:
        return [
            str(env.BENCH_VENV / "bin" / "huey_consumer"),
            "bench.task_apps.huey_app.huey",
            "-k",
            "process",
            "-w",
            str(workers),
            "-q",
        ]

    def setup_producer(self) -> None:
        from bench.task_apps import huey_app

        self._task = huey_app.bench_task
        huey_app.huey.storage.conn.ping()

    def enqueue_one(self, task_id: str, sleep_s: float) -> None:
        self._task(task_id, sleep_s)

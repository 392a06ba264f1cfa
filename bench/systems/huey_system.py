"""Huey: Redis storage with blocking reads, a process-type consumer."""

from __future__ import annotations

from bench.harness import env
from bench.systems.base import System, in_one_group


class HueySystem(System):
    name = "huey"
    label = "Huey"
    package = "huey"
    bulk_api = None  # Huey has no API to enqueue many tasks at once
    settings = (
        "`huey_consumer -k process -w N`, RedisHuey (blocking BRPOP reads, default pickle "
        "serializer), results off"
    )
    threaded_settings = (
        "N x `huey_consumer -k thread -w T` (a consumer runs threads or processes, not both), "
        "otherwise as above"
    )

    def worker_argv(self, workers: int, threads: int | None = None) -> list[str]:
        if threads is None:
            return self._consumer("process", workers)
        return in_one_group([self._consumer("thread", threads) for _ in range(workers)])

    def _consumer(self, kind: str, count: int) -> list[str]:
        return [
            str(env.BENCH_VENV / "bin" / "huey_consumer"),
            "bench.task_apps.huey_app.huey",
            "-k",
            kind,
            "-w",
            str(count),
            "-q",
        ]

    def setup_producer(self) -> None:
        from bench.task_apps import huey_app

        self._task = huey_app.bench_task
        huey_app.huey.storage.conn.ping()

    def enqueue_one(self, task_id: str, sleep_s: float) -> None:
        self._task(task_id, sleep_s)

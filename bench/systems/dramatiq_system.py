"""Dramatiq: Redis broker, N processes of one thread each (the default is 8 threads), or T."""

from __future__ import annotations

from bench.harness import env
from bench.systems.base import System


class DramatiqSystem(System):
    name = "dramatiq"
    label = "Dramatiq"
    package = "dramatiq"
    bulk_api = "group(…).run() (one message each)"
    settings = (
        "`dramatiq -p N -t 1` (one thread per process, like every other system here; the "
        "default is 8), Redis broker defaults (heartbeat_timeout 60 s), max_retries 0, the "
        "AsyncIO middleware (an event loop thread per process for `async def` actors)"
    )
    threaded_settings = "`dramatiq -p N -t T`, otherwise as above"
    runs_coroutines = True

    def worker_argv(self, workers: int, threads: int | None = None) -> list[str]:
        return [
            str(env.BENCH_VENV / "bin" / "dramatiq"),
            "bench.task_apps.dramatiq_app",
            "-p",
            str(workers),
            "-t",
            str(threads or 1),
            "-Q",
            env.QUEUE,
        ]

    def setup_producer(self) -> None:
        from bench.task_apps import dramatiq_app

        self._actor = dramatiq_app.bench_task
        dramatiq_app.broker.client.ping()

    def use_async_task(self) -> None:
        from bench.task_apps import dramatiq_app

        # Each worker thread waits for its coroutine on the process's event loop.
        self._actor = dramatiq_app.bench_task_async

    def enqueue_one(self, task_id: str, sleep_s: float) -> None:
        self._actor.send(task_id, sleep_s)

    def enqueue_bulk(self, items: list[tuple[str, float]]) -> None:
        from dramatiq import group

        group(self._actor.message(task_id, sleep_s) for task_id, sleep_s in items).run()

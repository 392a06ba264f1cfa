"""RQ: `rq worker-pool` with the default (forking) worker class."""

from __future__ import annotations

from bench.harness import env
from bench.systems.base import System


class RqSystem(System):
    name = "rq"
    label = "RQ"
    package = "rq"
    bulk_api = "Queue.enqueue_many(…) (one pipeline)"
    settings = (
        "`rq worker-pool -n N -w rq.worker.SimpleWorker` (runs jobs in the worker process; the "
        "default Worker forks a work horse per job and managed about 40 no-op jobs/s on this "
        "machine), default result_ttl"
    )

    def worker_argv(self, workers: int, threads: int | None = None) -> list[str]:
        return [
            str(env.BENCH_VENV / "bin" / "rq"),
            "worker-pool",
            "-n",
            str(workers),
            "-w",
            "rq.worker.SimpleWorker",
            "-u",
            env.BROKER_URL,
            "-l",
            "WARNING",
            env.QUEUE,
        ]

    def setup_producer(self) -> None:
        from redis import Redis
        from rq import Queue

        from bench.task_apps.rq_tasks import bench_task

        self._func = bench_task
        self._queue = Queue(env.QUEUE, connection=Redis.from_url(env.BROKER_URL))
        self._queue.connection.ping()

    def enqueue_one(self, task_id: str, sleep_s: float) -> None:
        self._queue.enqueue(self._func, task_id, sleep_s)

    def enqueue_bulk(self, items: list[tuple[str, float]]) -> None:
        from rq import Queue

        self._queue.enqueue_many(
            [Queue.prepare_data(self._func, args=(task_id, sleep_s)) for task_id, sleep_s in items]
        )

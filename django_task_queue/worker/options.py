"""The options of a worker run, as given to `run_worker`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerOptions:
    queues: tuple[str, ...] = ("default",)
    workers: int = 1
    concurrency: int = 1  # tasks each process runs at once
    worker_id: str | None = None
    max_tasks: int | None = None
    poll_interval_s: float = 1.0
    burst: bool = False
    maintenance: bool = True
    scheduler: bool = True  # enqueue the schedules' ticks (schedules/scheduler.py)

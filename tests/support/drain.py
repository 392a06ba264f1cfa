"""Run a worker in the test process until a condition holds (no sleeps: a deadline)."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from django_task_queue.worker.decisions import Tuning
from django_task_queue.worker.deps import WorkerDeps
from django_task_queue.worker.loop import Worker
from django_task_queue.worker.maintenance import Maintenance
from django_task_queue.worker.options import WorkerOptions
from django_task_queue.worker.pool_loop import ConcurrentWorker


def work_until(
    condition: Callable[[], bool],
    *,
    timeout_s: float = 10.0,
    queues: tuple[str, ...] = ("default",),
    worker_id: str = "test-worker",
) -> Worker:
    """Claim and run tasks, with maintenance between steps, until `condition()` is true."""
    worker = Worker(WorkerOptions(queues=queues), worker_id, WorkerDeps.for_this_thread())
    maintenance = Maintenance()
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        maintenance.tick()
        worker.step(wait_s=0.02)
    return worker


def drain(
    *,
    queues: tuple[str, ...] = ("default",),
    timeout_s: float = 30.0,
    tuning: Tuning | None = None,
    deps: WorkerDeps | None = None,
) -> Worker:
    """Run every task that is ready now, then return."""
    options = WorkerOptions(queues=queues, burst=True)
    worker = Worker(options, "test-drainer", deps or WorkerDeps.for_this_thread(), tuning=tuning)
    deadline = time.monotonic() + timeout_s
    while worker.step(wait_s=0):
        if time.monotonic() > deadline:
            raise AssertionError(f"queue not drained within {timeout_s} s")
    return worker


def drain_concurrently(
    concurrency: int, *, queues: tuple[str, ...] = ("default",), max_tasks: int | None = None
) -> ConcurrentWorker:
    """Run every task that is ready now with `concurrency` slots in this process, then return
    (the worker's signal handlers are put back as they were)."""
    options = WorkerOptions(queues=queues, burst=True, concurrency=concurrency, max_tasks=max_tasks)
    worker = ConcurrentWorker(options, "test-pool", WorkerDeps.for_this_thread())
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        worker.run()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    return worker

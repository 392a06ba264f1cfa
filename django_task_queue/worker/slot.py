"""A slot runs one task at a time and hands back what happened; the loop accounts for it and the
recorder records it. This is the single slot of a worker with `--concurrency 1`, run in the
loop's own thread; several slots are pool.py's."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.utils import timezone

from django_task_queue.outcomes import ClaimedTask, Outcome
from django_task_queue.worker import django_bridge
from django_task_queue.worker.executor import WorkerInterrupt, execute
from django_task_queue.worker.held import HeldTasks
from django_task_queue.worker.recorder import TaskFields
from django_task_queue.worker.stats import WorkerStats
from django_task_queue.worker.stop_signals import StopSignals

logger = logging.getLogger("django_task_queue.worker")


@dataclass(frozen=True, slots=True)
class Interrupted:
    """The task was interrupted by a second stop signal: it did not finish."""


INTERRUPTED = Interrupted()


class InlineSlot:
    """Runs a task in the calling thread, the process's main thread, where the soft timeout's
    SIGALRM and a second stop signal can interrupt task code; shows it in `held` meanwhile."""

    def __init__(
        self,
        index: int,
        held: HeldTasks,
        signals: StopSignals,
        stats: WorkerStats,
        worker_id: str,
    ) -> None:
        self.index = index
        self.held = held
        self.signals = signals
        self.stats = stats
        self.worker_id = worker_id

    def run(self, task: ClaimedTask) -> tuple[Outcome | Interrupted, float]:
        """Run one attempt of `task`: its outcome and duration in ms."""
        fields = TaskFields(task, self.worker_id)
        logger.info("task started: %s", fields)
        self.stats.task_started(task, timezone.now())
        django_bridge.send_started(task)
        signals = self.signals
        started = time.monotonic()
        self.held.start(self.index, task, started)
        try:
            signals.in_task = True
            try:
                outcome: Outcome | Interrupted = execute(task)
            finally:
                self.held.finish(self.index)
                signals.in_task = False
                signals.put_back(fields)
        except WorkerInterrupt:
            outcome = INTERRUPTED
        return outcome, (time.monotonic() - started) * 1000

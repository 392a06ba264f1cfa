"""A worker without a supervisor keeps its own leases, from its heartbeat thread: it renews the
lease of every task it holds, so that the reaper leaves them alone. Under a supervisor, the
supervisor keeps them instead (lease_keeper.py), out of reach of task code.
"""

from __future__ import annotations

import logging

from django_task_queue.broker.client import Broker
from django_task_queue.worker.deps import TaskStore
from django_task_queue.worker.held import HeldTasks

# The heartbeat's logger, which these lines have always been written to.
logger = logging.getLogger("django_task_queue.worker.heartbeat")


class OwnLeases:
    """Renews the lease of every task held; warns when a running task has lost its lease."""

    def __init__(self, held: HeldTasks, store: TaskStore, worker_id: str) -> None:
        self.held = held
        self.store = store
        self.worker_id = worker_id

    def renew(self, broker: Broker) -> None:
        running = self.held.running()
        leased = self.held.leased()
        kept = self.store.extend_leases(broker, leased) if leased else set()
        for run in running:
            if run.task.id not in kept and self.held.still_running(run):
                logger.warning(
                    "lease lost: task_id=%s attempt=%s worker=%s; its outcome will be dropped",
                    run.task.id,
                    run.task.attempt,
                    self.worker_id,
                )

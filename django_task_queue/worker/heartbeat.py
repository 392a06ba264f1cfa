"""A worker's heartbeat thread: updates the worker registry and its metrics; without a
supervisor, also renews the leases of the tasks it holds and enforces the hard timeout when
task code ignores the soft one (a supervisor does both from outside: lease_keeper.py)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Protocol

from django.utils import timezone

from django_task_queue.broker.client import Broker, RunningRecord, WorkerRecord
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.timeutil import to_ms
from django_task_queue.worker.decisions import past_hard_timeout
from django_task_queue.worker.deps import WorkerDeps
from django_task_queue.worker.held import HeldTasks, Running
from django_task_queue.worker.options import WorkerOptions
from django_task_queue.worker.own_leases import OwnLeases
from django_task_queue.worker.recorder import OutcomeRecorder

logger = logging.getLogger(__name__)

EXIT_HARD_TIMEOUT = 70


class RecordedWorker(Protocol):
    """What a worker's entry in the registry is made of."""

    worker_id: str
    options: WorkerOptions
    held: HeldTasks
    started_at_ms: int
    tasks_done: int

    @property
    def stopping(self) -> bool: ...


def registry_record(worker: RecordedWorker) -> WorkerRecord:
    """The worker's entry in the registry of live workers: its slots and what runs in them."""
    running = sorted(worker.held.running(), key=lambda run: run.slot)
    now_ms, now = to_ms(timezone.now()), time.monotonic()
    return WorkerRecord(
        worker_id=worker.worker_id,
        hostname=socket.gethostname(),
        pid=os.getpid(),
        queues=list(worker.options.queues),
        state="stopping" if worker.stopping else ("busy" if running else "idle"),
        current_task_id=str(running[0].task.id) if running else None,
        started_at_ms=worker.started_at_ms,
        last_seen_ms=now_ms,
        tasks_done=worker.tasks_done,
        concurrency=worker.options.concurrency,
        running=tuple(
            RunningRecord(
                task_id=str(run.task.id),
                task_name=run.task.task_name,
                queue_name=run.task.queue_name,
                attempt=run.task.attempt,
                slot=run.slot,
                started_at_ms=now_ms - round((now - run.started_monotonic) * 1000),
            )
            for run in running
        ),
    )


class BeatingWorker(Protocol):
    """What the heartbeat asks of the worker it beats for."""

    def record(self) -> WorkerRecord:
        """The worker's entry in the registry."""

    def keep_announcements_drained(self) -> None:
        """Read the announcements that arrived while a task runs."""


class Heartbeat(threading.Thread):
    """Beats every HEARTBEAT_INTERVAL_S on its own connections until stopped."""

    def __init__(
        self,
        worker: BeatingWorker,
        held: HeldTasks,
        recorder: OutcomeRecorder,
        deps: WorkerDeps,
    ) -> None:
        super().__init__(name="dtq-heartbeat", daemon=True)
        self.worker = worker
        self.held = held
        self.recorder = recorder
        self.stats = recorder.stats
        self.deps = deps
        self._outage_logged = False
        # Without a supervisor (no board) to keep them: this process's leases and hard timeout.
        self.own_leases = (
            OwnLeases(held, deps.store, recorder.worker_id) if deps.board is None else None
        )
        self.stopped = threading.Event()
        self.wake = threading.Event()

    def run(self) -> None:
        conf = get_settings()
        try:
            while not self.stopped.is_set():
                self.beat()
                self.wake.wait(conf.HEARTBEAT_INTERVAL_S)
                self.wake.clear()
            self.flush_stats(self.deps.thread_broker())  # what the worker counted since
        finally:
            self.deps.store.disconnect()

    def stop(self) -> None:
        """Beat a last time (the metrics), then end; waits a few seconds at most."""
        self.stopped.set()
        self.wake.set()
        self.join(timeout=5)

    def beat(self) -> None:
        conf = get_settings()
        try:
            broker = self.deps.thread_broker()
            if self.own_leases is not None:
                self.own_leases.renew(broker)
                self._enforce_hard_timeout(broker, conf.HARD_TIMEOUT_GRACE_S)
            broker.record_worker(self.worker.record(), ttl_s=conf.WORKER_TTL_S)
            self.stats.flush(broker)
            self.worker.keep_announcements_drained()
        except (BrokerUnavailableError, StoreUnavailableError) as exc:
            if not self._outage_logged:  # once per outage, not at every beat
                logger.warning("heartbeat failed, will retry: %s", exc)
                self._outage_logged = True
        else:
            self._outage_logged = False

    def flush_stats(self, broker: Broker) -> None:
        """Write the worker's metric counts to Redis; kept for the next try when it is down."""
        try:
            self.stats.flush(broker)
        except BrokerUnavailableError as exc:
            logger.warning("metrics not written, will retry: %s", exc)

    def _enforce_hard_timeout(self, broker: Broker, grace_s: float) -> None:
        now = time.monotonic()
        for running in self.held.running():
            overdue = past_hard_timeout(
                running_s=now - running.started_monotonic,
                timeout_s=running.task.timeout_s,
                grace_s=grace_s,
            )
            if overdue and self.held.still_running(running):
                self._hard_timeout(broker, running)

    def _hard_timeout(self, broker: Broker, running: Running) -> None:
        """Task code ignored the soft timeout (blocked in C, or swallowed it): record and exit."""
        if self.recorder.settle_hard_timeout(broker, self.held, running) is not None:
            self.flush_stats(broker)  # the process exits next: nothing else would write them
        logger.error(
            "hard timeout: task_id=%s attempt=%s worker=%s; exiting so the supervisor replaces it",
            running.task.id,
            running.task.attempt,
            self.recorder.worker_id,
        )
        # The loop's thread is stuck in task code, so the process is the only thing left to stop.
        os._exit(EXIT_HARD_TIMEOUT)

"""A worker's heartbeat thread: updates the worker registry and its metrics; without a
supervisor, also renews the leases of the tasks it holds and enforces the hard timeout when
task code ignores the soft one (a supervisor does both from outside: lease_keeper.py)."""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from django.db import connection

from django_task_queue.broker.client import get_broker
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.transitions import extend_leases, fail_timed_out

if TYPE_CHECKING:
    from django_task_queue.broker.client import Broker
    from django_task_queue.worker.loop import Running, Worker

logger = logging.getLogger(__name__)

EXIT_HARD_TIMEOUT = 70


class Heartbeat(threading.Thread):
    def __init__(self, worker: Worker) -> None:
        super().__init__(name="dtq-heartbeat", daemon=True)
        self.worker = worker
        self.stopped = threading.Event()
        self.wake = threading.Event()

    def run(self) -> None:
        conf = get_settings()
        try:
            while not self.stopped.is_set():
                self.beat()
                self.wake.wait(conf.HEARTBEAT_INTERVAL_S)
                self.wake.clear()
            self.flush_stats()  # what the worker counted since its last beat
        finally:
            connection.close()

    def beat(self) -> None:
        conf = get_settings()
        worker = self.worker
        running = worker.current
        try:
            broker = get_broker()
            if worker.board is None:
                self._keep_leases(broker, running)
            broker.record_worker(worker.record(), ttl_s=conf.WORKER_TTL_S)
            worker.stats.flush(broker)
            worker.keep_announcements_drained()
        except (BrokerUnavailableError, StoreUnavailableError) as exc:
            logger.warning("heartbeat failed, will retry: %s", exc)

    def _keep_leases(self, broker: Broker, running: Running | None) -> None:
        """Renew the leases of the tasks in hand; exit at a hard timeout (no supervisor)."""
        conf = get_settings()
        worker = self.worker
        in_hand = worker.leased()
        held = extend_leases(broker, in_hand) if in_hand else set()
        if running is None:
            return
        if running.task.id not in held and worker.current is running:
            logger.warning(
                "lease lost: task_id=%s attempt=%s worker=%s; its outcome will be dropped",
                running.task.id,
                running.task.attempt,
                worker.worker_id,
            )
        overdue_s = time.monotonic() - running.started_monotonic - running.task.timeout_s
        if overdue_s > conf.HARD_TIMEOUT_GRACE_S and worker.current is running:
            self._hard_timeout()

    def flush_stats(self) -> None:
        """Write the worker's metric counts to Redis; kept for the next try when it is down."""
        try:
            self.worker.stats.flush(get_broker())
        except BrokerUnavailableError as exc:
            logger.warning("metrics not written, will retry: %s", exc)

    def _hard_timeout(self) -> None:
        """Task code ignored the soft timeout (blocked in C, or swallowed it): record and exit."""
        running = self.worker.current
        if running is None:
            return
        duration_ms = (time.monotonic() - running.started_monotonic) * 1000
        self.worker.give_back_unstarted()
        status = fail_timed_out(get_broker(), running.task, duration_ms)
        if status is not None:
            self.worker.stats.task_finished(
                running.task, "retried" if status == "retry" else "failed", duration_ms
            )
            self.flush_stats()  # the process exits next: nothing else would write them
        logger.error(
            "hard timeout: task_id=%s attempt=%s worker=%s; exiting so the supervisor replaces it",
            running.task.id,
            running.task.attempt,
            self.worker.worker_id,
        )
        # The main thread is stuck in task code, so the process is the only thing left to stop.
        os._exit(EXIT_HARD_TIMEOUT)

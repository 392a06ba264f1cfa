"""Claiming ahead: while a batch of short tasks runs, a thread of the worker records the previous
batch's successes and claims the next batch, so the round trips to PostgreSQL and Redis overlap
task code instead of adding to it.

The batch claimed ahead is held under its lease like any other (`HeldTasks.claim_ahead`), and the
loop still looks for better tasks before starting it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django_task_queue.broker.client import Broker
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.outcomes import Completed
from django_task_queue.worker.deps import TaskStore
from django_task_queue.worker.held import ClaimInFlight, ClaimResult
from django_task_queue.worker.recorder import OutcomeRecorder


class ClaimAhead:
    """A single thread, with its own PostgreSQL and Redis connections, that claims ahead."""

    def __init__(
        self, recorder: OutcomeRecorder, store: TaskStore, thread_broker: Callable[[], Broker]
    ) -> None:
        self._recorder = recorder
        self._store = store
        self._thread_broker = thread_broker
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dtq-claim-ahead")
        self._acks_kept = False

    def start(self, done: list[Completed], count: int, pushes_seen: int) -> ClaimInFlight:
        """Record `done` and claim up to `count` tasks on the thread; returns at once."""
        submitted = time.monotonic()
        self._acks_kept = self._acks_kept or bool(done)  # recorded successes keep their leases
        future = self._pool.submit(self._record_and_claim, done, count)
        return ClaimInFlight(done, future, submitted, pushes_seen)

    def _record_and_claim(self, done: list[Completed], count: int) -> ClaimResult:
        try:
            return self._recorder.record_and_claim(self._thread_broker(), done, count)
        except StoreUnavailableError:
            self._store.reconnect()  # this thread's connection: the next claim reconnects
            raise

    def flush_acks(self) -> None:
        """Drop the thread's kept leases now: no claim ahead is coming to carry them (the queue
        looked empty, or tasks got too short or too long to claim ahead)."""
        if self._acks_kept:
            self._acks_kept = False
            self._pool.submit(self._drop_kept_leases)

    def close(self) -> None:
        """Finish what is in flight, then drop the thread's kept leases and its connection."""
        self._pool.submit(self._close_thread)
        self._pool.shutdown(wait=True)

    def _drop_kept_leases(self) -> None:
        with contextlib.suppress(BrokerUnavailableError):
            self._thread_broker().flush_acks()

    def _close_thread(self) -> None:
        self._drop_kept_leases()
        self._store.disconnect()

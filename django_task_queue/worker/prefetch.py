"""Claiming ahead: while a batch of short tasks runs, a thread of the worker records the previous
batch's successes and claims the next batch, so the round trips to PostgreSQL and Redis overlap
task code instead of adding to it.

The claimed-ahead batch is held under its lease like any other (the heartbeat renews it), and a
worker still asks Redis whether something better became ready before starting it.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection

from django_task_queue.broker.client import get_broker
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.outcomes import ClaimedTask, Completed
from django_task_queue.store import ensure_usable_connection
from django_task_queue.transitions import complete_and_claim

ClaimResult = tuple[set[uuid.UUID], list[ClaimedTask] | None]


@dataclass(frozen=True)
class Ahead:
    """One claim in flight: the successes it records and, once done, the batch it brought."""

    done: list[Completed]
    future: Future[ClaimResult]
    # The worker's last look for better tasks is no later than this submission.
    submitted_monotonic: float
    pushes_seen: int  # the worker's own push count at submission

    def claimed(self) -> list[ClaimedTask]:
        """The tasks it claimed, if it has finished without error (else none)."""
        if not self.future.done() or self.future.exception() is not None:
            return []
        return self.future.result()[1] or []


class Bookkeeper:
    """A single thread, with its own PostgreSQL and Redis connections, that claims ahead."""

    def __init__(self, queue_names: Sequence[str], worker_id: str) -> None:
        self.queue_names = list(queue_names)
        self.worker_id = worker_id
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dtq-claim-ahead")
        self._acks_kept = False

    def claim_ahead(self, done: list[Completed], count: int, pushes_seen: int) -> Ahead:
        submitted = time.monotonic()
        self._acks_kept = self._acks_kept or bool(done)  # recorded successes keep their leases
        future = self._pool.submit(self._complete_and_claim, done, count)
        return Ahead(done, future, submitted, pushes_seen)

    def _complete_and_claim(self, done: list[Completed], count: int) -> ClaimResult:
        try:
            return complete_and_claim(get_broker(), done, self.queue_names, self.worker_id, count)
        except StoreUnavailableError:
            ensure_usable_connection()  # this thread's connection: the next claim reconnects
            raise

    def flush_acks(self) -> None:
        """Drop the thread's kept leases now: no claim ahead is coming to carry them (the queue
        looked empty, or tasks got too short or too long to claim ahead)."""
        if self._acks_kept:
            self._acks_kept = False
            self._pool.submit(_flush_thread_acks)

    def close(self) -> None:
        """Finish what is in flight, then drop the thread's kept leases and its connection."""
        self._pool.submit(_close_thread)
        self._pool.shutdown(wait=True)


def _flush_thread_acks() -> None:
    with contextlib.suppress(BrokerUnavailableError):
        get_broker().flush_acks()


def _close_thread() -> None:
    _flush_thread_acks()
    connection.close()

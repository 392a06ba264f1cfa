"""What a worker talks to, passed in rather than looked up: the broker, the task store and,
under a supervisor, its running board.

A `Broker` belongs to one thread (it counts that thread's pushes, keeps its leases to drop with
the next claim, and holds its subscription), so a worker gets the broker of its loop's thread and
a way to get one for each other thread it starts. Tests pass their own of either.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import connection

from django_task_queue import store, transitions
from django_task_queue.broker.client import Broker, get_broker
from django_task_queue.outcomes import ClaimedTask, Completed, Failure
from django_task_queue.states import TaskStatus
from django_task_queue.worker.held import ClaimResult
from django_task_queue.worker.running_board import RunningBoard


class TaskStore(Protocol):
    """The state changes a worker makes, each in PostgreSQL then Redis through the calling
    thread's broker (transitions/), and that thread's connection."""

    def complete_and_claim(
        self,
        broker: Broker,
        done: Sequence[Completed],
        queue_names: Sequence[str],
        worker_id: str,
        count: int,
    ) -> ClaimResult: ...

    def complete_many(self, broker: Broker, done: Sequence[Completed]) -> set[uuid.UUID]: ...

    def fail(
        self, broker: Broker, task: ClaimedTask, failure: Failure, duration_ms: float
    ) -> TaskStatus | None: ...

    def fail_timed_out(
        self, broker: Broker, task: ClaimedTask, duration_ms: float
    ) -> TaskStatus | None: ...

    def release(
        self, broker: Broker, task: ClaimedTask, reason: str, duration_ms: float
    ) -> bool: ...

    def unclaim(self, broker: Broker, tasks: Sequence[ClaimedTask]) -> None: ...

    def extend_leases(self, broker: Broker, tasks: Sequence[ClaimedTask]) -> set[uuid.UUID]: ...

    def reconnect(self) -> None:
        """After an outage: drop this thread's connection if PostgreSQL closed it."""

    def disconnect(self) -> None:
        """A thread of the worker ends: close its connection."""


class PostgresTaskStore:
    """The real task store: the transitions on this thread's Django connection."""

    def complete_and_claim(
        self,
        broker: Broker,
        done: Sequence[Completed],
        queue_names: Sequence[str],
        worker_id: str,
        count: int,
    ) -> ClaimResult:
        return transitions.complete_and_claim(broker, done, queue_names, worker_id, count)

    def complete_many(self, broker: Broker, done: Sequence[Completed]) -> set[uuid.UUID]:
        return transitions.complete_many(broker, done)

    def fail(
        self, broker: Broker, task: ClaimedTask, failure: Failure, duration_ms: float
    ) -> TaskStatus | None:
        return transitions.fail(broker, task, failure, duration_ms)

    def fail_timed_out(
        self, broker: Broker, task: ClaimedTask, duration_ms: float
    ) -> TaskStatus | None:
        return transitions.fail_timed_out(broker, task, duration_ms)

    def release(self, broker: Broker, task: ClaimedTask, reason: str, duration_ms: float) -> bool:
        return transitions.release(broker, task, reason, duration_ms)

    def unclaim(self, broker: Broker, tasks: Sequence[ClaimedTask]) -> None:
        transitions.unclaim(broker, tasks)

    def extend_leases(self, broker: Broker, tasks: Sequence[ClaimedTask]) -> set[uuid.UUID]:
        return transitions.extend_leases(broker, tasks)

    def reconnect(self) -> None:
        store.ensure_usable_connection()

    def disconnect(self) -> None:
        connection.close()


@dataclass(frozen=True)
class WorkerDeps:
    """The broker of the loop's thread, one for each other thread, the task store, and under a
    supervisor the board it reads this process's running tasks from."""

    broker: Broker
    store: TaskStore
    # Called inside each other thread of the worker (heartbeat, claim ahead): its own broker.
    thread_broker: Callable[[], Broker] = get_broker
    board: RunningBoard | None = None

    @classmethod
    def for_this_thread(cls, board: RunningBoard | None = None) -> WorkerDeps:
        """The real stores, with this thread's broker (the one its task code pushes through,
        so the loop sees the pushes of the tasks it runs)."""
        return cls(broker=get_broker(), store=PostgresTaskStore(), board=board)

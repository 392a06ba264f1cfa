"""The tasks a worker process holds a lease on, and which of them run in which slot.

The loop writes it; the heartbeat reads it (the registry record; without a supervisor, the
leases and the hard timeout). Under a supervisor, what runs is also shown on the supervisor's
running board, which it reads from its own process. Each field is replaced whole or changed by
one dict operation, so a reader in another thread sees a consistent value without a lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import NamedTuple

from django_task_queue.outcomes import ClaimedTask, Completed
from django_task_queue.worker.running_board import RunningBoard

ClaimResult = tuple[set[uuid.UUID], list[ClaimedTask] | None]


class Running(NamedTuple):
    """A task running in a slot since `started_monotonic` (a tuple: one is made per task, at
    half a frozen dataclass's cost)."""

    task: ClaimedTask
    started_monotonic: float
    slot: int = 0


@dataclass(frozen=True)
class ClaimInFlight:
    """A claim made ahead on another thread: the successes it records and, once it has
    returned, the batch it brought."""

    done: list[Completed]
    future: Future[ClaimResult]
    # The loop's last look for better tasks was no later than this submission.
    submitted_monotonic: float
    pushes_seen: int  # the loop's push count at submission

    def claimed(self) -> list[ClaimedTask]:
        """The tasks it claimed, once it has returned without error (else none)."""
        if not self.future.done() or self.future.exception() is not None:
            return []
        return self.future.result()[1] or []


class HeldTasks:
    """Every task under this worker's leases: the batch in hand, a batch claimed ahead once its
    claim has returned, and the tasks running in the slots."""

    def __init__(self, board: RunningBoard | None = None) -> None:
        self.batch: Sequence[ClaimedTask] = ()
        self.claim_ahead: ClaimInFlight | None = None
        self._running: dict[int, Running] = {}
        self._board = board

    def leased(self) -> list[ClaimedTask]:
        """Every task whose lease is to be renewed."""
        claim_ahead = self.claim_ahead
        return [*self.batch, *(claim_ahead.claimed() if claim_ahead is not None else ())]

    def start(self, slot: int, task: ClaimedTask, started_monotonic: float) -> None:
        """Just before task code starts in `slot`."""
        self._running[slot] = Running(task, started_monotonic, slot)
        if self._board is not None:
            self._board.start(slot, task.id, task.attempt, task.timeout_s)

    def finish(self, slot: int) -> None:
        """Once task code in `slot` has returned or raised."""
        if self._board is not None:
            self._board.finish(slot)
        self._running.pop(slot, None)

    def running(self) -> list[Running]:
        """The tasks running now, one per busy slot."""
        return list(self._running.values())

    def still_running(self, running: Running) -> bool:
        """Whether that run has not ended yet (read from another thread)."""
        return self._running.get(running.slot) is running

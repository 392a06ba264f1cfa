"""A worker's decisions, with no I/O: how many tasks to claim, whether to claim ahead, what to do
with the next task of a batch, and when something better is ready.

The loop keeps two small state values, `Pace` and `LastLook`, and acts on what these functions
return; docs/architecture.md ("The hot path") explains the figures behind the constants.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# A batch holds about this much task time, so a success is recorded within ~10 ms of its end.
BATCH_BUDGET_MS = 10.0
MAX_BATCH = 200
# Tasks shorter than this are sized as if they took this long (the budget's own bound).
SHORTEST_TASK_MS = 0.05
# Before the next task of a batch, look for better tasks once this long has passed since the
# last look, or at once after this process pushed a task: the most a better task waits.
RECHECK_AFTER_S = 0.002
# Below this, one batch already spreads its round trips thin; a second thread only costs GIL.
CLAIM_AHEAD_MIN_TASK_MS = 1.0
MAX_BACKOFF_S = 10.0
_KEPT_WEIGHT, _NEW_WEIGHT = 0.8, 0.2


@dataclass(frozen=True)
class Tuning:
    """A worker's settings for these decisions."""

    # PREFETCH_MAX_TASK_MS: claim ahead while tasks average up to this long; 0 never.
    claim_ahead_max_task_ms: float = 0.0
    recheck_after_s: float = RECHECK_AFTER_S
    # What the worker assumes of its tasks before it has run any.
    assumed_task_ms: float = 1.0


class Pace:
    """What a worker has learnt of its tasks: how long they take on average, and whether it is
    claiming one task at a time because the last one ran alone after a loss."""

    __slots__ = ("after_losses", "average_ms")

    def __init__(self, average_ms: float = 1.0, *, after_losses: bool = False) -> None:
        self.average_ms = average_ms
        self.after_losses = after_losses

    def ran(self, duration_ms: float) -> None:
        """One more task took `duration_ms`: a running average, the latest weighing a fifth."""
        self.average_ms = _KEPT_WEIGHT * self.average_ms + _NEW_WEIGHT * duration_ms


def tasks_left(max_tasks: int | None, done: int, held: int = 0) -> int | None:
    """How many more tasks a worker may claim under `--max-tasks`; None without a limit."""
    return None if max_tasks is None else max_tasks - done - held


def batch_size(pace: Pace, *, left: int | None) -> int:
    """How many tasks to claim at once: about BATCH_BUDGET_MS of task time, one at a time
    after a loss, never more than `left`; 0 once nothing is left."""
    budgeted = int(BATCH_BUDGET_MS / max(pace.average_ms, SHORTEST_TASK_MS))
    size = 1 if pace.after_losses else budgeted
    if left is not None:
        if left <= 0:
            return 0
        size = min(size, left)
    return max(1, min(MAX_BATCH, size))


def claims_ahead(pace: Pace, tuning: Tuning, *, stopping: bool) -> bool:
    """Whether to claim the next batch while this one runs: tasks long enough to leave the
    thread time, short enough that holding a batch back from idle workers costs little."""
    return (
        not stopping
        and CLAIM_AHEAD_MIN_TASK_MS <= pace.average_ms <= tuning.claim_ahead_max_task_ms
    )


class Move(enum.Enum):
    """What the loop does with the next task of its batch."""

    RUN = "run"
    # Run it; the batch's first look is behind it, so a claim ahead may start now.
    RUN_FIRST = "run first"
    # Its last attempt was lost: give back everything else held, then run it alone.
    RUN_ALONE = "run alone"
    # Give it and the rest of the batch back: stopping, or something better is ready.
    GIVE_BACK = "give back"


def looks_before(index: int, *, claimed_ahead: bool) -> bool:
    """Whether to look for better tasks before the task at `index` of a batch: not before the
    first of a batch claimed just now, since that claim took the best."""
    return bool(index) or claimed_ahead


def next_move(*, index: int, after_loss: bool, give_back: bool) -> Move:
    """The move for the task at `index` of a batch; `give_back` says whether the loop is
    stopping or found something better ready (see `looks_before` and `check_for_better`)."""
    if give_back:
        return Move.GIVE_BACK
    if after_loss:
        return Move.RUN_ALONE
    return Move.RUN_FIRST if index == 0 else Move.RUN


def runs_before(
    queue_names: Sequence[str], first: tuple[str, float], second: tuple[str, float]
) -> bool:
    """Whether task `first` (queue, score) runs before `second`: an earlier queue, else a lower
    score."""
    a, b = queue_names.index(first[0]), queue_names.index(second[0])
    return a < b or (a == b and first[1] < second[1])


@dataclass(frozen=True, slots=True)
class LastLook:
    """What the worker's last look for better tasks saw (a claim is a look): no ready task of
    `queue_name` (None: of any queue) scores below `bound`, until an announcement says otherwise."""

    at_s: float  # monotonic time of the look
    pushes_seen: int  # this process's count of pushes then
    queue_name: str | None = None
    bound: float = float("inf")


def after_claim(now_s: float, pushes: int) -> LastLook:
    """A claim took the best ready tasks: none of those left outranks one it took."""
    return LastLook(now_s, pushes)


def look_due(
    last: LastLook, *, now_s: float, pushes: int, recheck_after_s: float = RECHECK_AFTER_S
) -> bool:
    """Whether to check for a better task now: the recheck interval has passed, or this
    process pushed a task since the last look."""
    return pushes != last.pushes_seen or now_s - last.at_s >= recheck_after_s


def outranks_seen(last: LastLook, queue_name: str, score: float) -> bool:
    """Whether the last look saw nothing ready that ranks ahead of this task."""
    return last.queue_name in (None, queue_name) and score < last.bound


@dataclass(frozen=True, slots=True)
class Moment:
    """The time of a check and this process's count of pushes then."""

    now_s: float
    pushes: int


class Readings(Protocol):
    """What a look for better tasks reads, each only when needed, in the order listed."""

    @property
    def queue_names(self) -> Sequence[str]:
        """The worker's queues, the one served first first."""

    def heard(self) -> bool | None:
        """Whether a better task was announced since the last look (True, False; None when
        not listening); reading consumes the announcements."""

    def claimed_ahead_head(self) -> tuple[str, float] | None:
        """The best task a claim made ahead brought, if any: a better task may have gone to it."""

    def ready_bound(self, queue_name: str) -> float:
        """The best ready score in Redis for `queue_name`: -inf when an earlier queue has a
        task, inf when nothing is ready."""


def check_for_better(
    last: LastLook,
    task: tuple[str, float],
    now: Moment,
    readings: Readings,
    recheck_after_s: float = RECHECK_AFTER_S,
) -> tuple[LastLook, bool]:
    """Whether to give back `task` (queue, score) and what follows it, and the new last look."""
    if not look_due(last, now_s=now.now_s, pushes=now.pushes, recheck_after_s=recheck_after_s):
        return last, False
    queue_name, score = task
    silence = readings.heard() is False and now.pushes == last.pushes_seen
    if silence and outranks_seen(last, queue_name, score):
        # Nothing announced since the last look: nothing has become ready ahead of it.
        return LastLook(now.now_s, last.pushes_seen, last.queue_name, last.bound), False
    looked = LastLook(now.now_s, now.pushes, last.queue_name, last.bound)
    head = readings.claimed_ahead_head()
    if head is not None and runs_before(readings.queue_names, head, task):
        return looked, True
    bound = readings.ready_bound(queue_name)
    return LastLook(now.now_s, now.pushes, queue_name, bound), bound < score


def outage_backoff_s(failures: int) -> float:
    """How long to wait before trying the stores again after `failures` failures in a row."""
    return min(MAX_BACKOFF_S, 0.2 * 2.0 ** min(failures, 6))


def past_hard_timeout(*, running_s: float, timeout_s: float, grace_s: float) -> bool:
    """Whether a task that ignored its soft timeout has run past its grace as well."""
    return running_s - timeout_s > grace_s

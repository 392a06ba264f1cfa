"""The task state machine: statuses, allowed transitions, and who performs each.

    enqueue ──▶ PENDING ──claim──▶ PROCESSING ──complete──▶ SUCCESS
                 ▲  │                 │  │  │
                 │  └─cancel─▶ CANCELLED ◀──┼── cancel ── RETRY ◀─┐
      release ───┘◀───────────────────┘  │  └─fail, retries left──┘ (claim → PROCESSING)
                                         └─fail, no retries left──▶ FAILED
    FAILED / CANCELLED ──retry (user)──▶ PENDING

- enqueue (producer): a new row starts PENDING (with `run_after` it waits in Redis' delayed set).
- claim (worker): PENDING or RETRY → PROCESSING; the attempt number goes up by one.
- complete (worker): PROCESSING → SUCCESS, fenced by the attempt number.
- fail (worker): PROCESSING → RETRY while retries remain, else FAILED; fenced.
- unclaim (worker): PROCESSING → PENDING or RETRY for a claimed task it never started (a better
  task became ready, or it is stopping); the attempt number and its attempt row are undone.
- release (reaper, or a worker stopped by a second signal): PROCESSING → PENDING, without
  spending a retry; after MAX_LOST_ATTEMPTS lost attempts the task is FAILED instead.
- cancel (user): PENDING or RETRY → CANCELLED.
- retry (user): FAILED or CANCELLED → PENDING, with a fresh retry budget.

Every transition is one conditional UPDATE in `sql/queries.sql` (`WHERE status = ... AND
attempt = ...`), so a stale worker can never overwrite a newer attempt's outcome.
"""

from enum import StrEnum
from typing import Final


class TaskStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    SUCCESS = "success"
    RETRY = "retry"
    FAILED = "failed"
    CANCELLED = "cancelled"


class AttemptOutcome(StrEnum):
    RUNNING = "running"
    SUCCESS = "success"
    ERROR = "error"
    TIMEOUT = "timeout"
    LOST = "lost"
    INTERRUPTED = "interrupted"


WAITING_STATUSES: Final = frozenset({TaskStatus.PENDING, TaskStatus.RETRY})
FINISHED_STATUSES: Final = frozenset({TaskStatus.SUCCESS, TaskStatus.FAILED, TaskStatus.CANCELLED})

TRANSITIONS: Final[dict[str, tuple[frozenset[TaskStatus], frozenset[TaskStatus]]]] = {
    "claim": (WAITING_STATUSES, frozenset({TaskStatus.PROCESSING})),
    "complete": (frozenset({TaskStatus.PROCESSING}), frozenset({TaskStatus.SUCCESS})),
    "fail": (frozenset({TaskStatus.PROCESSING}), frozenset({TaskStatus.RETRY, TaskStatus.FAILED})),
    "unclaim": (
        frozenset({TaskStatus.PROCESSING}),
        frozenset({TaskStatus.PENDING, TaskStatus.RETRY}),
    ),
    "release": (
        frozenset({TaskStatus.PROCESSING}),
        frozenset({TaskStatus.PENDING, TaskStatus.FAILED}),
    ),
    "cancel": (WAITING_STATUSES, frozenset({TaskStatus.CANCELLED})),
    "retry": (
        frozenset({TaskStatus.FAILED, TaskStatus.CANCELLED}),
        frozenset({TaskStatus.PENDING}),
    ),
}


def can(verb: str, status: str) -> bool:
    """Whether `verb` may be applied to a task in `status`."""
    sources, _ = TRANSITIONS[verb]
    return status in sources

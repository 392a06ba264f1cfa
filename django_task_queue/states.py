"""The task state machine: statuses, allowed transitions, and who performs each.

    from ↓ to →  pending                 processing  success   retry          failed      cancelled
    (new)        enqueue
    pending                              claim                                            cancel
    retry                                claim                                            cancel
    processing   unclaim, release,                   complete  fail, unclaim, fail, reap,
                 reap, settle                                  settle         settle
    failed       retry (user)
    cancelled    retry (user)

Each verb, who performs it and where it lives: every verb but enqueue is in `transitions/`,
whose `__init__` lists them all.
- enqueue (producer; services/producer.py, or a schedule's tick; schedules/state.py): a new row
  starts PENDING (with `run_after` it waits in Redis' delayed set); a workflow's step gets its
  row when it becomes runnable (workflows/steps.py).
- claim (worker; transitions/claim.py): PENDING or RETRY → PROCESSING; the attempt number goes
  up by one.
- complete (worker; transitions/claim.py): PROCESSING → SUCCESS, fenced by the attempt number.
- unclaim (worker; transitions/claim.py): PROCESSING → PENDING or RETRY for a claimed task it
  never started (a better task became ready, or it is stopping); the attempt number and its
  attempt row are undone.
- fail (worker, or its supervisor on a hard timeout; transitions/fail.py): PROCESSING → RETRY
  while retries remain, else FAILED; fenced.
- release (a worker stopped by a second signal; transitions/leases.py): PROCESSING → PENDING,
  without spending a retry.
- reap (the reaper, a maintenance loop; transitions/leases.py): PROCESSING → PENDING for a task
  whose lease expired, without spending a retry; FAILED after MAX_LOST_ATTEMPTS lost attempts.
- settle (a supervisor whose worker process ended; transitions/supervised.py): the task the
  process was running → PENDING (FAILED after MAX_LOST_ATTEMPTS losses), the ones it held
  without starting → PENDING or RETRY as for unclaim.
- cancel (user: API, admin; transitions/control.py): PENDING or RETRY → CANCELLED; also a
  workflow's failure or cancel, for its members still waiting (workflows/steps.py).
- retry (user: API, admin, `requeue_failed`; transitions/control.py): FAILED or CANCELLED →
  PENDING, with a fresh retry budget.

Every transition is one conditional statement in `sql/queries.sql` (`WHERE status = ... AND
attempt = ...`), so a stale worker can never overwrite a newer attempt's outcome.
tests/unit/test_transitions_sql.py reads every SQL statement that writes a status and checks
that it performs exactly the edges of TRANSITIONS.
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


class WorkflowStatus(StrEnum):
    """A workflow's status: running until its root step ends (workflows/advance.py)."""

    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"


class StepKind(StrEnum):
    TASK = "task"
    CHAIN = "chain"
    GROUP = "group"
    CHORD = "chord"


class StepState(StrEnum):
    """A workflow step's state; a task step's follows its task's outcome, not every status."""

    WAITING = "waiting"  # not runnable yet: a task step has no task row
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"


WAITING_STATUSES: Final = frozenset({TaskStatus.PENDING, TaskStatus.RETRY})
FINISHED_STATUSES: Final = frozenset({TaskStatus.SUCCESS, TaskStatus.FAILED, TaskStatus.CANCELLED})

# verb → (statuses it applies to, statuses it leaves); no sources: the verb creates the task.
TRANSITIONS: Final[dict[str, tuple[frozenset[TaskStatus], frozenset[TaskStatus]]]] = {
    "enqueue": (frozenset(), frozenset({TaskStatus.PENDING})),
    "claim": (WAITING_STATUSES, frozenset({TaskStatus.PROCESSING})),
    "complete": (frozenset({TaskStatus.PROCESSING}), frozenset({TaskStatus.SUCCESS})),
    "fail": (frozenset({TaskStatus.PROCESSING}), frozenset({TaskStatus.RETRY, TaskStatus.FAILED})),
    "unclaim": (
        frozenset({TaskStatus.PROCESSING}),
        frozenset({TaskStatus.PENDING, TaskStatus.RETRY}),
    ),
    "release": (frozenset({TaskStatus.PROCESSING}), frozenset({TaskStatus.PENDING})),
    "reap": (
        frozenset({TaskStatus.PROCESSING}),
        frozenset({TaskStatus.PENDING, TaskStatus.FAILED}),
    ),
    "settle": (
        frozenset({TaskStatus.PROCESSING}),
        frozenset({TaskStatus.PENDING, TaskStatus.RETRY, TaskStatus.FAILED}),
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

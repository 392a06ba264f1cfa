"""The values a task's attempt is described by: the task claimed, and how its attempt ended."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django_task_queue.broker.client import Claim
from django_task_queue.states import AttemptOutcome


@dataclass(frozen=True)
class ClaimedTask:
    """A task this worker holds a lease on, for one attempt."""

    claim: Claim
    id: uuid.UUID
    task_name: str
    args: list[Any]
    kwargs: dict[str, Any]
    attempt: int
    timeout_s: float
    retry_count: int
    max_retries: int
    retry_delay_s: float
    retry_backoff: bool
    priority: int
    seq: int
    queue_name: str
    # When the task became due (run_after, else enqueue): a first attempt's wait starts here.
    due_at: datetime | None = None
    # The attempt before this one was lost: its worker died while holding it (and maybe others).
    after_loss: bool = False
    # The workflow it is a member of: its outcome then advances the workflow too.
    workflow_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Success:
    """An attempt that returned: its result, encoded as JSON."""

    result_json: str


@dataclass(frozen=True)
class Failure:
    """What went wrong in an attempt."""

    outcome: AttemptOutcome
    error_type: str
    error_message: str
    traceback: str


Outcome = Success | Failure


@dataclass(frozen=True)
class Completed:
    """A successful attempt waiting to be recorded."""

    task: ClaimedTask
    result_json: str
    duration_ms: float
    finished_at: datetime

    @property
    def started_at(self) -> datetime:
        return self.finished_at - timedelta(milliseconds=self.duration_ms)

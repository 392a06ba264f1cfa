"""Retention: finished tasks (and their attempts) deleted once older than their status's (or
their queue's) policy, by the pruner, a maintenance loop, in short batches under a time budget
so that it never holds the supervisor's loop for long; several pruners share the work.

    TASK_QUEUE["RETENTION"] = {"success": 7, "failed": 30, "cancelled": 30}   # days; None keeps
    TASK_QUEUE["RETENTION_BY_QUEUE"] = {"reports": {"success": 1}}             # the rest as above
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from django_task_queue import store
from django_task_queue.conf import get_settings

BATCH = 1_000


@dataclass(frozen=True, slots=True)
class Policy:
    """Delete tasks in `statuses` completed before `before`, of `queues` (None: every queue
    but `except_queues`)."""

    statuses: tuple[str, ...]
    before: datetime
    queues: tuple[str, ...] | None = None
    except_queues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PruneResult:
    tasks: int
    attempts: int
    caught_up: bool  # False: the budget ran out with more to delete


def policies(now: datetime) -> list[Policy]:
    """The settings' retention, as the deletions it asks for at `now`."""
    conf = get_settings()
    overridden = tuple(sorted(conf.RETENTION_BY_QUEUE))
    found = _policies(conf.RETENTION, now, queues=None, except_queues=overridden)
    for queue_name in overridden:
        days = {**conf.RETENTION, **conf.RETENTION_BY_QUEUE[queue_name]}
        found += _policies(days, now, queues=(queue_name,), except_queues=())
    return found


def _policies(
    days_by_status: Mapping[str, float | None],
    now: datetime,
    *,
    queues: tuple[str, ...] | None,
    except_queues: tuple[str, ...],
) -> list[Policy]:
    by_days: dict[float, list[str]] = {}
    for status, days in sorted(days_by_status.items()):
        if days is not None:
            by_days.setdefault(float(days), []).append(status)
    return [
        Policy(tuple(statuses), now - timedelta(days=days), queues, except_queues)
        for days, statuses in sorted(by_days.items())
    ]


def prune(now: datetime, *, budget_s: float, batch_size: int = BATCH) -> PruneResult:
    """Delete what the retention policies allow, a batch (one short transaction) at a time,
    until nothing is left or `budget_s` has passed."""
    deadline = time.monotonic() + budget_s
    tasks = attempts = 0
    for policy in policies(now):
        while True:
            with transaction.atomic():
                done_tasks, done_attempts = store.write("purge_batch", _params(policy, batch_size))[
                    0
                ]
            tasks += done_tasks
            attempts += done_attempts
            if done_tasks < batch_size:
                break
            if time.monotonic() > deadline:
                return PruneResult(tasks, attempts, caught_up=False)
    return PruneResult(tasks, attempts, caught_up=True)


def _params(policy: Policy, batch_size: int) -> dict[str, Any]:
    return {
        "statuses": list(policy.statuses),
        "before": policy.before,
        "limit": batch_size,
        "queues": None if policy.queues is None else list(policy.queues),
        "except_queues": list(policy.except_queues),
    }

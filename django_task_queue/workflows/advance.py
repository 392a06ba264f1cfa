"""Advancing a workflow when a member's outcome is recorded, in the same transaction as that
outcome: the next step starts, a group's last member fires what follows it, a failure stops the
rest. Called only for tasks whose row has a workflow id (the transitions' narrow hook).

Exactly once: a step's outcome is recorded only while it is `running` (finish_step), so a member
run twice counts once; a group's counter is decremented in its row, so of two members ending at
the same instant, one transaction sees zero and fires the callback. The workflow's row is locked
first, after the member's task row, so its steps change one transaction at a time.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from django_task_queue import store
from django_task_queue.states import StepKind, StepState, WorkflowStatus
from django_task_queue.workflows import steps
from django_task_queue.workflows.steps import StepRow


@dataclass(frozen=True)
class MemberOutcome:
    """A member task's final outcome: its result, or why it failed (or was cancelled)."""

    task_id: uuid.UUID
    workflow_id: uuid.UUID
    succeeded: bool
    result: Any = None
    error: str = ""


def lock(workflow_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Lock the workflows' rows until commit, in id order; their statuses."""
    rows = store.write("lock_workflows", {"ids": sorted(set(workflow_ids))})
    return {row[0]: row[1] for row in rows}


def record_outcomes(outcomes: Sequence[MemberOutcome]) -> None:
    """Advance the workflows of members whose final outcome the caller's transaction recorded."""
    if not outcomes:
        return
    statuses = lock([outcome.workflow_id for outcome in outcomes])
    by_task = steps.of_tasks([outcome.task_id for outcome in outcomes])
    for outcome in outcomes:
        step = by_task.get(outcome.task_id)
        if step is None:
            continue
        running = statuses.get(outcome.workflow_id) == WorkflowStatus.RUNNING
        if outcome.succeeded:
            _Advance(running).succeeded(step, outcome.result)
        else:
            reason = f"{step.path} (task {outcome.task_id}) failed: {outcome.error}"
            _Advance(running).failed(step, reason)


class _Advance:
    """One member's outcome carried up the tree. `running`: whether the workflow may still
    start steps (a failed or cancelled one records outcomes but starts nothing)."""

    def __init__(self, running: bool) -> None:
        self.running = running

    def succeeded(self, step: StepRow, result: Any) -> None:
        if steps.finish(step, StepState.SUCCESS, result):
            self._carry(step, result)

    def failed(self, step: StepRow, reason: str) -> None:
        if steps.finish(step, StepState.FAILED, None, reason):
            self._carry_failure(step, reason)

    def _carry(self, step: StepRow, result: Any) -> None:
        """A step succeeded: start the one after it, or end its parent."""
        if step.parent is None:
            _finish_workflow(step.workflow_id, WorkflowStatus.SUCCESS, None)
            return
        parent = steps.one(step.workflow_id, step.parent)
        if parent.kind == StepKind.GROUP:
            self._count(parent)
        elif step.last < parent.last:  # in pre-order, its next sibling follows its subtree
            if self.running:
                following = steps.one(step.workflow_id, step.last + 1)
                steps.start(step.workflow_id, following.position, following.last, [result])
        else:
            self.succeeded(parent, result)

    def _count(self, group: StepRow) -> None:
        # Counted even when the workflow failed meanwhile: a retry that resumes it finds the
        # group's count right.
        """A member of `group` ended without failing it: the last one ends the group."""
        counted = store.write(
            "count_group_member", {"workflow_id": group.workflow_id, "position": group.position}
        )
        if counted and counted[0][0] == 0:
            ((results,),) = store.read(
                "group_results",
                {
                    "workflow_id": group.workflow_id,
                    "position": group.position,
                    "first": group.position + 1,
                    "last": group.last,
                },
            )
            self.succeeded(group, json.loads(results))

    def _carry_failure(self, step: StepRow, reason: str) -> None:
        """A step failed: a group that allows failures counts it; otherwise its parent fails."""
        if step.parent is None:
            _finish_workflow(step.workflow_id, WorkflowStatus.FAILED, reason)
            steps.stop_the_rest(step.workflow_id, f"cancelled: {reason}")
            return
        parent = steps.one(step.workflow_id, step.parent)
        if parent.kind == StepKind.GROUP and parent.allow_failures:
            self._count(parent)
        else:
            self.failed(parent, reason)


def _finish_workflow(workflow_id: uuid.UUID, status: WorkflowStatus, reason: str | None) -> None:
    store.write(
        "finish_workflow",
        {
            "workflow_id": workflow_id,
            "status": status.value,
            "reason": reason,
            "now": timezone.now(),
        },
    )

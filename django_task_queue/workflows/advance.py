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
from collections import Counter
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
    found = [(o, by_task[o.task_id]) for o in outcomes if o.task_id in by_task]
    together, alone = _group_successes(found)
    for group, results in together:
        running = statuses.get(group.workflow_id) == WorkflowStatus.RUNNING
        _Advance(running).succeeded_together(group, results)
    for outcome, step in alone:
        running = statuses.get(outcome.workflow_id) == WorkflowStatus.RUNNING
        if outcome.succeeded:
            _Advance(running).succeeded(step, outcome.result)
        else:
            reason = f"{step.path} (task {outcome.task_id}) failed: {outcome.error}"
            _Advance(running).failed(step, reason)


def _group_successes(
    found: list[tuple[MemberOutcome, StepRow]],
) -> tuple[list[tuple[StepRow, dict[int, Any]]], list[tuple[MemberOutcome, StepRow]]]:
    """The successes of members of one group, by group, to record together (a batch of a
    chord's members costs a few statements, not a few each); and every other outcome."""
    siblings = Counter(
        (step.workflow_id, step.parent)
        for outcome, step in found
        if outcome.succeeded and step.parent is not None
    )
    parents: dict[uuid.UUID, set[int]] = {}
    for (workflow_id, parent), count in siblings.items():
        if count > 1:  # alone, a success takes the usual path: no statement to save
            parents.setdefault(workflow_id, set()).add(parent)
    groups = {
        (workflow_id, position): step
        for workflow_id, positions in parents.items()
        for position, step in steps.at(workflow_id, sorted(positions)).items()
        if step.kind == StepKind.GROUP
    }
    together: dict[tuple[uuid.UUID, int], dict[int, Any]] = {}
    alone: list[tuple[MemberOutcome, StepRow]] = []
    for outcome, step in found:
        key = (step.workflow_id, step.parent if step.parent is not None else -1)
        if outcome.succeeded and key in groups:
            together.setdefault(key, {})[step.position] = outcome.result
        else:
            alone.append((outcome, step))
    return [(groups[key], results) for key, results in together.items()], alone


class _Advance:
    """One member's outcome carried up the tree. `running`: whether the workflow may still
    start steps (a failed or cancelled one records outcomes but starts nothing)."""

    def __init__(self, running: bool) -> None:
        self.running = running

    def succeeded(self, step: StepRow, result: Any) -> None:
        if steps.finish(step, StepState.SUCCESS, result):
            self._carry(step, result)

    def succeeded_together(self, group: StepRow, results: dict[int, Any]) -> None:
        """Members of `group` (positions to results) that succeeded in this transaction."""
        finished = steps.finish_successes(group.workflow_id, results)
        if finished:
            self._count(group, finished)

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

    def _count(self, group: StepRow, count: int = 1) -> None:
        """`count` members of `group` ended without failing it: the last one ends the group."""
        # Counted even when the workflow failed meanwhile: a retry that resumes it finds the
        # group's count right.
        counted = store.write(
            "count_group_member",
            {"workflow_id": group.workflow_id, "position": group.position, "count": count},
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

"""What users do to workflows: cancel one; and what their task verbs do to a member's
workflow: cancelling a member fails its workflow, retrying a failed member resumes it."""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import PushEntry
from django_task_queue.dispatch import push_after_commit, push_entry
from django_task_queue.exceptions import InvalidTransitionError
from django_task_queue.models import Workflow
from django_task_queue.states import StepKind, StepState, WorkflowStatus
from django_task_queue.workflows import advance, steps
from django_task_queue.workflows.steps import StepRow

_ALL_STEPS = 2**31 - 1


def cancel_workflow(workflow_id: uuid.UUID | str) -> Workflow:
    """Cancel a running workflow: its waiting members are cancelled, no further step starts."""
    workflow_id = uuid.UUID(str(workflow_id))
    with store.atomic():
        statuses = advance.lock([workflow_id])
        if workflow_id not in statuses:
            raise Workflow.DoesNotExist(f"No workflow {workflow_id}.")
        if statuses[workflow_id] != WorkflowStatus.RUNNING:
            raise InvalidTransitionError(f"A {statuses[workflow_id]} workflow cannot be cancelled.")
        store.write(
            "finish_workflow",
            {
                "workflow_id": workflow_id,
                "status": WorkflowStatus.CANCELLED.value,
                "reason": "cancelled by a user",
                "now": timezone.now(),
            },
        )
        steps.stop_the_rest(workflow_id, "cancelled: its workflow was cancelled")
    return Workflow.objects.get(pk=workflow_id)


def member_cancelled(task_id: uuid.UUID, workflow_id: uuid.UUID) -> None:
    """A user cancelled a waiting member: its workflow fails, as for a member that failed."""
    outcome = advance.MemberOutcome(task_id, workflow_id, False, error="cancelled by a user")
    advance.record_outcomes([outcome])


def member_retried(task_id: uuid.UUID, workflow_id: uuid.UUID) -> None:
    """A user retried a failed or cancelled member: its workflow runs again from there.

    The member's failed ancestors run again, the steps its failure cancelled wait again (their
    tasks are retried too), and a chain stopped by the failure starts its next step. A member
    whose failure a group allowed was counted already: its task runs alone.
    """
    advance.lock([workflow_id])
    step = steps.of_tasks([task_id]).get(task_id)
    if step is None or step.state not in {StepState.FAILED, StepState.CANCELLED}:
        return
    path = _ancestors(step)
    parent = path[1] if len(path) > 1 else None
    if parent is not None and parent.allow_failures and step.state == StepState.FAILED:
        return
    restored = store.write(
        "resume_steps",
        {"workflow_id": workflow_id, "positions": [s.position for s in path]},
    )
    store.write("resume_workflow", {"workflow_id": workflow_id, "now": timezone.now()})
    _retry_tasks([row[0] for row in restored if row[0] is not None and row[0] != task_id])
    _start_stopped_chains(workflow_id)


def _ancestors(step: StepRow) -> list[StepRow]:
    """The step, then its parent, up to the root."""
    path = [step]
    while path[-1].parent is not None:
        path.append(steps.one(step.workflow_id, path[-1].parent))
    return path


def _retry_tasks(task_ids: list[uuid.UUID]) -> None:
    entries: dict[str, list[PushEntry]] = defaultdict(list)
    now = timezone.now()
    for task_id in task_ids:
        for priority, seq, queue_name in store.write(
            "retry_task", {"task_id": str(task_id), "now": now}
        ):
            entries[queue_name].append(push_entry(task_id, priority, seq, None))
    if entries:
        transaction.on_commit(lambda: push_after_commit(dict(entries)))


def _start_stopped_chains(workflow_id: uuid.UUID) -> None:
    """Start the step after a chain's member that succeeded while its workflow was failed."""
    everything = steps.subtree(workflow_id, 0, _ALL_STEPS)
    children: dict[int, list[StepRow]] = defaultdict(list)
    for step in everything[1:]:
        assert step.parent is not None
        children[step.parent].append(step)
    for step in everything:
        if step.kind in (StepKind.GROUP, StepKind.TASK):
            continue
        if step.state != StepState.RUNNING:
            continue
        members = children[step.position]
        for before, after in itertools.pairwise(members):
            if before.state == StepState.SUCCESS and after.state == StepState.WAITING:
                steps.start(workflow_id, after.position, after.last, [before.result])

"""What the API shows of workflows: each one's progress, and its tree with each step's task."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from django_task_queue.models import Task, Workflow, WorkflowStep
from django_task_queue.states import StepKind, StepState


def with_progress(workflows: QuerySet[Workflow]) -> list[Workflow]:
    """The workflows, each with `progress`: how many task steps are in each state."""
    rows = list(workflows)
    counts = (
        WorkflowStep.objects.filter(workflow_id__in=[w.id for w in rows], kind=StepKind.TASK)
        .values("workflow_id")
        .annotate(
            total=Count("id"), **{s.value: Count("id", filter=Q(state=s.value)) for s in StepState}
        )
    )
    by_id = {
        row["workflow_id"]: {key: value for key, value in row.items() if key != "workflow_id"}
        for row in counts
    }
    empty = dict.fromkeys(["total", *(s.value for s in StepState)], 0)
    for workflow in rows:
        workflow.progress = by_id.get(workflow.id, empty)  # type: ignore[attr-defined]
    return rows


def with_tree(workflow: Workflow) -> Workflow:
    """The workflow with `tree`: its steps nested as in its tree, each with its task's status."""
    steps = list(WorkflowStep.objects.filter(workflow_id=workflow.id).order_by("position"))
    task_ids = [step.task_id for step in steps if step.task_id is not None]
    statuses = dict(Task.objects.filter(pk__in=task_ids).values_list("id", "status"))
    nodes: dict[int, dict[str, Any]] = {}
    for step in steps:
        node: dict[str, Any] = {
            "kind": step.kind,
            "path": step.path,
            "state": step.state,
            "reason": step.reason,
            "allow_failures": step.allow_failures,
            "task_name": (step.spec or {}).get("task_name"),
            "task_id": step.task_id,
            "task_status": statuses.get(step.task_id) if step.task_id else None,
            "steps": [],
        }
        nodes[step.position] = node
        if step.parent is not None:
            nodes[step.parent]["steps"].append(node)
    workflow.tree = nodes.get(0, {})  # type: ignore[attr-defined]
    return workflow

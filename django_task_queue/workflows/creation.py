"""Enqueueing a workflow: validate the tree, insert its rows and its first runnable tasks in one
transaction (the caller's, if any), push those tasks to Redis on commit."""

from __future__ import annotations

import json

from django.utils import timezone

from django_task_queue import store
from django_task_queue.ids import new_id
from django_task_queue.models import Workflow
from django_task_queue.workflows import steps
from django_task_queue.workflows.plan import PlannedStep, plan
from django_task_queue.workflows.tree import Step


def create(root: Step) -> Workflow:
    """Validate `root` as a whole, then create its workflow; nothing is written on an error."""
    return create_planned(plan(root, timezone.now()))


def create_planned(planned: list[PlannedStep]) -> Workflow:
    """Create a workflow from steps `plan` validated (the API validates while reading a body)."""
    now = timezone.now()
    workflow_id = new_id()
    with store.atomic():
        store.write("insert_workflow", {"id": workflow_id, "now": now})
        store.write("insert_workflow_steps", _step_params(workflow_id, planned))
        steps.start(workflow_id, 0, planned[0].last, [])
    return Workflow(id=workflow_id, status="running", created_at=now, updated_at=now)


def _step_params(workflow_id: object, planned: list[PlannedStep]) -> dict[str, object]:
    return {
        "workflow_id": workflow_id,
        "positions": [step.position for step in planned],
        "parents": [step.parent for step in planned],
        "indexes": [step.index for step in planned],
        "lasts": [step.last for step in planned],
        "kinds": [step.kind.value for step in planned],
        "paths": [step.path for step in planned],
        "allow_failures": [step.allow_failures for step in planned],
        "remainings": [step.remaining for step in planned],
        "specs": [None if step.spec is None else json.dumps(step.spec) for step in planned],
    }

"""A Workflow row and its WorkflowStep rows per chain, group or chord (workflows/)."""

from __future__ import annotations

from django.db import models

from django_task_queue.ids import new_id
from django_task_queue.states import StepKind, StepState, WorkflowStatus


class Workflow(models.Model):
    """A chain, group or chord enqueued as one: its steps are WorkflowStep rows."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in WorkflowStatus],
        default=WorkflowStatus.RUNNING.value,
    )
    reason = models.TextField(null=True, blank=True, help_text="why it failed or was cancelled")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=["-created_at"], name="dtq_workflow_created"),)

    def __str__(self) -> str:
        return f"workflow {self.id} ({self.status})"


class WorkflowStep(models.Model):
    """One node of a workflow's tree, numbered in pre-order: a task, or a chain, group or chord
    of steps. A task step gets its task row only when it becomes runnable."""

    workflow = models.ForeignKey(
        Workflow, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    position = models.PositiveIntegerField(help_text="pre-order number; the root is 0")
    parent = models.PositiveIntegerField(null=True, blank=True, help_text="the parent's position")
    index = models.PositiveIntegerField(default=0, help_text="its place among its siblings")
    last = models.PositiveIntegerField(help_text="the position of its subtree's last step")
    kind = models.CharField(max_length=10, choices=[(k.value, k.value) for k in StepKind])
    path = models.TextField(help_text="where it sits in the tree, e.g. chain[1].group[0]")
    state = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in StepState],
        default=StepState.WAITING.value,
    )
    allow_failures = models.BooleanField(default=False)
    remaining = models.PositiveIntegerField(default=0, help_text="a group's unfinished members")
    task_id = models.UUIDField(null=True, blank=True, unique=True)
    spec = models.JSONField(null=True, blank=True, help_text="a task step's task, validated")
    result = models.JSONField(null=True, blank=True)
    reason = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ("workflow", "position")
        constraints = (
            models.UniqueConstraint(
                fields=["workflow", "position"], name="dtq_workflow_step_position"
            ),
        )

    def __str__(self) -> str:
        return f"step {self.path} of {self.workflow_id} ({self.state})"

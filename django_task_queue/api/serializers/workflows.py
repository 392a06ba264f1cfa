"""Workflows on the wire: the workflow object, its tree of steps, and the body that creates one."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from django_task_queue.models import Workflow
from django_task_queue.states import StepKind, StepState, TaskStatus, WorkflowStatus

WORKFLOW_FIELDS = ("id", "status", "reason", "created_at", "updated_at", "finished_at", "progress")


class ProgressSerializer(serializers.Serializer[dict[str, int]]):
    """How many of a workflow's task steps are in each state (a step gets its task when it
    becomes runnable: `waiting` ones have none yet)."""

    total = serializers.IntegerField()
    waiting = serializers.IntegerField()
    running = serializers.IntegerField()
    success = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class WorkflowSerializer(serializers.ModelSerializer[Workflow]):
    # Plain text, not an enum: drf-spectacular would name it as it names the task's status.
    status = serializers.CharField(
        read_only=True, help_text=f"One of {', '.join(s.value for s in WorkflowStatus)}."
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Workflow
        fields: tuple[str, ...] = WORKFLOW_FIELDS
        read_only_fields: tuple[str, ...] = fields

    def get_progress(self, workflow: Workflow) -> ProgressSerializer:
        counts: dict[str, int] = getattr(workflow, "progress", {})
        return ProgressSerializer(counts).data  # type: ignore[return-value]  # its schema


class StepSerializer(serializers.Serializer[dict[str, Any]]):
    """One step of the tree; a chain, group or chord holds its own in `steps`, in order."""

    kind = serializers.ChoiceField(choices=[k.value for k in StepKind])
    path = serializers.CharField(help_text="Where it sits in the tree, e.g. chain[1].group[0].")
    state = serializers.ChoiceField(choices=[s.value for s in StepState])
    reason = serializers.CharField(allow_null=True, help_text="Why it failed or was cancelled.")
    allow_failures = serializers.BooleanField(help_text="A group's: failures leave null.")
    task_name = serializers.CharField(allow_null=True, help_text="A task step's task function.")
    task_id = serializers.UUIDField(allow_null=True, help_text="Null until the step is runnable.")
    task_status = serializers.CharField(
        allow_null=True,
        help_text=f"Its task's status (one of {', '.join(s.value for s in TaskStatus)}); null "
        "until the step is runnable.",
    )
    steps = serializers.ListField(
        child=serializers.DictField(),
        help_text="A chain's, group's or chord's steps, each of this same shape.",
    )


class WorkflowDetailSerializer(WorkflowSerializer):
    tree = serializers.SerializerMethodField()

    class Meta(WorkflowSerializer.Meta):
        fields = (*WORKFLOW_FIELDS, "tree")
        read_only_fields = fields

    def get_tree(self, workflow: Workflow) -> StepSerializer:
        tree: dict[str, Any] = getattr(workflow, "tree", {})
        return tree  # type: ignore[return-value]  # the annotation gives the schema its shape


class WorkflowCreateSerializer(serializers.Serializer[object]):
    """A workflow's tree: give exactly one of chain, group or chord. A step is such a tree or
    a task payload as POST /api/tasks/ takes it (without run_after or countdown)."""

    chain = serializers.ListField(child=serializers.JSONField(), required=False)
    group = serializers.ListField(child=serializers.JSONField(), required=False)
    chord = serializers.DictField(
        required=False, help_text='{"group": [steps], "then": step, "allow_failures": bool}'
    )
    allow_failures = serializers.BooleanField(
        required=False, help_text="With group: a failed member leaves null in its place."
    )

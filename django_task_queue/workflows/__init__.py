"""Workflows: chains, groups and chords of tasks, whose state lives in PostgreSQL rows updated
in the same transaction as each member's outcome (docs/workflows.md)."""

from django_task_queue.workflows.control import cancel_workflow
from django_task_queue.workflows.tree import Chain, Chord, Group, Step, chain, chord, group

__all__ = ["Chain", "Chord", "Group", "Step", "cancel_workflow", "chain", "chord", "group"]

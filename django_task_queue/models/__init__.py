"""PostgreSQL models, one module per concept: a Task row per enqueued invocation and an Attempt
row per execution (tasks.py), a Workflow and its WorkflowStep rows per chain, group or chord
(workflows.py), a schedule's state (schedules.py), the paused queues (flow_control.py), and the
statistics rollup that GET /api/stats/ reads (statistics.py)."""

from django_task_queue.models.flow_control import PausedQueue
from django_task_queue.models.schedules import Schedule
from django_task_queue.models.statistics import (
    DurationBucket,
    InFlightAttempt,
    StatsRollup,
    ThroughputMinute,
)
from django_task_queue.models.tasks import TASK_SEQUENCE, Attempt, NextVal, Task
from django_task_queue.models.workflows import Workflow, WorkflowStep

__all__ = [
    "TASK_SEQUENCE",
    "Attempt",
    "DurationBucket",
    "InFlightAttempt",
    "NextVal",
    "PausedQueue",
    "Schedule",
    "StatsRollup",
    "Task",
    "ThroughputMinute",
    "Workflow",
    "WorkflowStep",
]

"""PostgreSQL models: a Task row per enqueued invocation, an Attempt row per execution, a
Workflow row and its WorkflowStep rows per chain, group or chord (see workflows/), and the
statistics rollup that GET /api/stats/ reads (see monitoring/rollup.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from django_task_queue.ids import new_id
from django_task_queue.priorities import DEFAULT_PRIORITY, priority_name
from django_task_queue.states import (
    AttemptOutcome,
    StepKind,
    StepState,
    TaskStatus,
    WorkflowStatus,
)

TASK_SEQUENCE = "django_task_queue_task_seq"


class NextVal(models.Func):
    """`nextval('sequence')`: the enqueue order, shared by every producer."""

    function = "nextval"
    output_field = models.BigIntegerField()

    def __init__(self, sequence: str = TASK_SEQUENCE, **extra: Any) -> None:
        super().__init__(models.Value(sequence), **extra)


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    seq = models.BigIntegerField(db_default=NextVal(), editable=False, unique=True)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    priority = models.SmallIntegerField(default=DEFAULT_PRIORITY)
    queue_name = models.CharField(max_length=100, default="default")
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in TaskStatus],
        default=TaskStatus.PENDING.value,
    )
    result = models.JSONField(null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)
    traceback = models.TextField(null=True, blank=True)
    retry_count = models.PositiveIntegerField(default=0)
    max_retries = models.PositiveIntegerField(default=3)
    retry_delay = models.FloatField(default=60.0, help_text="seconds")
    retry_backoff = models.BooleanField(default=False)
    timeout = models.FloatField(default=300.0, help_text="seconds")
    attempt = models.PositiveIntegerField(default=0, help_text="number of the latest claim")
    worker_id = models.CharField(max_length=200, null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    run_after = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    # Unique tasks (flow_control/uniqueness.py): no two rows of one task name share a key while
    # both are in one of their `unique_while` statuses. The partial unique index that says so
    # compares two columns, which Django's constraints cannot express: it is created by
    # migration 0010 (dtq_task_unique_key), beside dtq_task_unique_recent for `unique_for`.
    unique_key = models.TextField(null=True, blank=True)
    unique_while = ArrayField(models.CharField(max_length=20), null=True, blank=True)
    # Concurrency limits (flow_control/limits.py): the group whose limit the task counts against.
    limit_group = models.CharField(max_length=300, null=True, blank=True)
    # Not a foreign key: a task outside workflows pays no constraint check and no index entry.
    workflow_id = models.UUIDField(null=True, blank=True, editable=False)
    # Set on the tasks a schedule makes: the schedule's name and the tick the task was made for.
    schedule_name = models.CharField(max_length=200, null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = (
            # One task per tick of a schedule, however many schedulers try it (schedules/); also
            # the index of a schedule's runs, newest first. Partial: other tasks cost it nothing.
            models.UniqueConstraint(
                fields=["schedule_name", "scheduled_for"],
                name="dtq_task_schedule_tick",
                condition=Q(schedule_name__isnull=False),
            ),
        )
        indexes = (
            models.Index(fields=["status", "-created_at"], name="dtq_task_status_created"),
            models.Index(fields=["task_name", "-created_at"], name="dtq_task_name_created"),
            models.Index(fields=["-created_at"], name="dtq_task_created"),
            models.Index(fields=["completed_at"], name="dtq_task_completed"),
            # The list's orderings and filters (measured on 1,000,000 rows: ~250 ms → ~7 ms).
            models.Index(F("priority").desc(), F("created_at").desc(), name="dtq_task_priority"),
            models.Index(fields=["-updated_at"], name="dtq_task_updated"),
            models.Index(F("completed_at").desc(nulls_last=True), name="dtq_task_completed_desc"),
            models.Index(fields=["status", "queue_name"], name="dtq_task_status_queue"),
            models.Index(fields=["queue_name", "-created_at"], name="dtq_task_queue_created"),
            # Partial: most tasks have no error, and those rows then cost the index nothing.
            GinIndex(
                OpClass(Upper("error_message"), name="gin_trgm_ops"),
                name="dtq_task_error_trgm",
                condition=Q(error_message__isnull=False),
            ),
            # The reconciler scans only waiting tasks, in enqueue order.
            models.Index(
                fields=["seq"],
                name="dtq_task_waiting",
                condition=Q(status__in=["pending", "retry"]),
            ),
            # The statistics' waiting summary, by queue, status and priority, from the index alone
            # (100,000 waiting tasks: ~35 ms → ~12 ms). Partial, it costs an enqueue, a retry or a
            # give-back one entry, a claim or a completion none; it replaced a full index on the
            # same keys that every status change had to maintain.
            models.Index(
                fields=["queue_name", "status", "priority"],
                include=["run_after", "next_retry_at", "created_at"],
                name="dtq_task_waiting_by_queue",
                condition=Q(status__in=["pending", "retry"]),
            ),
            # The reaper scans only running tasks by lease expiry.
            models.Index(
                fields=["lease_expires_at"],
                name="dtq_task_leases",
                condition=Q(status="processing"),
            ),
        )

    def __str__(self) -> str:
        return f"{self.task_name} {self.id} ({self.status})"

    @property
    def priority_name(self) -> str:
        return priority_name(self.priority)


class PausedQueue(models.Model):
    """A queue no worker starts tasks of until it is resumed (flow_control/pausing.py)."""

    queue_name = models.CharField(max_length=100, primary_key=True)
    paused_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.queue_name} (paused since {self.paused_at})"


class Schedule(models.Model):
    """A schedule's state (schedules/): its definition lives in code or settings and is copied
    here by every scheduler at start, so that it shows while orphaned; the rest is its clock."""

    name = models.CharField(max_length=200, primary_key=True)
    task_name = models.CharField(max_length=200)
    cron = models.CharField(max_length=200, null=True, blank=True)
    every_s = models.PositiveIntegerField(null=True, blank=True, help_text="seconds")
    timezone = models.CharField(max_length=64, default="UTC")
    queue_name = models.CharField(max_length=100)
    priority = models.SmallIntegerField(default=DEFAULT_PRIORITY)
    catch_up = models.CharField(
        max_length=10, choices=[(c, c) for c in ("none", "latest", "all")], default="latest"
    )
    skip_if_running = models.BooleanField(default=False)
    enabled = models.BooleanField(default=True)
    next_tick_at = models.DateTimeField(help_text="the next tick to enqueue")
    last_tick_at = models.DateTimeField(
        null=True, blank=True, help_text="the last tick handled: enqueued or skipped"
    )
    last_lag_s = models.FloatField(
        null=True, blank=True, help_text="how late the last enqueued tick was, in seconds"
    )
    skipped_ticks = models.PositiveIntegerField(
        default=0, help_text="ticks not run because the previous run had not finished"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return f"schedule {self.name} ({'enabled' if self.enabled else 'paused'})"


class Attempt(models.Model):
    # No index of its own: the unique (task, number) index serves lookups by task and the
    # cascade. A second index on the same key cost 5-12 % of PostgreSQL's CPU in a no-op drain.
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="attempts", db_index=False
    )
    number = models.PositiveIntegerField()
    worker_id = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=20,
        choices=[(o.value, o.value) for o in AttemptOutcome],
        default=AttemptOutcome.RUNNING.value,
    )
    error_type = models.CharField(max_length=200, null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)
    traceback = models.TextField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ("task", "number")
        constraints = (
            models.UniqueConstraint(fields=["task", "number"], name="dtq_attempt_task_number"),
        )
        indexes = (
            models.Index(fields=["outcome", "-finished_at"], name="dtq_attempt_outcome"),
            # Wait-time statistics read only first attempts.
            models.Index(
                fields=["started_at"], condition=Q(number=1), name="dtq_attempt_first_started"
            ),
            models.Index(fields=["-finished_at"], name="dtq_attempt_finished"),
        )

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.task_id} ({self.outcome})"


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


class StatsRollup(models.Model):
    """The one row saying how far the statistics rollup reaches (see monitoring/rollup.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    folded_until = models.DateTimeField(
        help_text="every task completed and attempt finished before this minute is folded in"
    )
    source = models.BigIntegerField(
        help_text="the task table's relfilenode when the rollup began (TRUNCATE changes it)"
    )

    def __str__(self) -> str:
        return f"statistics rollup up to {self.folded_until}"


class InFlightAttempt(models.Model):
    """An attempt that was running at the last fold: its outcome may yet be written with a time
    before the watermark, and the next fold then adds it (see monitoring/rollup.py)."""

    attempt_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"attempt {self.attempt_id} in flight"


class ThroughputMinute(models.Model):
    """Tasks that succeeded, and that failed for good, in one minute (by completed_at)."""

    minute = models.DateTimeField(primary_key=True)
    completed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.minute}: {self.completed} completed, {self.failed} failed"


class DurationBucket(models.Model):
    """How many first-attempt waits (by start minute and band) or attempt run times (by finish
    minute) fell in one bucket of the log-scaled histogram (see monitoring/percentiles.py)."""

    minute = models.DateTimeField()
    figure = models.CharField(max_length=4, choices=[("wait", "wait"), ("run", "run")])
    band = models.CharField(max_length=10, blank=True, help_text="a wait's priority band")
    bucket = models.SmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["minute", "figure", "band", "bucket"], name="dtq_duration_bucket"
            ),
        )

    def __str__(self) -> str:
        return f"{self.minute} {self.figure} {self.band} bucket {self.bucket}: {self.count}"

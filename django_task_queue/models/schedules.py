"""A schedule's state (schedules/)."""

from __future__ import annotations

from django.db import models

from django_task_queue.priorities import DEFAULT_PRIORITY


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

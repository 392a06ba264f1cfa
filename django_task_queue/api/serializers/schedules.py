"""Schedules on the wire: each with its clock and latest run, and a schedule's recent runs."""

from __future__ import annotations

from rest_framework import serializers

from django_task_queue.schedules.rules import CATCH_UP_MODES
from django_task_queue.states import TaskStatus

_STATUSES = [s.value for s in TaskStatus]


class ScheduleSerializer(serializers.Serializer[object]):
    name = serializers.CharField()
    task_name = serializers.CharField()
    cron = serializers.CharField(allow_null=True, help_text="A 5-field cron expression.")
    every_seconds = serializers.FloatField(allow_null=True, help_text="The interval, if not cron.")
    timezone = serializers.CharField(help_text="The cron expression's time zone (IANA).")
    trigger = serializers.CharField(help_text="The trigger in words: `every 30 s`, `cron ...`.")
    queue_name = serializers.CharField()
    priority = serializers.IntegerField()
    catch_up = serializers.ChoiceField(choices=list(CATCH_UP_MODES))
    skip_if_running = serializers.BooleanField()
    enabled = serializers.BooleanField(help_text="False while paused.")
    orphaned = serializers.BooleanField(
        help_text="Its definition is gone from code and settings: shown, never run."
    )
    next_run_at = serializers.DateTimeField(
        allow_null=True, help_text="Its next tick; null while paused or orphaned."
    )
    last_run_at = serializers.DateTimeField(
        allow_null=True, help_text="The tick (or run now) its latest task was made for."
    )
    last_task_id = serializers.UUIDField(allow_null=True)
    last_task_status = serializers.CharField(allow_null=True, help_text="Its latest task's status.")
    lag_seconds = serializers.FloatField(
        allow_null=True, help_text="How late its last tick was enqueued."
    )
    skipped_ticks = serializers.IntegerField(
        help_text="Ticks not run because the previous run had not finished (skip_if_running)."
    )


class ScheduleRunSerializer(serializers.Serializer[object]):
    task_id = serializers.UUIDField()
    scheduled_for = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=_STATUSES)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class ScheduleDetailSerializer(ScheduleSerializer):
    recent_runs = ScheduleRunSerializer(many=True, help_text="Newest first, up to 20.")

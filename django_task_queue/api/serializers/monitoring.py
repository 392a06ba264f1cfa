"""Monitoring on the wire: statistics, failure groups, workers, task functions, health."""

from __future__ import annotations

from rest_framework import serializers

from django_task_queue.api.fields import StrictIntegerField
from django_task_queue.api.serializers.envelope import ErrorEnvelopeSerializer
from django_task_queue.priorities import PRIORITY_BY_NAME

MAX_STATS_MINUTES = 1440
MAX_FAILURE_MINUTES = 30 * 1440


class StatsQuerySerializer(serializers.Serializer[object]):
    minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_STATS_MINUTES, default=60, help_text="The window, in minutes."
    )


class FailuresQuerySerializer(serializers.Serializer[object]):
    minutes = serializers.IntegerField(
        min_value=1,
        max_value=MAX_FAILURE_MINUTES,
        default=1440,
        help_text="The window, in minutes.",
    )


class StatusCountsSerializer(serializers.Serializer[object]):
    pending = serializers.IntegerField()
    processing = serializers.IntegerField()
    success = serializers.IntegerField()
    failed = serializers.IntegerField()
    retry = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    total = serializers.IntegerField()


class QueueStatsSerializer(serializers.Serializer[object]):
    queue_name = serializers.CharField()
    redis_ready = serializers.IntegerField(allow_null=True, help_text="null when Redis is down")
    redis_delayed = serializers.IntegerField(allow_null=True)
    redis_processing = serializers.IntegerField(allow_null=True)
    pending = serializers.IntegerField(help_text="pending and due now")
    scheduled = serializers.IntegerField(help_text="pending with run_after in the future")
    retry = serializers.IntegerField()
    processing = serializers.IntegerField()
    failed = serializers.IntegerField()
    drift = serializers.IntegerField(
        allow_null=True, help_text="PostgreSQL's due waiting tasks minus Redis' ready count"
    )
    oldest_waiting_age_s = serializers.FloatField(allow_null=True)
    live_workers = serializers.IntegerField(allow_null=True)
    paused = serializers.BooleanField(help_text="No worker starts this queue's tasks until resumed")
    concurrency_limit = serializers.IntegerField(
        allow_null=True, help_text="The queue's own limit of tasks running at once; null: none"
    )
    rate_limit = serializers.CharField(
        allow_null=True, help_text="The queue's own rate of starts, such as 10/s; null: none"
    )


class ThroughputSerializer(serializers.Serializer[object]):
    minute = serializers.DateTimeField()
    completed = serializers.IntegerField()
    failed = serializers.IntegerField()


class PercentilesSerializer(serializers.Serializer[object]):
    p50 = serializers.FloatField(allow_null=True)
    p95 = serializers.FloatField(allow_null=True)


class PriorityWaitSerializer(serializers.Serializer[object]):
    priority_name = serializers.ChoiceField(choices=list(PRIORITY_BY_NAME))
    waiting = serializers.IntegerField()
    p50_ms = serializers.FloatField(allow_null=True)
    p95_ms = serializers.FloatField(allow_null=True)


class StatsSerializer(serializers.Serializer[object]):
    generated_at = serializers.DateTimeField()
    window_minutes = serializers.IntegerField()
    counts = StatusCountsSerializer()
    counts_are_estimates = serializers.BooleanField()
    queues = QueueStatsSerializer(many=True)
    throughput = ThroughputSerializer(many=True)
    wait_time_ms = PercentilesSerializer()
    run_time_ms = PercentilesSerializer()
    wait_by_priority = PriorityWaitSerializer(many=True)


class FailureGroupSerializer(serializers.Serializer[object]):
    error_type = serializers.CharField(allow_null=True)
    error_message = serializers.CharField(allow_null=True)
    task_name = serializers.CharField()
    count = serializers.IntegerField()
    last_seen_at = serializers.DateTimeField()
    example_task_id = serializers.UUIDField(allow_null=True)


class RunningTaskSerializer(serializers.Serializer[object]):
    task_id = serializers.UUIDField()
    task_name = serializers.CharField()
    queue_name = serializers.CharField()
    attempt = serializers.IntegerField()
    slot = serializers.IntegerField(help_text="Which of the worker's slots runs it, from 0.")
    started_at = serializers.DateTimeField()


class WorkerSerializer(serializers.Serializer[object]):
    worker_id = serializers.CharField()
    hostname = serializers.CharField()
    pid = serializers.IntegerField()
    queues = serializers.ListField(child=serializers.CharField())
    current_task_id = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()
    heartbeat_age_s = serializers.FloatField()
    tasks_done = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["idle", "busy", "stopping"])
    concurrency = serializers.IntegerField(help_text="How many tasks it may run at once.")
    busy = serializers.IntegerField(help_text="How many of its slots run a task now.")
    running_tasks = RunningTaskSerializer(many=True, help_text="The tasks it runs now, by slot.")


class ParameterSerializer(serializers.Serializer[object]):
    name = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=[
            "positional_only", "positional_or_keyword", "var_positional", "keyword_only",
            "var_keyword",
        ]
    )  # fmt: skip
    required = serializers.BooleanField()  # type: ignore[assignment]  # (a declared field)
    default = serializers.JSONField(
        allow_null=True, help_text="The default if JSON holds it, else its repr; null if none."
    )


class FunctionDefaultsSerializer(serializers.Serializer[object]):
    priority_name = serializers.ChoiceField(choices=list(PRIORITY_BY_NAME))
    priority = StrictIntegerField()
    max_retries = serializers.IntegerField()
    retry_delay = serializers.FloatField()
    retry_backoff = serializers.BooleanField()
    timeout = serializers.FloatField()
    queue_name = serializers.CharField()


class TaskFunctionSerializer(serializers.Serializer[object]):
    name = serializers.CharField()
    doc = serializers.CharField(allow_blank=True)
    signature = serializers.CharField()
    parameters = ParameterSerializer(many=True)
    defaults = FunctionDefaultsSerializer()


class StoreHealthSerializer(serializers.Serializer[object]):
    ok = serializers.BooleanField()
    error = serializers.CharField(allow_null=True)


class HealthSerializer(serializers.Serializer[object]):
    postgres = StoreHealthSerializer()
    redis = StoreHealthSerializer()
    workers_alive = serializers.IntegerField(allow_null=True)


class UnhealthySerializer(ErrorEnvelopeSerializer):
    """503 from /api/health/: the error envelope, plus the report saying which store is down."""

    data = HealthSerializer()  # type: ignore[assignment]  # (a declared field, see envelope.py)

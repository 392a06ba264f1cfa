"""Queues on the wire: their state (running or paused), limits and depth."""

from __future__ import annotations

from rest_framework import serializers

from django_task_queue.monitoring.queues import QueueState


class QueueSerializer(serializers.Serializer[object]):
    queue_name = serializers.CharField()
    state = serializers.SerializerMethodField(help_text='"running" or "paused"')
    paused_at = serializers.DateTimeField(allow_null=True)
    concurrency_limit = serializers.IntegerField(
        source="limits.concurrency_limit",
        allow_null=True,
        help_text="The queue's own limit of tasks running at once (setting QUEUES); null: none",
    )
    rate_limit = serializers.CharField(
        source="limits.rate_limit",
        allow_null=True,
        help_text="The queue's own rate of starts, such as 10/s; null: none",
    )
    ready = serializers.SerializerMethodField(help_text="Redis' ready tasks; null when it is down")
    delayed = serializers.SerializerMethodField(help_text="Redis' delayed tasks (retries, later)")
    processing = serializers.SerializerMethodField(help_text="Redis' leased tasks")

    def get_state(self, queue: QueueState) -> str:
        return "running" if queue.paused_at is None else "paused"

    def get_ready(self, queue: QueueState) -> int | None:
        return None if queue.depths is None else queue.depths.ready

    def get_delayed(self, queue: QueueState) -> int | None:
        return None if queue.depths is None else queue.depths.delayed

    def get_processing(self, queue: QueueState) -> int | None:
        return None if queue.depths is None else queue.depths.processing

"""Queue endpoints: list every queue, pause one, resume one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from django_task_queue.api.serializers.envelope import ErrorEnvelopeSerializer, envelope
from django_task_queue.api.serializers.queues import QueueSerializer
from django_task_queue.api.views.base import COMMON_ERRORS, ApiView, ok
from django_task_queue.flow_control.pausing import pause_queue, resume_queue
from django_task_queue.monitoring.queues import queue_state, queue_states

BAD_NAME = {400: ErrorEnvelopeSerializer}


class QueueListView(ApiView):
    @extend_schema(
        summary="Every queue: running or paused, and its depth",
        responses={200: envelope(QueueSerializer, many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return ok(QueueSerializer(queue_states(), many=True).data)


class QueuePauseView(ApiView):
    @extend_schema(
        summary="Pause a queue: it accepts tasks, but no worker starts one until it is resumed",
        request=None,
        responses={200: envelope(QueueSerializer), **BAD_NAME, **COMMON_ERRORS},
    )
    def post(self, request: Request, name: str) -> Response:
        pause_queue(name)
        return ok(QueueSerializer(queue_state(name)).data)


class QueueResumeView(ApiView):
    @extend_schema(
        summary="Resume a paused queue: workers start its tasks again at once",
        request=None,
        responses={200: envelope(QueueSerializer), **BAD_NAME, **COMMON_ERRORS},
    )
    def post(self, request: Request, name: str) -> Response:
        resume_queue(name)
        return ok(QueueSerializer(queue_state(name)).data)

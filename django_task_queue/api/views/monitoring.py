"""Monitoring endpoints: statistics, failure groups, workers, task functions, health."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from django_task_queue.api.params import given
from django_task_queue.api.serializers.envelope import ErrorEnvelopeSerializer, envelope
from django_task_queue.api.serializers.monitoring import (
    FailureGroupSerializer,
    FailuresQuerySerializer,
    HealthSerializer,
    StatsQuerySerializer,
    StatsSerializer,
    TaskFunctionSerializer,
    UnhealthySerializer,
    WorkerSerializer,
)
from django_task_queue.api.views.base import COMMON_ERRORS, ApiView, ok
from django_task_queue.monitoring.failures import failure_groups
from django_task_queue.monitoring.health import health
from django_task_queue.monitoring.statistics import compute_stats
from django_task_queue.monitoring.task_functions import describe_task_functions
from django_task_queue.monitoring.workers import list_workers

BAD_QUERY = {400: ErrorEnvelopeSerializer}


class StatsView(ApiView):
    @extend_schema(
        summary="Queue statistics over a window",
        parameters=[StatsQuerySerializer],
        responses={200: envelope(StatsSerializer), **BAD_QUERY, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = StatsQuerySerializer(data=given(request.query_params))
        params.is_valid(raise_exception=True)
        return ok(StatsSerializer(compute_stats(params.validated_data["minutes"])).data)


class FailuresView(ApiView):
    @extend_schema(
        summary="Failed attempts grouped by error and task function, most frequent first",
        parameters=[FailuresQuerySerializer],
        responses={200: envelope(FailureGroupSerializer, many=True), **BAD_QUERY, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = FailuresQuerySerializer(data=given(request.query_params))
        params.is_valid(raise_exception=True)
        groups = failure_groups(params.validated_data["minutes"])
        return ok(FailureGroupSerializer(groups, many=True).data)


class WorkersView(ApiView):
    @extend_schema(
        summary="Live workers",
        responses={200: envelope(WorkerSerializer, many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return ok(WorkerSerializer(list_workers(), many=True).data)


class TaskFunctionsView(ApiView):
    @extend_schema(
        summary="Registered task functions with their signatures and defaults",
        responses={200: envelope(TaskFunctionSerializer, many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        functions = describe_task_functions()
        return ok(TaskFunctionSerializer(functions, many=True).data)


class HealthView(ApiView):
    @extend_schema(
        summary="Whether PostgreSQL and Redis answer",
        responses={**COMMON_ERRORS, 200: envelope(HealthSerializer), 503: UnhealthySerializer},
    )
    def get(self, request: Request) -> Response:
        healthy, report = health()
        data = HealthSerializer(report).data
        if healthy:
            return ok(data)
        down = [name for name in ("postgres", "redis") if not report[name]["ok"]]
        body = {
            "success": False,
            "message": f"Unavailable: {', '.join(down)}.",
            "errors": {},
            "data": data,
        }
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)

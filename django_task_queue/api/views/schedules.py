"""Schedule endpoints: list, detail with recent runs, pause, resume, run now."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from django_task_queue.api.errors import Conflict
from django_task_queue.api.serializers.envelope import ErrorEnvelopeSerializer, envelope
from django_task_queue.api.serializers.schedules import (
    ScheduleDetailSerializer,
    ScheduleSerializer,
)
from django_task_queue.api.serializers.tasks import TaskSerializer
from django_task_queue.api.views.base import COMMON_ERRORS, ApiView, ok
from django_task_queue.models import Task
from django_task_queue.monitoring.schedules import ScheduleStatus, get_schedule, list_schedules
from django_task_queue.schedules import control

NOT_FOUND = {404: ErrorEnvelopeSerializer}
CONFLICT = {409: ErrorEnvelopeSerializer}


class ScheduleCollectionView(ApiView):
    @extend_schema(
        summary="List schedules with their next and last runs",
        operation_id="schedules_list",
        responses={200: envelope(ScheduleSerializer, many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return ok(ScheduleSerializer(list_schedules(), many=True).data)


class ScheduleDetailView(ApiView):
    @extend_schema(
        summary="A schedule with its recent runs",
        responses={200: envelope(ScheduleDetailSerializer), **NOT_FOUND, **COMMON_ERRORS},
    )
    def get(self, request: Request, name: str) -> Response:
        return ok(ScheduleDetailSerializer(_found(name)).data)


class SchedulePauseView(ApiView):
    @extend_schema(
        summary="Pause a schedule: no tick runs until it is resumed",
        request=None,
        responses={200: envelope(ScheduleSerializer), **NOT_FOUND, **COMMON_ERRORS},
    )
    def post(self, request: Request, name: str) -> Response:
        _act(control.pause, name)
        return ok(ScheduleSerializer(_found(name)).data)


class ScheduleResumeView(ApiView):
    @extend_schema(
        summary="Resume a paused schedule from its next tick (the ticks it missed never run)",
        request=None,
        responses={200: envelope(ScheduleSerializer), **NOT_FOUND, **CONFLICT, **COMMON_ERRORS},
    )
    def post(self, request: Request, name: str) -> Response:
        _act(control.resume, name)
        return ok(ScheduleSerializer(_found(name)).data)


class ScheduleRunView(ApiView):
    @extend_schema(
        summary="Run a schedule's task now, once, whatever its clock",
        request=None,
        responses={201: envelope(TaskSerializer), **NOT_FOUND, **CONFLICT, **COMMON_ERRORS},
    )
    def post(self, request: Request, name: str) -> Response:
        task_id = _act(control.run_now, name)
        task = Task.objects.get(pk=task_id)
        return ok(TaskSerializer(task).data, status.HTTP_201_CREATED)


def _found(name: str) -> ScheduleStatus:
    schedule = get_schedule(name)
    if schedule is None:
        raise exceptions.NotFound("No schedule has this name.")
    return schedule


def _act[T](action: Callable[[str], T], name: str) -> T:
    try:
        return action(name)
    except control.UnknownScheduleError as exc:
        raise exceptions.NotFound("No schedule has this name.") from exc
    except control.OrphanedScheduleError as exc:
        raise Conflict(str(exc)) from exc

"""Task endpoints: list and create, bulk create, detail, retry, cancel."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from django_task_queue import services
from django_task_queue.api.filters import DEFAULT_ORDERING, TaskFilter
from django_task_queue.api.negotiation import JsonFirstNegotiation
from django_task_queue.api.pagination import TaskPagination
from django_task_queue.api.parsers import BoundedJSONParser
from django_task_queue.api.serializers.envelope import (
    ErrorEnvelopeSerializer,
    created_envelope,
    envelope,
)
from django_task_queue.api.serializers.tasks import (
    BulkTaskCreateSerializer,
    TaskCreateSerializer,
    TaskDetailSerializer,
    TaskSerializer,
)
from django_task_queue.api.views.base import BODY_ERRORS, COMMON_ERRORS, ApiView, ok
from django_task_queue.models import Attempt, Task

NOT_FOUND = {404: ErrorEnvelopeSerializer}
CONFLICT = {409: ErrorEnvelopeSerializer}


@extend_schema_view(
    get=extend_schema(
        summary="List tasks",
        responses={200: TaskSerializer(many=True), 400: ErrorEnvelopeSerializer, **COMMON_ERRORS},
    ),
    post=extend_schema(
        summary="Enqueue a task",
        request=TaskCreateSerializer,
        responses={
            201: created_envelope(TaskSerializer),
            200: created_envelope(TaskSerializer),
            **BODY_ERRORS,
            **COMMON_ERRORS,
        },
        description="201 with the new task; 200 with the task that already held its unique_key "
        "(nothing was created), `deduplicated` then true.",
    ),
)
class TaskCollectionView(generics.ListAPIView[Task]):
    queryset = Task.objects.order_by(*DEFAULT_ORDERING)
    serializer_class = TaskSerializer
    filter_backends = [DjangoFilterBackend]  # noqa: RUF012  (DRF's declared class attribute)
    filterset_class = TaskFilter
    pagination_class = TaskPagination
    parser_classes = [BoundedJSONParser]  # noqa: RUF012  (DRF's declared class attribute)
    content_negotiation_class = JsonFirstNegotiation

    def post(self, request: Request) -> Response:
        body = TaskCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enqueued = services.enqueue_validated_reporting([body.validated_data])
        (task,) = enqueued.tasks
        found = bool(enqueued.deduplicated)
        return Response(
            {"success": True, "data": TaskSerializer(task).data, "deduplicated": found},
            status=status.HTTP_200_OK if found else status.HTTP_201_CREATED,
        )


class BulkTaskCreateView(ApiView):
    @extend_schema(
        summary="Enqueue many tasks, all or nothing",
        request=BulkTaskCreateSerializer,
        responses={
            201: created_envelope(TaskSerializer, many=True),
            200: created_envelope(TaskSerializer, many=True),
            **BODY_ERRORS,
            **COMMON_ERRORS,
        },
        description="`deduplicated` lists the positions (in `tasks`) whose unique_key another "
        "task held: that task is answered there, and nothing was created for it. 200 when "
        "nothing at all was created, else 201.",
    )
    def post(self, request: Request) -> Response:
        body = BulkTaskCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enqueued = services.enqueue_validated_reporting(body.validated_data["tasks"])
        found = enqueued.deduplicated
        created = len(found) < len(enqueued.tasks)
        return Response(
            {
                "success": True,
                "data": TaskSerializer(enqueued.tasks, many=True).data,
                "deduplicated": found,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema_view(
    get=extend_schema(
        summary="A task with its attempts and why it is still waiting",
        responses={200: envelope(TaskDetailSerializer), **NOT_FOUND, **COMMON_ERRORS},
    )
)
class TaskDetailView(generics.RetrieveAPIView[Task]):
    serializer_class = TaskDetailSerializer
    parser_classes = [BoundedJSONParser]  # noqa: RUF012  (DRF's declared class attribute)
    content_negotiation_class = JsonFirstNegotiation

    def get_queryset(self) -> QuerySet[Task]:
        return Task.objects.prefetch_related(
            Prefetch("attempts", queryset=Attempt.objects.order_by("number"))
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return ok(self.get_serializer(self.get_object()).data)


class TaskRetryView(ApiView):
    @extend_schema(
        summary="Run a failed or cancelled task again",
        request=None,
        responses={200: envelope(TaskSerializer), **NOT_FOUND, **CONFLICT, **COMMON_ERRORS},
    )
    def post(self, request: Request, pk: uuid.UUID) -> Response:
        return ok(TaskSerializer(services.retry(pk)).data)


class TaskCancelView(ApiView):
    @extend_schema(
        summary="Cancel a pending or retrying task",
        request=None,
        responses={200: envelope(TaskSerializer), **NOT_FOUND, **CONFLICT, **COMMON_ERRORS},
    )
    def post(self, request: Request, pk: uuid.UUID) -> Response:
        return ok(TaskSerializer(services.cancel(pk)).data)

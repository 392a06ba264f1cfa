"""Workflow endpoints: list and create, detail (with the tree), cancel."""

from __future__ import annotations

import uuid

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from django_task_queue.api.pagination import PageQuerySerializer
from django_task_queue.api.params import given
from django_task_queue.api.serializers.envelope import ErrorEnvelopeSerializer, envelope
from django_task_queue.api.serializers.workflows import (
    WorkflowCreateSerializer,
    WorkflowDetailSerializer,
    WorkflowSerializer,
)
from django_task_queue.api.views.base import BODY_ERRORS, COMMON_ERRORS, ApiView, ok
from django_task_queue.models import Workflow
from django_task_queue.workflows import cancel_workflow, json_form, reads
from django_task_queue.workflows.creation import create_planned
from django_task_queue.workflows.plan import plan

NOT_FOUND = {404: ErrorEnvelopeSerializer}
CONFLICT = {409: ErrorEnvelopeSerializer}


class WorkflowCollectionView(ApiView):
    @extend_schema(
        summary="List workflows, newest first",
        operation_id="workflows_list",
        parameters=[
            OpenApiParameter("page", int, description="1-based page number."),
            OpenApiParameter("page_size", int, description="Rows per page: default 50."),
        ],
        responses={
            200: envelope(WorkflowSerializer, many=True),
            400: ErrorEnvelopeSerializer,
            **COMMON_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        params = PageQuerySerializer(data=given(request.query_params))
        params.is_valid(raise_exception=True)
        page, size = params.validated_data["page"], params.validated_data["page_size"]
        offset = (page - 1) * size
        rows = reads.with_progress(Workflow.objects.order_by("-created_at")[offset : offset + size])
        return ok(WorkflowSerializer(rows, many=True).data)

    @extend_schema(
        summary="Enqueue a workflow (a chain, group or chord), validated as a whole",
        operation_id="workflows_create",
        request=WorkflowCreateSerializer,
        responses={201: envelope(WorkflowDetailSerializer), **BODY_ERRORS, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        # Every step is checked before anything is written: an error names its path.
        steps = plan(json_form.read(request.data), timezone.now())
        workflow = create_planned(steps)
        return ok(_detail(workflow.id), status.HTTP_201_CREATED)


class WorkflowDetailView(ApiView):
    @extend_schema(
        summary="A workflow with its progress and its tree of steps",
        responses={200: envelope(WorkflowDetailSerializer), **NOT_FOUND, **COMMON_ERRORS},
    )
    def get(self, request: Request, pk: uuid.UUID) -> Response:
        return ok(_detail(pk))


class WorkflowCancelView(ApiView):
    @extend_schema(
        summary="Cancel a running workflow: its waiting steps are cancelled",
        request=None,
        responses={
            200: envelope(WorkflowDetailSerializer),
            **NOT_FOUND,
            **CONFLICT,
            **COMMON_ERRORS,
        },
    )
    def post(self, request: Request, pk: uuid.UUID) -> Response:
        if not Workflow.objects.filter(pk=pk).exists():
            raise exceptions.NotFound("No workflow has this id.")
        cancel_workflow(pk)
        return ok(_detail(pk))


def _detail(pk: uuid.UUID) -> object:
    workflow = Workflow.objects.filter(pk=pk).first()
    if workflow is None:
        raise exceptions.NotFound("No workflow has this id.")
    (counted,) = reads.with_progress(Workflow.objects.filter(pk=pk))
    return WorkflowDetailSerializer(reads.with_tree(counted)).data

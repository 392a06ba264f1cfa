"""Page-number pagination that stays cheap on a table of millions: no COUNT(*) over all of it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_task_queue.api.params import given
from django_task_queue.conf import get_settings
from django_task_queue.monitoring.tasks import count_tasks

_M = TypeVar("_M", bound=Model)
_R = TypeVar("_R")

DEFAULT_PAGE_SIZE = 50
# OFFSET past this many pages scans too far to be useful; narrow the filter instead.
MAX_PAGE = 100_000
_META_TYPES = {
    "page": "integer",
    "page_size": "integer",
    "count": "integer",
    "count_is_estimate": "boolean",
    "has_next": "boolean",
    "has_previous": "boolean",
}


class PageQuerySerializer(serializers.Serializer[object]):
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1)
    page_size = serializers.IntegerField(min_value=1, default=DEFAULT_PAGE_SIZE)

    def validate_page_size(self, value: int) -> int:
        limit = get_settings().API_MAX_PAGE_SIZE
        if value > limit:
            raise serializers.ValidationError(
                f"Ensure this value is less than or equal to {limit}."
            )
        return value


class TaskPagination(BasePagination):
    """`meta`: page, page_size, a bounded count, and has_next from fetching one row more."""

    def paginate_queryset(
        self,
        queryset: QuerySet[_M, _R] | Sequence[_R],
        request: Request,
        view: APIView | None = None,
    ) -> list[_R]:
        if not isinstance(queryset, QuerySet):
            raise TypeError("TaskPagination pages a queryset of tasks")
        params = PageQuerySerializer(data=given(request.query_params))
        params.is_valid(raise_exception=True)
        self.page: int = params.validated_data["page"]
        self.page_size: int = params.validated_data["page_size"]
        offset = (self.page - 1) * self.page_size
        rows = list(queryset[offset : offset + self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        count, self.count_is_estimate = count_tasks(queryset)
        # A count must not contradict the rows just read (an estimate, or rows added meanwhile).
        seen = offset + len(rows) if rows else 0
        self.count = max(count, seen)
        return rows[: self.page_size]

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "success": True,
                "data": data,
                "meta": {
                    "page": self.page,
                    "page_size": self.page_size,
                    "count": self.count,
                    "count_is_estimate": self.count_is_estimate,
                    "has_next": self.has_next,
                    "has_previous": self.page > 1,
                },
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        meta = {name: {"type": kind} for name, kind in _META_TYPES.items()}
        return {
            "type": "object",
            "required": ["success", "data", "meta"],
            "properties": {
                "success": {"type": "boolean"},
                "data": schema,
                "meta": {"type": "object", "required": list(meta), "properties": meta},
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "1-based page number.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": "Rows per page: default 50, at most API_MAX_PAGE_SIZE (200).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]

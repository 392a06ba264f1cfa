"""The Django admin for tasks and attempts: browse, filter, search, and retry or cancel in bulk.

Rows are read-only here. A task's status, priority, queue and due time are mirrored in Redis, so
an edit of the PostgreSQL row alone would put the two stores out of step; changes go through the
"Retry selected tasks" and "Cancel selected tasks" actions, which use the transitions.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from django_task_queue.api.permissions import WRITE_PERMISSION
from django_task_queue.models import Attempt, Task
from django_task_queue.monitoring.tasks import distinct_values, table_estimate
from django_task_queue.priorities import PRIORITY_BY_NAME, priority_name
from django_task_queue.services.housekeeping import BulkResult, apply_each
from django_task_queue.transitions import cancel, retry

# Fields the worker (or the producer) writes: never editable by hand.
WORKER_FIELDS = (
    "id",
    "seq",
    "status",
    "result",
    "error_message",
    "traceback",
    "retry_count",
    "attempt",
    "worker_id",
    "lease_expires_at",
    "created_at",
    "updated_at",
    "started_at",
    "completed_at",
    "next_retry_at",
)
_SKIPPED_SHOWN = 10
# Below this many rows an exact count is cheap enough.
_ESTIMATE_ABOVE = 100_000


class EstimatedCountPaginator(Paginator):  # type: ignore[type-arg]  # generic in the stubs only
    """Counts an unfiltered changelist from PostgreSQL's statistics instead of a full scan."""

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            estimate = table_estimate()
            if estimate > _ESTIMATE_ABOVE:
                return estimate
        return super().count


class PriorityFilter(admin.SimpleListFilter):
    title = "priority"
    parameter_name = "priority_band"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(name, name) for name in PRIORITY_BY_NAME]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        bands = {
            "critical": Q(priority__gte=PRIORITY_BY_NAME["critical"]),
            "high": Q(
                priority__gte=PRIORITY_BY_NAME["high"], priority__lt=PRIORITY_BY_NAME["critical"]
            ),
            "normal": Q(
                priority__gt=PRIORITY_BY_NAME["low"], priority__lt=PRIORITY_BY_NAME["high"]
            ),
            "low": Q(priority__lte=PRIORITY_BY_NAME["low"]),
        }
        value = self.value()
        return queryset.filter(bands[value]) if value in bands else queryset


class _DistinctValuesFilter(admin.SimpleListFilter):
    """Lists a column's values by a loose index scan (Django's default filter scans the table)."""

    column = ""

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, value) for value in distinct_values(self.column)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.column: value}) if value else queryset


class QueueFilter(_DistinctValuesFilter):
    title = "queue"
    parameter_name = column = "queue_name"


class TaskNameFilter(_DistinctValuesFilter):
    title = "task function"
    parameter_name = column = "task_name"


class AttemptInline(admin.TabularInline):  # type: ignore[type-arg]  # generic in the stubs only
    model = Attempt
    fields = (
        "number",
        "outcome",
        "worker_id",
        "started_at",
        "finished_at",
        "duration_ms",
        "error_type",
        "error_message",
    )
    readonly_fields = fields
    ordering = ("number",)
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    list_display = (
        "id",
        "task_name",
        "status",
        "priority_label",
        "queue_name",
        "attempt",
        "created_at",
        "completed_at",
    )
    list_filter = ("status", QueueFilter, TaskNameFilter, PriorityFilter)
    search_fields = ("=id", "task_name", "error_message")
    search_help_text = "A task id (exact), or part of a task name or error message."
    readonly_fields = WORKER_FIELDS
    fieldsets = (
        (None, {"fields": ("id", "task_name", "status", "priority", "queue_name", "seq")}),
        ("Arguments", {"fields": ("args", "kwargs")}),
        ("Outcome", {"fields": ("result", "error_message", "traceback")}),
        (
            "Retry policy",
            {"fields": ("retry_count", "max_retries", "retry_delay", "retry_backoff", "timeout")},
        ),
        ("Worker", {"fields": ("attempt", "worker_id", "lease_expires_at")}),
        (
            "Times",
            {
                "fields": (
                    "created_at",
                    "run_after",
                    "started_at",
                    "next_retry_at",
                    "completed_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = (AttemptInline,)
    actions = ("retry_selected", "cancel_selected")
    list_select_related = False  # no relation is shown: a join would only slow the list
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50

    @admin.display(description="priority", ordering="priority")
    def priority_label(self, task: Task) -> str:
        return priority_name(task.priority)

    # Rows change only through the transitions (see the module docstring).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_write_permission(self, request: HttpRequest) -> bool:
        """Retrying and cancelling need what the API asks for: the add_task permission."""
        return bool(request.user.has_perm(WRITE_PERMISSION))

    @admin.action(description="Retry selected tasks", permissions=["write"])
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        result = apply_each(retry, _ids(queryset))
        self._report(request, result, "retried", "cannot be retried")

    @admin.action(description="Cancel selected tasks", permissions=["write"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        result = apply_each(cancel, _ids(queryset))
        self._report(request, result, "cancelled", "cannot be cancelled")

    def _report(self, request: HttpRequest, result: BulkResult, done: str, refused: str) -> None:
        self.message_user(request, f"{len(result.done)} task(s) {done}.", messages.SUCCESS)
        if result.skipped:
            shown = ", ".join(
                f"{task_id} ({reason})" for task_id, reason in result.skipped[:_SKIPPED_SHOWN]
            )
            more = len(result.skipped) - _SKIPPED_SHOWN
            suffix = f" and {more} more" if more > 0 else ""
            self.message_user(
                request,
                f"{len(result.skipped)} task(s) skipped ({refused} in their status): "
                f"{shown}{suffix}.",
                messages.WARNING,
            )


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    list_display = (
        "task",
        "number",
        "outcome",
        "worker_id",
        "started_at",
        "finished_at",
        "duration_ms",
        "error_type",
    )
    list_filter = ("outcome",)
    search_fields = ("=task__id", "worker_id", "error_type")
    list_select_related = ("task",)
    show_full_result_count = False
    ordering = ("-finished_at",)  # running attempts (no finish yet) first; indexed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _ids(queryset: QuerySet[Task]) -> list[uuid.UUID]:
    return list(queryset.values_list("id", flat=True))

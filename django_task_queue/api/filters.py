"""Filters, search and ordering of GET /api/tasks/, each an indexed condition where it can be."""

from __future__ import annotations

import re

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django_filters import rest_framework as filters

from django_task_queue.models import Task
from django_task_queue.monitoring.tasks import task_names_containing
from django_task_queue.priorities import PRIORITY_BY_NAME
from django_task_queue.states import TaskStatus

_HEX_PREFIX = re.compile(r"^[0-9a-f]{1,32}$")

# Each ordering ends with a unique column so that pages never overlap or skip rows.
ORDERINGS: dict[str, tuple[str | OrderBy, ...]] = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "priority": ("priority", "created_at", "id"),
    "-priority": ("-priority", "-created_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    # Unfinished tasks (no completed_at) come last either way: the recently finished matter.
    "completed_at": (F("completed_at").asc(nulls_last=True), "id"),
    "-completed_at": (F("completed_at").desc(nulls_last=True), "-id"),
}
DEFAULT_ORDERING = ORDERINGS["-created_at"]


def priority_band(name: str) -> Q:
    """The integer range a priority name stands for (see priorities.priority_name)."""
    critical, high, low = (PRIORITY_BY_NAME[n] for n in ("critical", "high", "low"))
    bands = {
        "critical": Q(priority__gte=critical),
        "high": Q(priority__gte=high, priority__lt=critical),
        "normal": Q(priority__gt=low, priority__lt=high),
        "low": Q(priority__lte=low),
    }
    return bands[name]


def uuid_prefix_range(term: str) -> tuple[str, str] | None:
    """The id range a hex prefix covers, so an id search walks the primary key index."""
    digits = term.replace("-", "").lower()
    if not _HEX_PREFIX.match(digits):
        return None
    padding = 32 - len(digits)
    return digits + "0" * padding, digits + "f" * padding


class TaskFilter(filters.FilterSet):  # type: ignore[misc]  # (django-filter has no types)
    status = filters.ChoiceFilter(choices=[(s.value, s.value) for s in TaskStatus])
    priority = filters.ChoiceFilter(
        choices=[(name, name) for name in PRIORITY_BY_NAME],
        method="filter_priority",
        help_text="A priority band: critical (100), high (50..99), normal (-49..49), low (..-50).",
    )
    queue_name = filters.CharFilter(max_length=100)
    task_name = filters.CharFilter(max_length=200)
    schedule_name = filters.CharFilter(
        max_length=200, help_text="The tasks a schedule made (its ticks and its runs now)."
    )
    search = filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="An id prefix, or text in the task name or the error message.",
    )
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    ordering = filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS],
        method="filter_ordering",
        help_text="Default -created_at.",
    )

    class Meta:
        model = Task
        fields = ()

    def filter_priority(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.filter(priority_band(value))

    def filter_search(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        term = str(value).strip()
        if not term:
            return queryset
        # Names are matched first, among the few distinct ones, so that the rows are found
        # through the task-name index (there is no trigram index on the name).
        condition = Q(error_message__icontains=term)
        names = task_names_containing(term)
        if names:
            condition |= Q(task_name__in=names)
        id_range = uuid_prefix_range(term)
        if id_range is not None:
            condition |= Q(id__gte=id_range[0], id__lte=id_range[1])
        return queryset.filter(condition)

    def filter_ordering(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.order_by(*ORDERINGS[value])

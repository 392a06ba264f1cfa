"""The Django admin for schedules: browse their clocks, pause, resume or run them now.

A schedule's definition lives in code or settings; its row is its state, changed only through
the actions (schedules/control.py), as the API changes it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from django_task_queue.api.permissions import WRITE_PERMISSION
from django_task_queue.exceptions import TaskQueueError
from django_task_queue.models import Schedule
from django_task_queue.schedules import control


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    list_display = (
        "name",
        "task_name",
        "cron",
        "every_s",
        "timezone",
        "enabled",
        "next_tick_at",
        "last_tick_at",
        "last_lag_s",
        "skipped_ticks",
    )
    list_filter = ("enabled", "catch_up")
    search_fields = ("name", "task_name")
    actions = ("pause_selected", "resume_selected", "run_selected_now")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_write_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(WRITE_PERMISSION))

    @admin.action(description="Pause selected schedules", permissions=["write"])
    def pause_selected(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        self._each(request, queryset, control.pause, "paused")

    @admin.action(description="Resume selected schedules", permissions=["write"])
    def resume_selected(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        self._each(request, queryset, control.resume, "resumed")

    @admin.action(description="Run selected schedules now", permissions=["write"])
    def run_selected_now(self, request: HttpRequest, queryset: QuerySet[Schedule]) -> None:
        self._each(request, queryset, control.run_now, "run now")

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Schedule], action: Any, done: str
    ) -> None:
        names = list(queryset.values_list("name", flat=True))
        refused = []
        for name in names:
            try:
                action(name)
            except TaskQueueError as exc:
                refused.append(str(exc))
        self.message_user(request, f"{len(names) - len(refused)} schedule(s) {done}.")
        if refused:
            self.message_user(request, "; ".join(refused), messages.WARNING)

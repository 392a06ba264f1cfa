"""The Django admin for paused queues: the list of them, and resuming them. (Queues are paused
from the task list, by the queues of the selected tasks: admin/tasks.py.)"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from django_task_queue.api.permissions import WRITE_PERMISSION
from django_task_queue.flow_control.pausing import resume_queue
from django_task_queue.models import PausedQueue


@admin.register(PausedQueue)
class PausedQueueAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    list_display = ("queue_name", "paused_at")
    actions = ("resume_selected",)

    # A pause is written through pausing.py, which also tells Redis, never as a bare row.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_write_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(WRITE_PERMISSION))

    @admin.action(description="Resume selected queues", permissions=["write"])
    def resume_selected(self, request: HttpRequest, queryset: QuerySet[PausedQueue]) -> None:
        resume_queues(request, self, sorted(queryset.values_list("queue_name", flat=True)))


def resume_queues(
    request: HttpRequest,
    model_admin: admin.ModelAdmin,  # type: ignore[type-arg]  # generic in the stubs only
    names: list[str],
) -> None:
    """Resume each queue and say which."""
    for name in names:
        resume_queue(name)
    model_admin.message_user(request, f"Resumed: {', '.join(names)}.", messages.SUCCESS)

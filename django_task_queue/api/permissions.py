"""Who may call the API: anyone while TASK_QUEUE["API_OPEN"], else users; writes need add_task."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from django_task_queue.conf import get_settings

WRITE_PERMISSION = "django_task_queue.add_task"


def can_write(request: Request) -> bool:
    """Whether this request may create, retry and cancel tasks."""
    if get_settings().API_OPEN:
        return True
    return bool(request.user and request.user.has_perm(WRITE_PERMISSION))


class TaskQueuePermission(BasePermission):
    """Reading needs an authenticated user, writing the add_task permission (unless API_OPEN)."""

    message = "You do not have permission to perform this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        if get_settings().API_OPEN:
            return True
        if request.method in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return can_write(request)

"""Every other path under /api/: a 404 in the envelope instead of Django's HTML page."""

from __future__ import annotations

from typing import Any

from django.urls import Resolver404, resolve
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from django_task_queue.api.views.base import ApiView


@extend_schema(exclude=True)
class NotFoundView(ApiView):
    permission_classes = [AllowAny]  # noqa: RUF012  (a 404 reveals nothing worth guarding)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound(_hint(request.path))


def _hint(path: str) -> str:
    if not path.endswith("/"):
        try:
            match = resolve(f"{path}/")
        except Resolver404:
            match = None
        if match is not None and getattr(match.func, "view_class", None) is not NotFoundView:
            return f"Not found. Did you mean {path}/ (with the trailing slash)?"
    return "Not found."

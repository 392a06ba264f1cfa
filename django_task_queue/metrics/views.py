"""GET /metrics: Prometheus text exposition, behind the API's permission rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from django_task_queue.broker.client import get_broker
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.metrics.exposition import CONTENT_TYPE, render
from django_task_queue.monitoring.scrape import collect


class MetricsPermission(BasePermission):
    """Open with API_OPEN or METRICS_OPEN; otherwise a staff user, or any user with a token."""

    def has_permission(self, request: Request, view: Any) -> bool:
        conf = get_settings()
        if conf.API_OPEN or conf.METRICS_OPEN:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        # request.auth is the Token when TokenAuthentication identified the caller (a scraper).
        return bool(user.is_staff or request.auth is not None)


class _FirstRenderer(BaseContentNegotiation):
    """Scrapers send Accept headers DRF does not know; the metrics body ignores them anyway."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser:
        return next(iter(parsers))

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


@extend_schema(exclude=True)
class MetricsView(APIView):
    permission_classes = [MetricsPermission]  # noqa: RUF012  (DRF's declared class attribute)
    # Errors (401/403/405) still come as the API's JSON envelope.
    renderer_classes = [JSONRenderer]  # noqa: RUF012  (DRF's declared class attribute)
    content_negotiation_class = _FirstRenderer

    def get(self, request: Request) -> HttpResponse:
        try:
            body = render(collect(get_broker()))
        except BrokerUnavailableError as exc:
            # A failed scrape (up == 0) is how Prometheus learns the queue is unobservable.
            return HttpResponse(
                f"# Redis is unreachable: {exc}\n", status=503, content_type=CONTENT_TYPE
            )
        return HttpResponse(body, content_type=CONTENT_TYPE)


metrics_view = MetricsView.as_view()

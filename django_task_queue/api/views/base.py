"""What every API view shares: the bounded JSON parser and the success envelope."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from django_task_queue.api.negotiation import JsonFirstNegotiation
from django_task_queue.api.parsers import BoundedJSONParser
from django_task_queue.api.serializers.envelope import ErrorEnvelopeSerializer

# Error answers every endpoint may give, for the schema.
COMMON_ERRORS: dict[int, Any] = {
    401: ErrorEnvelopeSerializer,
    403: ErrorEnvelopeSerializer,
    503: ErrorEnvelopeSerializer,
}
BODY_ERRORS: dict[int, Any] = {
    400: ErrorEnvelopeSerializer,
    413: ErrorEnvelopeSerializer,
    415: ErrorEnvelopeSerializer,
}


def ok(data: Any, status_code: int = status.HTTP_200_OK) -> Response:
    return Response({"success": True, "data": data}, status=status_code)


class ApiView(APIView):
    parser_classes = [BoundedJSONParser]  # noqa: RUF012  (DRF's declared class attribute)
    content_negotiation_class = JsonFirstNegotiation

"""Content negotiation: DRF's, with its answer for JSON clients given without parsing Accept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

JSON = "application/json"
# The Accept headers DRF answers with the first renderer's media type, when that one is JSON.
# An empty header is not among them: DRF answers it 406.
_ANY_OR_JSON = frozenset({None, "*/*", JSON})


class JsonFirstNegotiation(DefaultContentNegotiation):
    """DRF's negotiation; a JSON client (no Accept, */*, application/json) skips the parsing."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        meta: dict[str, Any] = request.META
        if (
            format_suffix is None
            and not meta.get("QUERY_STRING")  # so no ?format=
            and meta.get("HTTP_ACCEPT") in _ANY_OR_JSON
            and renderers
            and renderers[0].media_type == JSON
        ):
            return renderers[0], JSON
        chosen: tuple[BaseRenderer, str] = super().select_renderer(
            request, renderers, format_suffix
        )
        return chosen

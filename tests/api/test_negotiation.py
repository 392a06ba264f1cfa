"""The API's content negotiation answers every request as DRF's own does."""

from __future__ import annotations

import pytest
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from django_task_queue.api.negotiation import JsonFirstNegotiation

ACCEPTS = [
    None,
    "",
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/*",
    "image/png",
]
QUERIES = ["", "format=json", "format=api", "format=xml", "page=2"]
RENDERER_LISTS = [
    [JSONRenderer(), BrowsableAPIRenderer()],
    [BrowsableAPIRenderer(), JSONRenderer()],
    [JSONRenderer()],
]


def _answer(
    negotiation: DefaultContentNegotiation, request: Request, renderers: list[BaseRenderer]
) -> object:
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except Exception as exc:  # noqa: BLE001  (the refusal itself is part of the answer)
        return type(exc)
    return type(renderer), media_type


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("renderers", RENDERER_LISTS)
def test_every_accept_header_and_format_gets_drfs_answer(
    accept: str | None, query: str, renderers: list[BaseRenderer]
) -> None:
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().post(f"/api/tasks/?{query}", **headers))

    assert _answer(JsonFirstNegotiation(), request, renderers) == _answer(
        DefaultContentNegotiation(), request, renderers
    )

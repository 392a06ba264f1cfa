"""GET /api/events/: every task's state changes as server-sent events, live.

The stream is an async view (ASGI: an open stream costs no thread). Its authentication,
permissions and query-string checks are the API's own, run by a DRF view first (EventsGate), so
a refused or bad request answers in the usual envelope. Then the client gets, from this
process's EventHub (broker/event_reads.py), each event that passes its filters:

    id: <entry id>.<index>.<queue>      (send it back as Last-Event-ID to resume)
    event: task
    data: {"type", "task_id", "task_name", "queue_name", "status", "attempt", "priority", "at"}

`event: reset` says that events since the Last-Event-ID were trimmed away, so the client should
refetch from the REST API; a comment every HEARTBEAT_S keeps proxies from closing an idle stream.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from django_task_queue.api.views.base import ApiView, ok
from django_task_queue.broker.event_reads import EventHub, Position, StreamEvent, entry_key
from django_task_queue.broker.keys import KeySpace
from django_task_queue.conf import get_settings
from django_task_queue.states import TaskStatus
from django_task_queue.timeutil import from_ms, iso

HEARTBEAT_S = 15.0
_hubs: dict[tuple[str, str], EventHub] = {}


class EventFilterSerializer(serializers.Serializer[object]):
    queue = serializers.CharField(required=False, max_length=100)
    task_name = serializers.CharField(required=False, max_length=200)
    task_id = serializers.UUIDField(required=False, format="hex_verbose")
    status = serializers.ChoiceField(required=False, choices=[s.value for s in TaskStatus])
    last_event_id = serializers.CharField(required=False, max_length=300)


class EventsGate(ApiView):
    """The API's authentication, permissions and checks for a stream about to open."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A stream's client accepts text/event-stream, which no renderer of the API writes: a
        # refusal still answers in the JSON envelope rather than 406.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request: Request) -> Response:
        params = EventFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = {key: str(value) for key, value in params.validated_data.items()}
        return ok(filters)


_gate = EventsGate.as_view()


async def events(request: HttpRequest) -> HttpResponseBase:
    answer: Any = await sync_to_async(_gate)(request)
    if answer.status_code != 200:
        return answer  # type: ignore[no-any-return]
    filters: dict[str, str] = dict(answer.data["data"])
    resume = filters.pop("last_event_id", None) or request.headers.get("Last-Event-ID")
    position = Position.parse(resume) if resume else None
    response = StreamingHttpResponse(
        _stream(_hub(), filters, position), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _hub() -> EventHub:
    conf = get_settings()
    where = (conf.REDIS_URL, conf.KEY_PREFIX)
    if where not in _hubs:
        _hubs[where] = EventHub(
            conf.REDIS_URL, KeySpace(conf.KEY_PREFIX, cluster=conf.REDIS_CLUSTER)
        )
    return _hubs[where]


async def _stream(
    hub: EventHub, filters: dict[str, str], position: Position | None
) -> AsyncIterator[str]:
    queue = hub.subscribe()  # before the backlog is read, so that nothing falls between
    delivered: dict[str, tuple[int, int, int]] = {}
    try:
        yield "retry: 2000\n\n"
        if position is not None:
            backlog, too_old = await _backlog(hub, position)
            if too_old:
                yield _reset()
            for event in backlog:
                if _new(event, delivered) and _matches(event, filters):
                    yield _message(event)
        while True:
            try:
                async with asyncio.timeout(HEARTBEAT_S):
                    live = await queue.get()
            except TimeoutError:
                yield ": heartbeat\n\n"
                continue
            if live is None:  # Redis is gone: the client reconnects, or falls back
                return
            if _new(live, delivered) and _matches(live, filters):
                yield _message(live)
    finally:
        hub.unsubscribe(queue)


async def _backlog(hub: EventHub, position: Position) -> tuple[list[StreamEvent], bool]:
    """The events after `position` the streams still hold, and whether some were trimmed."""
    names = await hub.queue_names()
    start = dict.fromkeys(names, f"{position.ms}-0")
    start[position.queue_name] = position.entry_id
    too_old = False
    oldest = await hub.oldest_entry_id(position.queue_name)
    if oldest is None or entry_key(oldest) > entry_key(position.entry_id):
        too_old = True  # the entry the client last saw is gone
    backlog = [
        event
        for event in await hub.backlog(start)
        if not (
            event.queue_name == position.queue_name
            and _order(event) <= (*entry_key(position.entry_id), position.index)
        )
    ]
    return backlog, too_old


def _order(event: StreamEvent) -> tuple[int, int, int]:
    entry_id, index, _ = event.id.split(".", 2)
    return (*entry_key(entry_id), int(index))


def _new(event: StreamEvent, delivered: dict[str, tuple[int, int, int]]) -> bool:
    order = _order(event)
    if order <= delivered.get(event.queue_name, (-1, -1, -1)):
        return False
    delivered[event.queue_name] = order
    return True


def _matches(event: StreamEvent, filters: dict[str, str]) -> bool:
    return (
        filters.get("queue", event.queue_name) == event.queue_name
        and filters.get("task_name", event.task_name) == event.task_name
        and filters.get("task_id", event.task_id) == event.task_id
        and filters.get("status", event.status) == event.status
    )


def _message(event: StreamEvent) -> str:
    data = event.as_json()
    data["at"] = iso(from_ms(data.pop("at_ms")))
    return f"id: {event.id}\nevent: task\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def _reset() -> str:
    data = {
        "reason": "too_old",
        "message": "events since Last-Event-ID are no longer kept: refetch from the REST API",
    }
    return f"event: reset\ndata: {json.dumps(data)}\n\n"

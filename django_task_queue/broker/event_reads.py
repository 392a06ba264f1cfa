"""Reading the task event streams (events.py): `tail_tasks` reads them in a loop; GET
/api/events/ through one EventHub per server process, which reads every queue's stream once and
hands each event to every subscriber.

An event's id is `<stream entry id>.<index in the entry>.<queue>`: the ids of one queue sort by
time, and those of different queues by their entry ids' milliseconds, one Redis clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import redis
import redis.asyncio
from redis.cluster import RedisCluster

from django_task_queue.broker import cluster
from django_task_queue.broker.connection import connect_async, is_cluster
from django_task_queue.broker.events import TaskEvent
from django_task_queue.broker.keys import KeySpace
from django_task_queue.broker.translate import text as _text
from django_task_queue.broker.translate import translated as _translated

logger = logging.getLogger(__name__)

READ_BLOCK_MS = 5_000
BACKLOG_MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class StreamEvent(TaskEvent):
    """A task event as read from its queue's stream: with its id there (`entry.index.queue`,
    the SSE id) and the time it was recorded."""

    id: str
    at_ms: int

    def as_json(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in _TASK_EVENT_FIELDS},
            "at_ms": self.at_ms,
        }


_TASK_EVENT_FIELDS = tuple(field.name for field in dataclasses.fields(TaskEvent))


@dataclass(frozen=True, slots=True)
class Position:
    """Where a reader stands: after event `index` of entry `entry_id` of `queue_name`."""

    entry_id: str
    index: int
    queue_name: str

    @classmethod
    def parse(cls, event_id: str) -> Position | None:
        try:
            entry_id, index, queue_name = event_id.split(".", 2)
            ms, seq = entry_id.split("-")
            int(ms), int(seq)
            return cls(entry_id, int(index), queue_name)
        except ValueError:
            return None

    @property
    def ms(self) -> int:
        return int(self.entry_id.split("-")[0])


def entry_events(
    queue_name: str, entry_id: Any, fields: Mapping[Any, Any]
) -> Iterator[StreamEvent]:
    """The events of one stream entry, in order."""
    entry = _text(entry_id)
    raw = fields.get(b"e", fields.get("e"))
    for index, row in enumerate(json.loads(_text(raw)) if raw is not None else ()):
        kind, task_id, task_name, status, attempt, priority, at_ms = row
        yield StreamEvent(
            kind, task_id, task_name, queue_name, status, int(attempt), int(priority),
            id=f"{entry}.{index}.{queue_name}", at_ms=int(at_ms),
        )  # fmt: skip


def answer_events(
    answer: Any, name_by_key: Mapping[str, str], positions: dict[str, str] | None = None
) -> list[StreamEvent]:
    """The events of an XREAD (or XRANGE, as [(key, entries)]) answer, oldest first; each
    queue's last entry id goes into `positions` when given."""
    found: list[StreamEvent] = []
    for key, entries in answer or ():
        name = name_by_key[_text(key)]
        for entry_id, fields in entries:
            found += entry_events(name, entry_id, fields)
            if positions is not None:
                positions[name] = _text(entry_id)
    return sorted(found, key=lambda e: entry_key(e.id.split(".")[0]))


def entry_key(entry_id: str) -> tuple[int, int]:
    ms, seq = entry_id.split("-")
    return int(ms), int(seq)


class EventReads:
    """Synchronous reads of the streams (a terminal's tail); mixed into the Broker."""

    client: redis.Redis
    keys: KeySpace
    _on_cluster: bool

    def latest_event_ids(self, queue_names: Sequence[str]) -> dict[str, str]:
        """Each queue's last entry id (`0-0` for a stream with none yet): reading after them
        gives only what comes next."""
        with _translated():
            pipe = self.client.pipeline(transaction=False)
            for name in queue_names:
                pipe.xrevrange(self.keys.queue(name).events, count=1)
            found = pipe.execute()
        return {
            name: _text(last[0][0]) if last else "0-0"
            for name, last in zip(queue_names, found, strict=True)
        }

    def read_events(self, after: Mapping[str, str], block_ms: int | None) -> list[StreamEvent]:
        """The events after each queue's entry id, waiting up to `block_ms` for the first (None:
        not at all)."""
        streams: dict[Any, Any] = {
            self.keys.queue(name).events: entry for name, entry in after.items()
        }
        by_key = {self.keys.queue(name).events: name for name in after}
        groups = cluster.by_slot(list(streams)) if self._on_cluster else [list(streams)]
        answer: Any
        with _translated():
            if len(groups) == 1:
                answer = self.client.xread(streams, block=block_ms)
            elif block_ms is None:
                answer = [
                    found
                    for keys in groups
                    for found in self.client.xread({key: streams[key] for key in keys}) or ()
                ]
            else:
                # Streams on several cluster slots: an XREAD on each at once (cluster.py).
                answers = cluster.block_on_each(
                    cast("RedisCluster", self.client),
                    groups,
                    lambda node, keys: node.xread(
                        {key: streams[key] for key in keys}, block=block_ms
                    ),
                )
                for ended in answers:
                    if ended.error is not None:
                        raise ended.error
                answer = [found for ended in answers for found in ended.value or ()]
        return answer_events(answer, by_key)


class EventHub:
    """One per server process: reads every queue's stream and hands each event to the queues
    of the subscribers (asyncio), so that a thousand open streams cost one Redis reader."""

    def __init__(self, url: str, keys: KeySpace) -> None:
        self.client = connect_async(url)
        self.keys = keys
        self.subscribers: set[asyncio.Queue[StreamEvent | None]] = set()
        self._reader: asyncio.Task[None] | None = None
        self.positions: dict[str, str] = {}
        self._started_ms = 0
        self._positioned = False

    def subscribe(self) -> asyncio.Queue[StreamEvent | None]:
        queue: asyncio.Queue[StreamEvent | None] = asyncio.Queue(maxsize=10_000)
        self.subscribers.add(queue)
        if self._reader is None or self._reader.done():
            # Taken now, not at the reader's first answer: an event written meanwhile (a cluster
            # client's first command maps the slots first) is live, not history.
            self._started_ms = int(time.time() * 1000)
            self._positioned = False
            self._reader = asyncio.get_running_loop().create_task(self._read_forever())
        return queue

    def unsubscribe(self, queue: asyncio.Queue[StreamEvent | None]) -> None:
        self.subscribers.discard(queue)

    async def queue_names(self) -> list[str]:
        return sorted(_text(name) for name in await self.client.smembers(self.keys.queues))

    async def oldest_entry_id(self, queue_name: str) -> str | None:
        first = await self.client.xrange(self.keys.queue(queue_name).events, count=1)
        return _text(first[0][0]) if first else None

    async def backlog(self, start: Mapping[str, str]) -> list[StreamEvent]:
        """The events from each queue's entry id on (inclusive), oldest first."""
        answer: list[Any] = []
        by_key: dict[str, str] = {}
        for name, entry in start.items():
            key = self.keys.queue(name).events
            by_key[key] = name
            answer.append(
                (key, await self.client.xrange(key, min=entry, count=BACKLOG_MAX_ENTRIES))
            )
        return answer_events(answer, by_key)

    async def _read_forever(self) -> None:
        while self.subscribers:
            try:
                await self._read_once()
            except Exception as exc:
                # Redis is down (or a bug of ours): every subscriber's stream ends, and its
                # client reconnects, or falls back to polling.
                if not isinstance(exc, redis.RedisError | OSError):
                    logger.exception("the task event reader failed")
                for queue in list(self.subscribers):
                    with contextlib.suppress(asyncio.QueueFull):
                        queue.put_nowait(None)
                self.subscribers.clear()
                self.positions.clear()
                return

    async def _read_once(self) -> None:
        names = await self.queue_names()
        new = [name for name in names if name not in self.positions]
        if not self._positioned:
            # Starting: what each stream held at the start is history (the subscribers'
            # backlogs), what came after it is live.
            self._positioned = True
            start = f"{self._started_ms}-0"
            pipe = self.client.pipeline(transaction=False)
            for name in new:
                pipe.xrevrange(self.keys.queue(name).events, count=1)
            for name, last in zip(new, await pipe.execute(), strict=True):
                last_id = _text(last[0][0]) if last else start
                self.positions[name] = min(last_id, start, key=entry_key)
        else:
            # A queue first seen since: its stream began after the start.
            self.positions.update(dict.fromkeys(new, f"{self._started_ms}-0"))
        if not self.positions:
            await asyncio.sleep(0.2)
            return
        streams: dict[Any, Any] = {
            self.keys.queue(name).events: entry for name, entry in self.positions.items()
        }
        by_key = {self.keys.queue(name).events: name for name in self.positions}
        answer = await self._read(streams)
        found = answer_events(answer, by_key, self.positions)
        for event in found:
            for queue in list(self.subscribers):
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:  # a client that does not read: its stream ends
                    self.subscribers.discard(queue)
                    queue.get_nowait()
                    queue.put_nowait(None)

    async def _read(self, streams: dict[Any, Any]) -> Any:
        """XREAD, blocking; on a cluster, one per slot at once, until the first answers: the
        others are cancelled (their events are read next time: XREAD takes nothing away)."""
        groups = cluster.by_slot(list(streams)) if is_cluster(self.client) else [list(streams)]
        if len(groups) == 1:
            return await self.client.xread(streams, block=READ_BLOCK_MS)
        reads = [
            asyncio.ensure_future(
                self.client.xread({key: streams[key] for key in keys}, block=READ_BLOCK_MS)
            )
            for keys in groups
        ]
        try:
            done, _ = await asyncio.wait(reads, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for read in reads:
                read.cancel()
        return [found for read in done for found in read.result() or ()]

"""The broker: named operations over Redis, each one script or one round trip."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import redis
from redis.client import Pipeline
from redis.cluster import RedisCluster
from redis.commands.core import Script

from django_task_queue.broker import cluster, events
from django_task_queue.broker.announcements import Announcements
from django_task_queue.broker.batches import chunks
from django_task_queue.broker.connection import connect, is_cluster
from django_task_queue.broker.event_reads import EventReads
from django_task_queue.broker.index_reads import IndexReads
from django_task_queue.broker.keys import KeySpace, QueueKeys
from django_task_queue.broker.lease_upkeep import LeaseUpkeep
from django_task_queue.broker.limits import ConcurrencyLimits, LimitTag
from django_task_queue.broker.pauses import QueuePauses
from django_task_queue.broker.registry import RunningRecord, WorkerRecord, WorkerRegistry
from django_task_queue.broker.script_pipeline import ScriptPipeline
from django_task_queue.broker.translate import text as _text
from django_task_queue.broker.translate import translated as _translated
from django_task_queue.broker.upkeep import Upkeep
from django_task_queue.conf import get_settings

__all__ = [
    "Broker",
    "Claim",
    "LimitTag",
    "PushEntry",
    "RunningRecord",
    "WorkerRecord",
    "get_broker",
    "reset_broker",
]

_SCRIPTS_DIR = Path(__file__).parent / "scripts"


@dataclass(frozen=True)
class PushEntry:
    task_id: str
    score: int
    due_ms: int


@dataclass(frozen=True)
class Claim:
    task_id: str
    queue_name: str
    token: str
    score: int


# The shortest blocking wait asked of Redis.
MIN_BLOCK_S = 0.01


class Broker(
    Upkeep, WorkerRegistry, LeaseUpkeep, IndexReads, EventReads, QueuePauses, ConcurrencyLimits
):
    """Redis operations of the queue; every multi-key change is one Lua script."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.keys = KeySpace(prefix, cluster=is_cluster(client))
        self._scripts: dict[str, Script] = {
            path.stem: client.register_script(path.read_text())
            for path in _SCRIPTS_DIR.glob("*.lua")
        }
        self._known_queues: set[str] = set()
        # Calls that made tasks waiting; a worker re-checks for a better task when it changes.
        self.pushes = 0
        # Leases of outcomes already in PostgreSQL, dropped with the next claim's round trip.
        self._acks_due: list[Claim] = []
        self._announcements = Announcements(client)
        self._on_cluster = is_cluster(client)
        self.rate_wait_until_ms: int | None = None  # set by claim()

    @classmethod
    def from_url(cls, url: str, prefix: str, *, socket_timeout_s: float = 30.0) -> Broker:
        return cls(connect(url, socket_timeout_s=socket_timeout_s), prefix)

    @staticmethod
    def _waiting_keys(q: QueueKeys) -> list[str]:
        return [q.ready, q.delayed, q.delayed_scores, q.leases, q.owners, q.notify, q.better]

    # -- producers -------------------------------------------------------------------------

    def push(self, queue_name: str, entries: Sequence[PushEntry], now_ms: int) -> int:
        """Make tasks waiting (ready when due, else delayed); returns how many are ready now."""
        self._remember_queue(queue_name)
        self.pushes += 1
        q = self.keys.queue(queue_name)
        ready = 0
        for chunk in chunks(entries):
            args: list[Any] = [now_ms]
            for entry in chunk:
                args += [entry.task_id, entry.score, entry.due_ms]
            ready += int(self._run("push", [*self._waiting_keys(q), q.fair_scores], args))
        return ready

    def push_all(
        self,
        entries: Mapping[str, Sequence[PushEntry]],
        now_ms: int,
        *,
        also: Callable[[Pipeline], None] | None = None,
        tags: Mapping[str, Sequence[LimitTag]] | None = None,
    ) -> None:
        """Push to several queues, plus whatever `also` queues, in one round trip; `tags` puts
        tasks under their concurrency limits first."""
        for queue_name, queue_tags in (tags or {}).items():
            self.tag(queue_name, queue_tags)  # first, and on its own: see ConcurrencyLimits.tag
        new_queues = [name for name in entries if name not in self._known_queues]
        self.pushes += 1
        with _translated():
            batch = ScriptPipeline(self.client, self._scripts)
            if new_queues:
                batch.pipe.sadd(self.keys.queues, *new_queues)
            for queue_name, queue_entries in entries.items():
                q = self.keys.queue(queue_name)
                keys = [*self._waiting_keys(q), q.fair_scores]
                for chunk in chunks(queue_entries):
                    args: list[Any] = [now_ms]
                    for entry in chunk:
                        args += [entry.task_id, entry.score, entry.due_ms]
                    batch.script("push", keys, args)
            if also is not None:
                also(batch.pipe)
            events.stage(batch.pipe, self.keys, get_settings().EVENTS_MAX_ENTRIES)
            batch.execute()
        self._known_queues.update(new_queues)

    def flush_events(self) -> None:
        """Write this process's buffered task events now (see events.py)."""
        with events.flushing(), _translated():
            pipe = self.client.pipeline(transaction=False)
            events.stage(pipe, self.keys, get_settings().EVENTS_MAX_ENTRIES)
            if len(pipe):
                pipe.execute()

    def remove(self, queue_name: str, task_ids: Sequence[str]) -> int:
        q = self.keys.queue(queue_name)
        return sum(
            int(
                self._run(
                    "remove",
                    [q.ready, q.delayed, q.delayed_scores, q.limit_of, q.fair_scores],
                    list(chunk),
                )
            )
            for chunk in chunks(task_ids)
        )

    def absent(self, queue_name: str, task_ids: Sequence[str], now_ms: int) -> list[str]:
        """The ids this queue's index lacks (not ready, not delayed, no live lease)."""
        q = self.keys.queue(queue_name)
        missing: list[str] = []
        for chunk in chunks(task_ids):
            found = self._run("absent", [q.ready, q.delayed, q.leases], [now_ms, *chunk])
            missing += [_text(task_id) for task_id in found]
        return missing

    def reconcile(self, queue_name: str, entries: Sequence[PushEntry], now_ms: int) -> int:
        """Re-push the entries this queue's index lacks; returns how many were missing."""
        self._remember_queue(queue_name)
        q = self.keys.queue(queue_name)
        pushed = 0
        for chunk in chunks(entries):
            args: list[Any] = [now_ms]
            for entry in chunk:
                args += [entry.task_id, entry.score, entry.due_ms]
            pushed += int(self._run("reconcile", self._waiting_keys(q), args))
        return pushed

    # -- workers ---------------------------------------------------------------------------

    def claim(
        self, queue_names: Iterable[str], token: str, now_ms: int, lease_ms: int, count: int = 1
    ) -> list[Claim]:
        """Lease up to `count` best ready tasks of the first queue (in order) that has any.

        Leases handed to `ack_later` are dropped in the same round trip as the first queue's
        claim. When nothing could start because of rate limits only, `rate_wait_until_ms` says
        when one may (None otherwise): no wake-up token comes then."""
        self.rate_wait_until_ms = None
        for queue_name in queue_names:
            q = self.keys.queue(queue_name)
            keys = [
                *(q.ready, q.leases, q.owners, q.notify, q.paused),
                *(q.limit_of, q.limits, q.limit_holders, q.rates, q.rate_next, q.fair_clock),
                q.queue_limits,
            ]
            args = [now_ms, lease_ms, token, count]
            if self._acks_due:
                acks, self._acks_due = self._acks_due, []
                with _translated():
                    batch = ScriptPipeline(self.client, self._scripts)
                    for ack_keys, ack_args in self._ack_calls(acks):
                        batch.script("ack", ack_keys, ack_args)
                    batch.script("claim", keys, args)
                    popped = batch.execute()[-1]
            else:
                popped = self._run("claim", keys, args)
            if popped and _text(popped[0]) == "":
                at_ms = int(float(popped[1]))
                self.rate_wait_until_ms = min(self.rate_wait_until_ms or at_ms, at_ms)
            elif popped:
                return [
                    Claim(_text(popped[i]), queue_name, token, int(float(popped[i + 1])))
                    for i in range(0, len(popped), 2)
                ]
        return []

    def best_ready_score(self, queue_names: Sequence[str], queue_name: str) -> float:
        """The score a task of `queue_name` must beat to run before every ready task: -inf when
        an earlier queue (in `queue_names`' order) has one, +inf when nothing is ready. One
        round trip."""
        names = list(queue_names)
        earlier = names[: names.index(queue_name)]
        ready = self.keys.queue(queue_name).ready
        with _translated():
            if not earlier:
                # The common case, one queue: a plain command costs less than a pipeline.
                head = self.client.zrange(ready, 0, 0, withscores=True)
                return float(head[0][1]) if head else float("inf")
            pipe = self.client.pipeline(transaction=False)
            for name in earlier:
                pipe.zcard(self.keys.queue(name).ready)
                pipe.exists(self.keys.queue(name).paused)
            pipe.zrange(ready, 0, 0, withscores=True)
            *counts, head = pipe.execute()
        # A paused queue's ready tasks rank ahead of none: no worker may start them.
        if any(
            ready and not paused for ready, paused in zip(counts[::2], counts[1::2], strict=True)
        ):
            return float("-inf")
        return float(head[0][1]) if head else float("inf")

    def listen_for_better(self, queue_names: Sequence[str]) -> None:
        """Subscribe to the announcements of tasks becoming their queue's best ready one, and
        forget what was heard so far (see announcements.py)."""
        self._announcements.listen([self.keys.queue(name).better for name in queue_names])
        self._announcements.heard()

    def heard_of_better(self) -> bool | None:
        """Whether such an announcement arrived since the last call; None when not listening.
        No round trip."""
        return self._announcements.heard()

    def keep_announcements_drained(self) -> None:
        """Read what arrived, for the next `heard_of_better` (a heartbeat, while a task runs)."""
        self._announcements.keep_drained()

    def stop_listening(self) -> None:
        self._announcements.close()

    def wait_for_work(self, queue_names: Sequence[str], timeout_s: float) -> bool:
        """Block until a wake-up token arrives on one of the queues, or the timeout passes."""
        self.flush_acks()
        # Redis 6.2 can read a timeout under a millisecond as 0, which blocks for ever.
        timeout_s = max(timeout_s, MIN_BLOCK_S)
        notify_keys = [self.keys.queue(name).notify for name in queue_names]
        with _translated():
            groups = cluster.by_slot(notify_keys) if self._on_cluster else [notify_keys]
            if len(groups) > 1:
                return cluster.first_token(cast("RedisCluster", self.client), groups, timeout_s)
            return self.client.blpop(notify_keys, timeout=timeout_s) is not None

    def ack(self, claims: Sequence[Claim]) -> int:
        """Drop the claims' leases where they still hold them; one call per queue."""
        return sum(int(self._run("ack", keys, args)) for keys, args in self._ack_calls(claims))

    def ack_later(self, claims: Sequence[Claim]) -> None:
        """Drop these leases with the next `claim` (or `flush_acks`): their outcomes are in
        PostgreSQL already, so until then they only hold an entry no sweep will act on."""
        self._acks_due.extend(claims)

    def flush_acks(self) -> None:
        """Drop now the leases `ack_later` kept (before idling or exiting)."""
        acks, self._acks_due = self._acks_due, []
        if acks:
            self.ack(acks)

    def _ack_calls(self, claims: Sequence[Claim]) -> Iterator[tuple[list[str], list[Any]]]:
        for queue_name, queue_claims in _by_queue(claims).items():
            q = self.keys.queue(queue_name)
            args: list[Any] = []
            for claim in queue_claims:
                args += [claim.task_id, claim.token]
            yield (
                [
                    *(q.leases, q.owners, q.limit_of, q.limit_holders, q.fair_scores),
                    *(q.notify, q.ready, q.queue_limits),
                ],
                args,
            )

    def extend(self, claims: Sequence[Claim], deadline_ms: int) -> int:
        extended = 0
        for queue_name, queue_claims in _by_queue(claims).items():
            q = self.keys.queue(queue_name)
            args: list[Any] = [deadline_ms]
            for claim in queue_claims:
                args += [claim.task_id, claim.token]
            extended += int(self._run("extend", [q.leases, q.owners], args))
        return extended


def _by_queue(claims: Sequence[Claim]) -> dict[str, list[Claim]]:
    grouped: dict[str, list[Claim]] = {}
    for claim in claims:
        grouped.setdefault(claim.queue_name, []).append(claim)
    return grouped


_local = threading.local()


def get_broker() -> Broker:
    """This process's broker, built on first use (never at import time) and again after fork."""
    cached: Broker | None = getattr(_local, "broker", None)
    if cached is None or getattr(_local, "pid", None) != os.getpid():
        cached = _build()
        _local.broker = cached
        _local.pid = os.getpid()
    return cached


def reset_broker() -> None:
    """Forget this thread's broker (tests that change settings call this)."""
    cached: Broker | None = getattr(_local, "broker", None)
    if cached is not None:
        cached.stop_listening()
    _local.broker = None


def _build() -> Broker:
    from django_task_queue.conf import get_settings

    conf = get_settings()
    return Broker.from_url(conf.REDIS_URL, conf.KEY_PREFIX)

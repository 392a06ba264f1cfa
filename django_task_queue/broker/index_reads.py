"""What the read side asks of the dispatch index: queue depths, the ready ids, a ping."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import redis

from django_task_queue.broker.keys import KeySpace
from django_task_queue.broker.translate import text as _text
from django_task_queue.broker.translate import translated as _translated


@dataclass(frozen=True)
class QueueDepths:
    ready: int
    delayed: int
    processing: int


class IndexReads:
    """Read-only operations; mixed into the Broker, which owns the client and key space."""

    client: redis.Redis
    keys: KeySpace

    def depths(self, queue_names: Sequence[str]) -> dict[str, QueueDepths]:
        with _translated():
            pipe = self.client.pipeline(transaction=False)
            for name in queue_names:
                q = self.keys.queue(name)
                pipe.zcard(q.ready)
                pipe.zcard(q.delayed)
                pipe.zcard(q.leases)
            counts = pipe.execute()
        return {
            name: QueueDepths(*(int(c) for c in counts[i * 3 : i * 3 + 3]))
            for i, name in enumerate(queue_names)
        }

    def ready_ids(self, queue_name: str, limit: int) -> list[str]:
        with _translated():
            return [
                _text(i)
                for i in self.client.zrange(self.keys.queue(queue_name).ready, 0, limit - 1)
            ]

    def ping(self) -> bool:
        with _translated():
            return bool(self.client.ping())

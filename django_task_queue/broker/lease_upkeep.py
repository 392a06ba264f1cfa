"""Leases kept and dropped by id, for a supervisor whose PostgreSQL statement fenced the ids."""

from __future__ import annotations

from collections.abc import Sequence

import redis

from django_task_queue.broker.batches import chunks
from django_task_queue.broker.keys import KeySpace
from django_task_queue.broker.translate import translated as _translated


class LeaseUpkeep:
    """Lease operations by task id; mixed into the Broker, which owns the client and key space."""

    client: redis.Redis
    keys: KeySpace

    def extend_held(self, queue_name: str, task_ids: Sequence[str], deadline_ms: int) -> list[str]:
        """Move these leases' deadlines, whoever holds them (PostgreSQL has fenced the ids);
        returns the ids that had no lease to move."""
        q = self.keys.queue(queue_name)
        unheld: list[str] = []
        for chunk in chunks(task_ids):
            with _translated():
                pipe = self.client.pipeline(transaction=False)
                pipe.zmscore(q.leases, list(chunk))
                pipe.zadd(q.leases, dict.fromkeys(chunk, deadline_ms), xx=True)
                scores, _ = pipe.execute()
            unheld.extend(i for i, score in zip(chunk, scores, strict=True) if score is None)
        return unheld

    def forget_leases(self, queue_name: str, task_ids: Sequence[str]) -> None:
        """Drop these leases, whoever holds them: their tasks' outcomes are in PostgreSQL."""
        q = self.keys.queue(queue_name)
        for chunk in chunks(task_ids):
            with _translated():
                pipe = self.client.pipeline(transaction=False)
                pipe.zrem(q.leases, *chunk)
                pipe.hdel(q.owners, *chunk)
                pipe.execute()

"""Limits in the dispatch index: tagging a task with its limit group before it is pushed,
reading a group's concurrency slots held and next allowed start, and a queue's own limits
(claim.lua enforces them all)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django_task_queue.broker.batches import chunks
from django_task_queue.broker.script_pipeline import ScriptRunner
from django_task_queue.broker.translate import text as _text
from django_task_queue.broker.translate import translated as _translated


@dataclass(frozen=True)
class LimitTag:
    """A task under a limit: its id, its group, the group's concurrency (0: any) and the time
    between two of its starts (0: no rate limit)."""

    task_id: str
    group: str
    concurrency: int
    interval_ms: float
    # Fair share (a `limit_key` group): the task's ready score by PostgreSQL's seq, which the
    # tag replaces with one taken round-robin among the groups; 0 for no fair share.
    score: int = 0


class ConcurrencyLimits(ScriptRunner):
    """Mixed into the Broker."""

    def tag(self, queue_name: str, tags: Sequence[LimitTag]) -> None:
        """Put tasks under their limits; called before they are pushed (or pushed again).

        A call of its own, not a step of the push's pipeline: a script Redis has not loaded yet
        fails there and runs again after the pipeline (script_pipeline.py), which would be after
        the push had made the task ready without its limit."""
        q = self.keys.queue(queue_name)
        keys = [q.limit_of, q.limits, q.rates, q.fair_scores, q.fair_last, q.fair_clock]
        for chunk in chunks(tags):
            args: list[Any] = []
            for tag in chunk:
                args += [tag.task_id, tag.group, tag.concurrency, tag.interval_ms, tag.score]
            self._run("limit", keys, args)

    def concurrency_slots_held(self, queue_name: str, group: str, now_ms: int) -> int:
        """How many tasks of a limit group hold a concurrency slot now (their lease is live)."""
        q = self.keys.queue(queue_name)
        with _translated():
            holders = self.client.hgetall(q.limit_holders)
            ids = [_text(task_id) for task_id, held in holders.items() if _text(held) == group]
            if not ids:
                return 0
            deadlines = self.client.zmscore(q.leases, ids)
        return sum(1 for deadline in deadlines if deadline is not None and deadline >= now_ms)

    def next_start_ms(self, queue_name: str, group: str) -> float:
        """The earliest time (ms) a rate-limited group's next task may start."""
        with _translated():
            value = self.client.hget(self.keys.queue(queue_name).rate_next, group)
        return float(value) if value is not None else 0.0

    # -- a queue's own limits (TASK_QUEUE["QUEUES"]) -------------------------------------------

    def queue_limits(self, queue_names: Sequence[str]) -> dict[str, tuple[int, float]]:
        """The limits Redis holds for these queues: (concurrency, interval_ms), 0 for none;
        queues without any are left out."""
        with _translated():
            pipe = self.client.pipeline(transaction=False)
            for name in queue_names:
                pipe.hmget(self.keys.queue(name).queue_limits, "concurrency", "interval_ms")
            found = pipe.execute()
        return {
            name: (int(concurrency or 0), float(interval_ms or 0))
            for name, (concurrency, interval_ms) in zip(queue_names, found, strict=True)
            if concurrency is not None or interval_ms is not None
        }

    def set_queue_limits(self, queue_name: str, concurrency: int, interval_ms: float) -> None:
        """Put the queue under these limits (0: none of that kind); its next start is kept."""
        key = self.keys.queue(queue_name).queue_limits
        with _translated():
            # A known queue, so that the keeper drops its limits once the settings do.
            self.client.sadd(self.keys.queues, queue_name)
            pipe = self.client.pipeline(transaction=True)  # one key: one slot, on a cluster too
            pipe.hdel(key, "concurrency", "interval_ms")
            if concurrency:
                pipe.hset(key, "concurrency", concurrency)
            if interval_ms:
                pipe.hset(key, "interval_ms", interval_ms)
            else:
                pipe.hdel(key, "next_ms")
            pipe.execute()

    def drop_queue_limits(self, queue_name: str) -> None:
        with _translated():
            self.client.delete(self.keys.queue(queue_name).queue_limits)

    def running_in_queue(self, queue_name: str, now_ms: int) -> int:
        """Tasks of the queue running now, whoever runs them: those with a live lease."""
        with _translated():
            return int(self.client.zcount(self.keys.queue(queue_name).leases, now_ms, "+inf"))

    def queue_next_start_ms(self, queue_name: str) -> float:
        """The earliest time (ms) a rate-limited queue's next task may start."""
        with _translated():
            value = self.client.hget(self.keys.queue(queue_name).queue_limits, "next_ms")
        return float(value) if value is not None else 0.0

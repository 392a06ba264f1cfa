"""Limits in the dispatch index: tagging a task with its limit group before it is pushed, and
reading a group's concurrency slots held and next allowed start (claim.lua enforces them)."""

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

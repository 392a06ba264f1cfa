"""The maintenance loops' operations: promote due tasks, sweep old leases, the queue set."""

from __future__ import annotations

from django_task_queue.broker.batches import BATCH
from django_task_queue.broker.script_pipeline import ScriptRunner
from django_task_queue.broker.translate import text as _text
from django_task_queue.broker.translate import translated as _translated


class Upkeep(ScriptRunner):
    """Maintenance operations; mixed into the Broker."""

    _known_queues: set[str]
    _on_cluster: bool
    # On a cluster, the queues whose epoch marker this broker has seen or set (mark_built).
    _marked_queues: set[str] | None = None

    def promote(self, queue_name: str, now_ms: int, limit: int = BATCH) -> int:
        q = self.keys.queue(queue_name)
        keys = [q.delayed, q.delayed_scores, q.ready, q.notify, q.better]
        return int(self._run("promote", keys, [now_ms, limit]))

    def sweep_leases(self, queue_name: str, before_ms: int, limit: int = BATCH) -> int:
        q = self.keys.queue(queue_name)
        return int(self._run("sweep_leases", [q.leases, q.owners], [before_ms, limit]))

    def mark_built(self) -> bool:
        """Set the epoch marker; True when it was missing (a fresh or flushed Redis, or a
        cluster node that lost its data)."""
        if self._on_cluster:
            return self._mark_built_on_each_node()
        with _translated():
            return bool(self.client.set(self.keys.epoch, "1", nx=True))

    def _mark_built_on_each_node(self) -> bool:
        # One node can lose its data while the others keep theirs: each queue has a marker in
        # its own slot too. A missing one means a loss, unless the queue is new since this
        # broker's last look (nothing marks a queue when its first task is pushed).
        names = sorted(self.queue_names())
        with _translated():
            pipe = self.client.pipeline(transaction=False)
            pipe.set(self.keys.epoch, "1", nx=True)
            for name in names:
                pipe.set(self.keys.queue(name).epoch, "1", nx=True)
            global_missing, *queue_missing = pipe.execute()
        seen = self._marked_queues
        lost = [
            name
            for name, missing in zip(names, queue_missing, strict=True)
            if missing and (seen is None or name in seen)
        ]
        self._marked_queues = (seen or set()) | set(names)
        return bool(global_missing) or bool(lost)

    def take_turn(self, loop: str, holder: str, ttl_ms: int) -> bool:
        """Whether `holder` may run `loop` now, alone: True until it ends its turn or `ttl_ms`
        passes (a holder that died frees it then). Losing the key to a flush lets two run at
        once, which the loops allow: they are idempotent, the turn only saves their work."""
        with _translated():
            return bool(self.client.set(self.keys.turn(loop), holder, nx=True, px=ttl_ms))

    def end_turn(self, loop: str, holder: str) -> None:
        self._run("end_turn", [self.keys.turn(loop)], [holder])

    def queue_names(self) -> set[str]:
        with _translated():
            return {
                _text(name) for name in self.client.smembers(self.keys.queues)
            } | self._known_queues

    def _remember_queue(self, queue_name: str) -> None:
        if queue_name not in self._known_queues:
            with _translated():
                self.client.sadd(self.keys.queues, queue_name)
            self._known_queues.add(queue_name)

    def forget_known_queues(self) -> None:
        """After Redis lost its data, the queue set must be written again."""
        self._known_queues.clear()

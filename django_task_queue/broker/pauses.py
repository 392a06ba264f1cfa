"""The pause flags: Redis' mirror of the queues PostgreSQL says are paused, read by claim.lua."""

from __future__ import annotations

from collections.abc import Iterable

from django_task_queue.broker.script_pipeline import ScriptRunner
from django_task_queue.broker.translate import translated as _translated


class QueuePauses(ScriptRunner):
    """Setting and dropping the pause flags; mixed into the Broker."""

    def pause(self, queue_name: str) -> None:
        """No worker claims a task of this queue from now on."""
        with _translated():
            self.client.set(self.keys.queue(queue_name).paused, "1")

    def resume(self, queue_name: str) -> bool:
        """Workers claim this queue's tasks again, woken at once; True when it was paused."""
        q = self.keys.queue(queue_name)
        return bool(self._run("resume", [q.paused, q.ready, q.notify], []))

    def paused_flags(self, queue_names: Iterable[str]) -> set[str]:
        """Which of these queues carry a pause flag."""
        names = list(queue_names)
        with _translated():
            pipe = self.client.pipeline(transaction=False)
            for name in names:
                pipe.exists(self.keys.queue(name).paused)
            found = pipe.execute()
        return {name for name, exists in zip(names, found, strict=True) if exists}

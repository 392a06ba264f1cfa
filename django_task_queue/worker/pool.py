"""Slots that run tasks at the same time, for a worker with `--concurrency` above 1: a thread per
slot for plain functions, one event loop for `async def` functions.

A slot thread is started the first time its slot runs a plain function and keeps its own
Django database connections, checked before and closed after each task as Django does around
a request, so a task never sees another's transaction. The loop's own thread records outcomes
on a connection of its own, which no task code touches. Each slot writes what it runs to
`HeldTasks` (and so to the supervisor's board) just before task code starts and just after it
ends, then hands a `Finished` to the loop through one queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Coroutine
from typing import Any, NamedTuple

from django.db import close_old_connections, connections

from django_task_queue.outcomes import ClaimedTask, Outcome
from django_task_queue.worker.executor import (
    TaskTimeout,
    execute,
    execute_coroutine,
    is_coroutine_task,
    raised,
    timed_out,
)
from django_task_queue.worker.held import HeldTasks
from django_task_queue.worker.thread_timeouts import ThreadTimeouts

logger = logging.getLogger("django_task_queue.worker")


class Finished(NamedTuple):
    """A task whose code has ended in `slot`, and how."""

    slot: int
    task: ClaimedTask
    outcome: Outcome
    duration_ms: float


class Wake(NamedTuple):
    """Something other than a finished task to look at: work may be ready, or a signal came."""

    reason: str


Event = Finished | Wake


class SlotPool:
    """`size` slots; `run` starts a task in a free one and returns at once."""

    def __init__(self, size: int, held: HeldTasks, events: queue.SimpleQueue[Event]) -> None:
        self.size = size
        self.held = held
        self.events = events
        self.timeouts = ThreadTimeouts()
        self._threads: dict[int, _SlotThread] = {}
        self._loop: _EventLoop | None = None

    @staticmethod
    def is_coroutine(task: ClaimedTask) -> bool:
        return is_coroutine_task(task.task_name)

    def run(self, slot: int, task: ClaimedTask, *, coroutine: bool) -> None:
        """Start `task` in `slot`: on the event loop if `coroutine`, else in the slot's thread."""
        if coroutine:
            if self._loop is None:
                self._loop = _EventLoop()
                self._loop.start()
            self._loop.submit(self._run_coroutine(slot, task))
            return
        thread = self._threads.get(slot)
        if thread is None or not thread.is_alive():  # never started, or ended by a bug of ours
            thread = self._threads[slot] = _SlotThread(slot, self)
            thread.start()
        thread.inbox.put(task)

    def close(self) -> None:
        """Let idle slot threads end and stop the event loop; returns at once (a thread still
        in task code ends with the process)."""
        for thread in self._threads.values():
            thread.inbox.put(None)
        if self._loop is not None:
            self._loop.stop()

    def run_in_thread(self, slot: int, task: ClaimedTask) -> None:
        """In slot `slot`'s thread: one attempt, start to `Finished`."""
        with contextlib.suppress(Exception):  # a broken connection is reopened on next use
            close_old_connections()
        started = time.monotonic()
        outcome: Outcome | None = None
        try:
            self.held.start(slot, task, started)
            outcome = execute(task, self.timeouts.soft_timeout)
        except TaskTimeout:  # landed after the call returned, before its guard was disarmed
            outcome = timed_out(task)
        except BaseException as exc:  # a bug of ours (execute turns task code's into outcomes)
            logger.exception("slot %d failed around task %s", slot, task.id)
            outcome = raised(exc)
        finally:
            self.held.finish(slot)
            # Always reported, or the slot would stay busy and the task `processing` for good.
            self.events.put(
                Finished(slot, task, outcome or raised(RuntimeError("no outcome")),
                         (time.monotonic() - started) * 1000)
            )  # fmt: skip
            with contextlib.suppress(Exception):
                close_old_connections()

    async def _run_coroutine(self, slot: int, task: ClaimedTask) -> None:
        started = time.monotonic()
        self.held.start(slot, task, started)
        try:
            outcome = await execute_coroutine(task)
        finally:
            self.held.finish(slot)
        self.events.put(Finished(slot, task, outcome, (time.monotonic() - started) * 1000))


class _SlotThread(threading.Thread):
    def __init__(self, slot: int, pool: SlotPool) -> None:
        # A daemon: a thread stuck in task code must not keep a stopping process alive.
        super().__init__(name=f"dtq-slot-{slot}", daemon=True)
        self.slot = slot
        self.pool = pool
        self.inbox: queue.SimpleQueue[ClaimedTask | None] = queue.SimpleQueue()

    def run(self) -> None:
        try:
            while (task := self.inbox.get()) is not None:
                self.pool.run_in_thread(self.slot, task)
        finally:
            connections.close_all()


class _EventLoop(threading.Thread):
    """One event loop for every coroutine the process runs, in a thread of its own."""

    def __init__(self) -> None:
        super().__init__(name="dtq-event-loop", daemon=True)
        self.loop = asyncio.new_event_loop()

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            self.loop.close()

    def submit(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)

"""The soft timeout of a task running in a slot thread: an asynchronous TaskTimeout.

SIGALRM interrupts only the main thread, so a slot thread gets CPython's asynchronous
exception instead (PyThreadState_SetAsyncExc), raised from the worker's loop when the deadline
passes. It lands at the thread's next Python instruction: Python code that loops or calls
functions stops at once, but a thread blocked in C (a socket read, `time.sleep`, a regex) sees
it only when that call returns. The hard timeout covers that case: the supervisor kills the
process and releases the other tasks it ran (docs/decisions.md, "A timed-out thread").

A guard makes sure the exception is raised inside the task's call or not at all: it is set
only while the guard is armed, and disarming clears one set but not raised yet, both under the
guard's lock. What lands between the call's return and the disarming is a timeout like any
other (the function ran past its deadline).
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django_task_queue.worker.executor import TaskTimeout

logger = logging.getLogger("django_task_queue.worker")

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc


class _Guard:
    __slots__ = ("deadline", "done", "fired", "ident", "lock")

    def __init__(self, ident: int, deadline: float) -> None:
        self.ident = ident
        self.deadline = deadline
        self.lock = threading.Lock()
        self.done = False
        self.fired = False

    def fire(self) -> None:
        """From the loop's thread, once the deadline passed: at most once, while armed."""
        with self.lock:
            if self.done or self.fired:
                return
            self.fired = True
            _set_async_exc(ctypes.c_ulong(self.ident), ctypes.py_object(TaskTimeout))

    def disarm(self) -> None:
        """From the task's thread, once its call has ended."""
        with self.lock:  # nothing below runs Python code, where a pending exception could land
            self.done = True
            if self.fired:
                _set_async_exc(ctypes.c_ulong(self.ident), None)  # NULL: clears a pending one


class ThreadTimeouts:
    """The deadlines of the tasks running in slot threads."""

    def __init__(self) -> None:
        self._guards: dict[int, _Guard] = {}  # by thread ident: one task per thread at a time

    @contextmanager
    def soft_timeout(self, timeout_s: float) -> Iterator[None]:
        """In a slot thread, around a task's call (an `executor.SoftTimeout`)."""
        guard = _Guard(threading.get_ident(), time.monotonic() + timeout_s)
        self._guards[guard.ident] = guard
        try:
            yield
        finally:
            guard.disarm()
            del self._guards[guard.ident]

    def fire_due(self, now_monotonic: float) -> float | None:
        """From the loop's thread: raise TaskTimeout in each thread past its deadline; the
        next deadline to come, if any."""
        upcoming: float | None = None
        for guard in list(self._guards.values()):
            if guard.deadline <= now_monotonic:
                if not guard.fired:
                    logger.warning("soft timeout: interrupting the task in thread %d", guard.ident)
                guard.fire()
            elif upcoming is None or guard.deadline < upcoming:
                upcoming = guard.deadline
        return upcoming

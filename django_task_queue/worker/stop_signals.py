"""SIGTERM and SIGINT in a worker process: the first stops it claiming once the running tasks
end, a second interrupts them so that they are released at once."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from django_task_queue.worker.executor import WorkerInterrupt

logger = logging.getLogger("django_task_queue.worker")

Handler = Callable[[int, FrameType | None], Any] | int


class StopSignals:
    """Whether the worker is stopping, and its signal handlers."""

    def __init__(
        self,
        worker_id: str,
        on_second: Callable[[], None] | None = None,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.worker_id = worker_id
        # With several slots a second signal cannot interrupt task code in other threads: the
        # loop is told instead (`on_second`), and releases every task at once; `on_stop` wakes
        # it from its wait at the first.
        self.on_second = on_second
        self.on_stop = on_stop
        self.stopping = False
        # Set while task code runs in the loop's thread: only then may a signal interrupt it.
        self.in_task = False
        self.woken = threading.Event()  # ends a back-off early once stopping
        self._handlers: dict[int, Handler] = {}

    def install(self, *, supervised: bool) -> None:
        self._handlers = {
            signal.SIGTERM: self._on_signal,
            # Under a supervisor, Ctrl-C reaches the whole process group; the supervisor
            # forwards it as SIGTERM, so taking SIGINT too would count one keypress as two.
            signal.SIGINT: signal.SIG_IGN if supervised else self._on_signal,
        }
        for signum, handler in self._handlers.items():
            signal.signal(signum, handler)

    def stop(self) -> None:
        """Stop claiming; the task running now finishes."""
        if self.stopping:
            return
        self.stopping = True
        self.woken.set()
        if self.on_stop is not None:
            self.on_stop()
        logger.info("worker %s stopping after its current task", self.worker_id)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            self.stop()
        elif self.on_second is not None:
            self.on_second()
        elif self.in_task:
            # A second signal: give the task back to the queue now instead of after its lease.
            raise WorkerInterrupt

    def put_back(self, log_fields: object) -> None:
        """Put back a handler the task replaced: a task that ignored SIGTERM would keep its
        worker from stopping until the supervisor's grace ran out and it was killed, with
        whatever it held."""
        for signum, handler in self._handlers.items():
            if signal.getsignal(signum) != handler:
                signal.signal(signum, handler)
                logger.warning(
                    "task replaced the worker's %s handler, which was put back: %s",
                    signal.Signals(signum).name,
                    log_fields,
                )

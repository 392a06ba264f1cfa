"""The blocking wait on Redis for a worker with several slots, in a thread of its own, so that
the loop waits on one queue only: tasks that finish and wake-ups alike.

The loop arms the waker when it has a free slot and found nothing ready; the waker then blocks
on the queues' wake-up lists (as an idle single-slot worker does itself) and tells the loop
when a token arrives. While every slot is busy it is not armed, so it takes no token that an
idle worker elsewhere could use.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from django_task_queue.broker.client import Broker
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.worker.pool import Event, Wake

logger = logging.getLogger("django_task_queue.worker")

WORK_MAY_BE_READY = Wake("work may be ready")
POLL_INTERVAL_PASSED = Wake("the poll interval passed")
_OUTAGE_PAUSE_S = 1.0


class Waker(threading.Thread):
    def __init__(
        self,
        thread_broker: Callable[[], Broker],
        queue_names: Sequence[str],
        events: queue.SimpleQueue[Event],
        wait_s: float,
    ) -> None:
        super().__init__(name="dtq-waker", daemon=True)
        self._thread_broker = thread_broker
        self._queue_names = list(queue_names)
        self._events = events
        self._wait_s = wait_s
        self._armed = threading.Event()
        self._closed = False
        self._this_wait_s: float | None = None

    def arm(self, wait_s: float | None = None) -> None:
        """Wait for a wake-up token once (again, if it is waiting already), up to `wait_s`
        this time (a rate's next start) or the poll interval."""
        self._this_wait_s = wait_s
        self._armed.set()

    def close(self) -> None:
        self._closed = True
        self._armed.set()

    def run(self) -> None:
        broker = self._thread_broker()
        while True:
            self._armed.wait()
            if self._closed:
                return
            self._armed.clear()
            wait_s = self._wait_s if self._this_wait_s is None else self._this_wait_s
            try:
                woke = broker.wait_for_work(self._queue_names, wait_s)
            except BrokerUnavailableError:
                # The loop's next claim meets the outage too, and backs off.
                woke = True
                self._armed.wait(_OUTAGE_PAUSE_S)
            if not self._closed:
                # Without a token the loop still looks again, as the single-slot loop does after
                # each poll interval: left disarmed, this thread took no token for up to the
                # loop's 25 s wait (a queue resumed, or a task whose token another worker took).
                self._events.put(WORK_MAY_BE_READY if woke else POLL_INTERVAL_PASSED)


def until_rate_allows(broker: Broker, wait_s: float) -> float:
    """`wait_s`, or less when the last claim found only tasks a rate holds back: no wake-up
    token comes when their next start is due, so the wait ends then."""
    if broker.rate_wait_until_ms is None:
        return wait_s
    due_s = (broker.rate_wait_until_ms - time.time_ns() // 1_000_000) / 1000
    return min(wait_s, max(due_s, 0.0))  # the broker waits at least MIN_BLOCK_S

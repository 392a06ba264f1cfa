"""One worker process's loop when it runs several tasks at once (`--concurrency` above 1).

The loop's thread runs no task code: it claims, hands each task to a free slot (pool.py), and
records outcomes as the slots report them, all on its own connections. It claims only as many
tasks as it has free slots, each claim the best ready ones, so nothing waits in this process
while a better task waits in Redis; successes are recorded by the next claim's statement, as
in the single-slot loop. It waits on one queue: tasks that finish, and the waker's news that
work may be ready (waker.py).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import time
from collections import deque
from collections.abc import Sequence

from django.utils import timezone

from django_task_queue.broker.client import WorkerRecord
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.outcomes import ClaimedTask
from django_task_queue.timeutil import to_ms
from django_task_queue.worker import django_bridge
from django_task_queue.worker.decisions import tasks_left
from django_task_queue.worker.deps import WorkerDeps
from django_task_queue.worker.heartbeat import Heartbeat, registry_record
from django_task_queue.worker.held import HeldTasks
from django_task_queue.worker.options import WorkerOptions
from django_task_queue.worker.outage import Outage
from django_task_queue.worker.pool import Event, Finished, SlotPool, Wake
from django_task_queue.worker.recorder import OutcomeRecorder, TaskFields
from django_task_queue.worker.stats import WorkerStats
from django_task_queue.worker.stop_signals import StopSignals
from django_task_queue.worker.waker import Waker, until_rate_allows

logger = logging.getLogger("django_task_queue.worker")

_MAX_WAIT_S = 25.0  # as the single-slot loop's: under the socket's read timeout
_STOP = Wake("stop")
_SECOND_SIGNAL = Wake("a second stop signal")


class _Busy:
    """A slot's task, when it was handed over, and the earliest its soft timeout can pass
    (a plain function's; a coroutine is cancelled on its loop)."""

    __slots__ = ("started", "task", "timeout_at")

    def __init__(self, task: ClaimedTask, started: float, *, coroutine: bool) -> None:
        self.task = task
        self.started = started
        self.timeout_at = None if coroutine else started + task.timeout_s


class ConcurrentWorker:
    """Runs up to `options.concurrency` tasks of its queues at once until told to stop."""

    def __init__(self, options: WorkerOptions, worker_id: str, deps: WorkerDeps) -> None:
        self.options = options
        self.worker_id = worker_id
        self.broker = deps.broker
        self.queue_names = list(options.queues)
        self.concurrency = options.concurrency
        self.tasks_done = 0
        self.started_at_ms = to_ms(timezone.now())
        self.events: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.signals = StopSignals(worker_id, on_second=self._interrupt, on_stop=self._wake)
        self.interrupted = False
        self.stats = WorkerStats()
        self.held = HeldTasks(deps.board)
        self.recorder = OutcomeRecorder(deps.store, options.queues, worker_id, self.stats)
        self.pool = SlotPool(self.concurrency, self.held, self.events)
        self._wait_s = min(options.poll_interval_s, _MAX_WAIT_S)
        self.waker = Waker(deps.thread_broker, self.queue_names, self.events, self._wait_s)
        self.heartbeat = Heartbeat(self, self.held, self.recorder, deps)
        self.outage = Outage(worker_id, deps.store)
        self._free = list(range(self.concurrency - 1, -1, -1))  # pop() takes the lowest
        self._busy: dict[int, _Busy] = {}
        self._unrecorded: deque[Finished] = deque()
        # A task whose last attempt was lost with its process runs with no other task in this
        # one (see the single-slot loop's `_run_alone`): it waits here for every slot to free.
        self._alone: ClaimedTask | None = None
        self._alone_slot: int | None = None
        self._unstarted: list[ClaimedTask] = []  # claimed with a task that runs alone

    @property
    def stopping(self) -> bool:
        return self.signals.stopping

    def stop(self) -> None:
        """Stop claiming; the tasks running now finish (what a first SIGTERM does)."""
        self.signals.stop()

    def _wake(self) -> None:
        self.events.put(_STOP)  # SimpleQueue.put may be called from a signal handler

    def record(self) -> WorkerRecord:
        """This worker's entry in the registry of live workers."""
        return registry_record(self)

    def keep_announcements_drained(self) -> None:
        """Nothing to drain: this loop never holds a task it has not started."""

    # -- the loop ----------------------------------------------------------------------------

    def run(self, *, supervised: bool = False) -> int:
        self.signals.install(supervised=supervised)
        self.heartbeat.start()
        self.waker.start()
        logger.info(
            "worker %s started on queues %s with %d slots",
            self.worker_id,
            ",".join(self.queue_names),
            self.concurrency,
        )
        try:
            self._loop()
            if self.interrupted:
                self._release_all()
            else:
                self._finish()
        finally:
            self.heartbeat.stop()
            self.waker.close()
            self.pool.close()
            with contextlib.suppress(BrokerUnavailableError):
                self.broker.flush_acks()
                self.broker.flush_events()  # its flusher thread dies with the process
                self.broker.remove_worker(self.worker_id)
        logger.info("worker %s stopped after %d task(s)", self.worker_id, self.tasks_done)
        return 0

    def _loop(self) -> None:
        while True:
            try:
                if not self.step():
                    return
                self.outage.passed()
            except (BrokerUnavailableError, StoreUnavailableError) as exc:
                self._wait(self.outage.failed(exc))  # slots still report meanwhile

    def step(self) -> bool:
        """Record what finished, fill free slots or wait; False once the run is over."""
        self._record_finished()
        if self.interrupted:
            return False
        if self._unstarted:  # kept in memory until PostgreSQL has them back
            self.recorder.give_back(self.broker, self._unstarted)
            self._unstarted = []
            self._held_changed()
        if self.stopping or self._left() == 0:
            return self._wind_down()
        if self._alone is not None or self._alone_slot is not None:
            if self._alone is not None and not self._busy:
                # Successes kept for the next claim are recorded first: a task that kills its
                # process would take them down with it, as lost (what running alone prevents).
                self.recorder.flush(self.broker)
                self._start(self._alone, alone=True)
            self._wait(None)
            return True
        free = len(self._free)
        left = self._left()
        count = free if left is None else min(free, left)
        if count > 0:
            batch = self.recorder.claim(self.broker, count)
            if batch is not None:  # empty: what Redis handed out PostgreSQL would not start
                self._start_batch(batch)
                return True
            self.broker.flush_acks()  # no next claim is coming soon to carry them
            if self.options.burst:
                if not self._busy:
                    return False
            else:
                self.waker.arm(until_rate_allows(self.broker, self._wait_s))
        self._wait(None)
        return True

    def _left(self) -> int | None:
        return tasks_left(self.options.max_tasks, self.tasks_done, len(self._busy))

    def _wind_down(self) -> bool:
        """Stopping, or `--max-tasks` reached: wait for the running tasks, claim nothing."""
        if self._alone is not None:
            self.recorder.give_back(self.broker, [self._alone])
            self._alone = None
            self._held_changed()
        self.recorder.flush(self.broker)
        if not self._busy:
            return False
        self._wait(None)
        return True

    def _start_batch(self, batch: Sequence[ClaimedTask]) -> None:
        for index, task in enumerate(batch):
            if task.after_loss:
                logger.info("task %s runs alone: its last attempt was lost with a process", task.id)
                self._alone = task  # started by the next step that finds every slot free
                self._unstarted = list(batch[index + 1 :])  # given back by the next step
                self._held_changed()
                return
            self._start(task)

    def _start(self, task: ClaimedTask, *, alone: bool = False) -> None:
        slot = self._free.pop()
        coroutine = self.pool.is_coroutine(task)
        self._busy[slot] = _Busy(task, time.monotonic(), coroutine=coroutine)
        if alone:
            self._alone, self._alone_slot = None, slot
        self._held_changed()
        logger.info("task started: %s slot=%d", TaskFields(task, self.worker_id), slot)
        self.stats.task_started(task, timezone.now())
        django_bridge.send_started(task)
        self.pool.run(slot, task, coroutine=coroutine)

    def _held_changed(self) -> None:
        """What the heartbeat renews without a supervisor: every task held, run or not."""
        held = [busy.task for busy in self._busy.values()]
        held += [finished.task for finished in self._unrecorded]
        if self._alone is not None:
            held.append(self._alone)
        self.held.batch = (*held, *self._unstarted)

    # -- waiting and recording ---------------------------------------------------------------

    def _wait(self, timeout_s: float | None) -> None:
        """Wait for an event (or `timeout_s`), waking at the next soft timeout of a thread;
        then take every event that has arrived."""
        now = time.monotonic()
        wait_s = _MAX_WAIT_S if timeout_s is None else timeout_s
        upcoming = self.pool.timeouts.fire_due(now)
        # A thread arms its deadline when it starts the task, an instant after `_start`.
        estimates = [
            busy.timeout_at
            for busy in self._busy.values()
            if busy.timeout_at is not None and busy.timeout_at > now
        ]
        if upcoming is not None:
            estimates.append(upcoming)
        soonest = min(estimates, default=None)
        if soonest is not None:
            wait_s = min(wait_s, soonest - now + 0.001)
        try:
            self._take(self.events.get(timeout=max(wait_s, 0.0)))
            while True:
                self._take(self.events.get_nowait())
        except queue.Empty:
            pass

    def _take(self, event: Event) -> None:
        if not isinstance(event, Finished):
            return
        del self._busy[event.slot]
        self._free.append(event.slot)
        if event.slot == self._alone_slot:
            self._alone_slot = None
        self.tasks_done += 1
        self._unrecorded.append(event)

    def _record_finished(self) -> None:
        """Record the outcomes that arrived, in order; in an outage the rest stay for later."""
        while self._unrecorded:
            finished = self._unrecorded[0]
            self.recorder.record(self.broker, finished.task, finished.outcome, finished.duration_ms)
            self._unrecorded.popleft()
        self._held_changed()

    def _interrupt(self) -> None:
        """From the signal handler, at a second signal: end the loop at once."""
        self.interrupted = True
        self.events.put(_SECOND_SIGNAL)

    # -- on the way out ----------------------------------------------------------------------

    def _finish(self) -> None:
        self._record_finished()
        self.recorder.flush(self.broker)

    def _release_all(self) -> None:
        """Record what finished; give every running task back to its queue now, without
        spending a retry (its thread ends with the process)."""
        with contextlib.suppress(queue.Empty):
            while True:
                self._take(self.events.get_nowait())
        self._finish()
        now = time.monotonic()
        reason = "The worker was stopped by a second signal."
        for busy in list(self._busy.values()):
            self.recorder.release(self.broker, busy.task, reason, (now - busy.started) * 1000)
        if self._alone is not None:
            self.recorder.give_back(self.broker, [self._alone])

"""One worker process: claim tasks, run them one at a time, record the outcomes; block when idle.

Throughput comes from batching the bookkeeping, never from running out of priority order: a
worker claims up to a small batch of the best ready tasks at once (sized so a batch takes about
`_BATCH_BUDGET_MS` of task time), checks before each next task that nothing better has become
ready (else it gives the rest back), and records the batch's successes in the same statement
that claims the next batch.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.utils import timezone

from django_task_queue.broker.client import Broker, WorkerRecord, get_broker
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.outcomes import ClaimedTask, Completed, Failure, Success
from django_task_queue.store import ensure_usable_connection
from django_task_queue.timeutil import to_ms
from django_task_queue.transitions import complete_and_claim, complete_many, fail, release, unclaim
from django_task_queue.worker import django_bridge
from django_task_queue.worker.executor import WorkerInterrupt, execute
from django_task_queue.worker.heartbeat import Heartbeat
from django_task_queue.worker.options import WorkerOptions
from django_task_queue.worker.prefetch import Ahead, Bookkeeper
from django_task_queue.worker.running_board import RunningBoard
from django_task_queue.worker.stats import WorkerStats

logger = logging.getLogger("django_task_queue.worker")

_MAX_BACKOFF_S = 10.0
# A batch holds about this much task time, so a success is recorded within ~10 ms of its end.
_BATCH_BUDGET_MS = 10.0
# The budget's own bound for tasks of 0.05 ms or less (see _batch_size). At 64, no-op tasks
# paid a statement per 64 and drained at 6,900-7,500/s; at 200, 8,100-10,100/s, with
# PostgreSQL's CPU per task down a fifth. 400 measured the same as 200.
_MAX_BATCH = 200
# Before each next task of a batch the worker checks whether something better is ready, once
# this long has passed since it last looked (the claim is a look) or as soon as this process
# pushed a task itself. A task that becomes ready waits at most this long behind lower-priority
# tasks already claimed. The check reads the announcements of better tasks that have reached
# this process (broker/announcements.py) and asks Redis only after one, or when not listening.
_RECHECK_AFTER_S = 0.002
# Below this a batch holds many tasks and already spreads its two round trips thin; a second
# thread would only compete for the GIL (no-op drain measured 8,100/s without, 6,200/s with).
_PREFETCH_MIN_TASK_MS = 1.0


class _Fields:
    """A task's log fields, formatted only when a log line is really written."""

    def __init__(self, task: ClaimedTask, worker_id: str) -> None:
        self.task = task
        self.worker_id = worker_id

    def __str__(self) -> str:
        task = self.task
        return (
            f"task_id={task.id} task_name={task.task_name} attempt={task.attempt} "
            f"worker={self.worker_id} queue={task.queue_name}"
        )


@dataclass(frozen=True)
class Running:
    task: ClaimedTask
    started_monotonic: float


class Worker:
    """Runs tasks of its queues one at a time until told to stop."""

    def __init__(
        self, options: WorkerOptions, worker_id: str, board: RunningBoard | None = None
    ) -> None:
        self.options = options
        self.worker_id = worker_id
        # Under a supervisor: where this process shows what it runs; the supervisor then keeps
        # the leases and the hard timeouts (lease_keeper.py), else the heartbeat does.
        self.board = board
        self.current: Running | None = None
        self.tasks_done = 0
        self.started_at_ms = to_ms(timezone.now())
        self.stopping = False
        self._in_task = False
        self._outage_logged = False
        self._backoff = threading.Event()
        # The worker's own signal handlers, put back after a task that replaced one (run()).
        self._handlers: dict[int, Callable[[int, FrameType | None], Any] | int] = {}
        self.stats = WorkerStats()  # metric counts; the heartbeat writes them to Redis
        # Every task whose lease this worker holds (the heartbeat renews them all).
        self.held: list[ClaimedTask] = []
        self._completed: list[Completed] = []
        self._average_ms = 1.0
        self._looked_at = 0.0  # monotonic time of the last look for better tasks
        self._pushes_seen = 0  # the broker's push count at that look
        # What the last look saw: no ready task of this queue (None: of any queue) outranks a
        # task scoring below this, until an announcement says otherwise.
        self._ready_bound: tuple[str | None, float] = (None, float("inf"))
        self._announced_by: Broker | None = None  # the broker this thread listens on
        # Set by run() unless PREFETCH_MAX_TASK_MS is 0: claims the next batch of short tasks
        # while the current one runs (see prefetch.py).
        self.bookkeeper: Bookkeeper | None = None
        self._ahead: Ahead | None = None
        # The last task run alone after a loss: claim one task at a time until a task that
        # was not lost comes, rather than give back most of each batch (a crash of a busy
        # worker leaves every task it held after a loss).
        self._after_losses = False

    # -- signals ---------------------------------------------------------------------------

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            self.stopping = True
            self._backoff.set()
            logger.info("worker %s stopping after its current task", self.worker_id)
            return
        if self._in_task:
            # A second signal: give the task back to the queue now instead of after its lease.
            raise WorkerInterrupt

    def record(self) -> WorkerRecord:
        running = self.current
        return WorkerRecord(
            worker_id=self.worker_id,
            hostname=socket.gethostname(),
            pid=os.getpid(),
            queues=list(self.options.queues),
            state="stopping" if self.stopping else ("busy" if running else "idle"),
            current_task_id=str(running.task.id) if running else None,
            started_at_ms=self.started_at_ms,
            last_seen_ms=to_ms(timezone.now()),
            tasks_done=self.tasks_done,
        )

    # -- the loop --------------------------------------------------------------------------

    def run(self, *, supervised: bool = False) -> int:
        self._handlers = {
            signal.SIGTERM: self._on_signal,
            # Under a supervisor, Ctrl-C reaches the whole process group; the supervisor
            # forwards it as SIGTERM, so taking SIGINT too would count one keypress as two.
            signal.SIGINT: signal.SIG_IGN if supervised else self._on_signal,
        }
        for signum, handler in self._handlers.items():
            signal.signal(signum, handler)
        heartbeat = Heartbeat(self)
        heartbeat.start()
        if get_settings().PREFETCH_MAX_TASK_MS > 0:
            self.bookkeeper = Bookkeeper(self.options.queues, self.worker_id)
        logger.info("worker %s started on queues %s", self.worker_id, ",".join(self.options.queues))
        try:
            self._loop()
            self.close()
        finally:
            if self.bookkeeper is not None:
                self.bookkeeper.close()
            heartbeat.stopped.set()
            heartbeat.wake.set()
            heartbeat.join(timeout=5)
            get_broker().stop_listening()
            with contextlib.suppress(BrokerUnavailableError):
                get_broker().flush_acks()
                get_broker().remove_worker(self.worker_id)
        logger.info("worker %s stopped after %d task(s)", self.worker_id, self.tasks_done)
        return 0

    def _loop(self) -> None:
        failures = 0
        while not self.stopping:
            if self.options.max_tasks is not None and self.tasks_done >= self.options.max_tasks:
                return
            try:
                if not self.step(self._wait_s()) and self.options.burst:
                    return
                if self._outage_logged:
                    logger.info("worker %s: stores reachable again", self.worker_id)
                failures, self._outage_logged = 0, False
            except (BrokerUnavailableError, StoreUnavailableError) as exc:
                failures += 1
                if not self._outage_logged:
                    logger.error(
                        "worker %s cannot reach a store, backing off: %s", self.worker_id, exc
                    )
                    self._outage_logged = True
                ensure_usable_connection()
                self._backoff.wait(min(_MAX_BACKOFF_S, 0.2 * 2 ** min(failures, 6)))

    def step(self, wait_s: float) -> bool:
        """Claim and run a batch of tasks, or block up to `wait_s` for one; False when none was
        ready. The previous batch's successes are recorded in the claim's statement."""
        broker = get_broker()
        ahead, batch = self._take_batch(broker)
        if batch is None:
            if ahead is not None:
                if self.bookkeeper is not None:
                    self.bookkeeper.flush_acks()
                return self.step(wait_s)  # claimed ahead too early: look again, at once
            if self.options.burst:
                broker.flush_acks()  # no next claim will carry them
            else:
                broker.wait_for_work(self.options.queues, wait_s)
            return False
        self.held = list(batch)
        try:
            for index, task in enumerate(batch):
                if (index or ahead is not None) and self._should_give_back(task):
                    unclaim(broker, batch[index:])
                    break
                if task.after_loss:
                    self._run_alone(task, batch[index + 1 :])
                    break
                if index == 0:
                    self._after_losses = False
                    # Only now: a claim ahead made before that look could take a better task.
                    self._claim_ahead(len(batch))
                self._run_task(task)
        except BaseException:
            self.flush()
            raise
        finally:
            self.held = []
        return True

    def _take_batch(self, broker: Broker) -> tuple[Ahead | None, list[ClaimedTask] | None]:
        """The batch claimed ahead, if any, else one claimed now; either way the successes its
        claim carried are reported."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            done = ahead.done  # this claim records them; _completed waits for the next one
        else:
            done, self._completed = self._completed, []
        try:
            if ahead is not None:
                recorded, batch = ahead.future.result()  # the thread's outage errors surface here
                # Its claim looked for the best tasks no earlier than its submission.
                self._looked_at, self._pushes_seen = ahead.submitted_monotonic, ahead.pushes_seen
            else:
                # What was announced so far, this claim sees for itself.
                broker.listen_for_better(self.options.queues)
                self._announced_by = broker
                self._looked_at, self._pushes_seen = time.monotonic(), broker.pushes
                recorded, batch = complete_and_claim(
                    broker, done, self.options.queues, self.worker_id, self._batch_size()
                )
                # It took the best: no ready task outranks one it claimed until an announcement.
                self._ready_bound = (None, float("inf"))
        except (BrokerUnavailableError, StoreUnavailableError):
            # Keep the successes for the next try (a fenced write makes a repeat harmless),
            # rather than leave them to run again once their leases run out.
            self._completed = [*done, *self._completed]
            raise
        self._report(done, recorded)
        return ahead, batch

    def _claim_ahead(self, batch_len: int) -> None:
        """Claim the next batch on the bookkeeper's thread while this one runs, when tasks are
        short enough that holding a batch back from other workers costs little."""
        if (
            self.bookkeeper is None
            or self.stopping
            or not _PREFETCH_MIN_TASK_MS <= self._average_ms <= get_settings().PREFETCH_MAX_TASK_MS
        ):
            self.flush()  # the previous batch's successes, which no claim will carry now
            if self.bookkeeper is not None:
                self.bookkeeper.flush_acks()
            return
        count = self._batch_size(already_held=batch_len)
        if count <= 0:
            self.flush()
            return
        done, self._completed = self._completed, []
        self._ahead = self.bookkeeper.claim_ahead(done, count, get_broker().pushes)

    def _batch_size(self, already_held: int = 0) -> int:
        size = 1 if self._after_losses else int(_BATCH_BUDGET_MS / max(self._average_ms, 0.05))
        if self.options.max_tasks is not None:
            left = self.options.max_tasks - self.tasks_done - already_held
            if left <= 0:
                return 0
            size = min(size, left)
        return max(1, min(_MAX_BATCH, size))

    def leased(self) -> list[ClaimedTask]:
        """Every task whose lease this worker holds: the batch in hand and one claimed ahead."""
        ahead = self._ahead
        return [*self.held, *(ahead.claimed() if ahead is not None else ())]

    def close(self) -> None:
        """On the way out: give back a batch claimed ahead, record the successes left."""
        self._give_back_ahead()
        self.flush()

    def _give_back_ahead(self) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is None:
            return
        try:
            recorded, batch = ahead.future.result()
        except (BrokerUnavailableError, StoreUnavailableError) as exc:
            # Its tasks stay leased and run again once the leases run out.
            logger.warning("worker %s: the batch claimed ahead is lost: %s", self.worker_id, exc)
        else:
            self._report(ahead.done, recorded)
            unclaim(get_broker(), batch or [])

    def _run_alone(self, task: ClaimedTask, rest: list[ClaimedTask]) -> None:
        """Run a task whose last attempt was lost with nothing else of this worker at stake.

        The reaper counts a loss against every task it finds leased by a dead worker, and fails
        a task lost MAX_LOST_ATTEMPTS times. A task that kills its worker (a crash in C code,
        the OOM killer) would take the tasks claimed with it down each time, and they would
        fail with it without ever having run. So the tasks after it go back to the queue, the
        successes before it are recorded, and no batch is claimed ahead while it runs.
        """
        self._give_back_ahead()
        unclaim(get_broker(), rest)
        self.flush()
        self.held = [task]
        self._after_losses = True
        logger.info("running task %s alone: its last attempt was lost with its worker", task.id)
        self._run_task(task)

    def _should_give_back(self, task: ClaimedTask) -> bool:
        """Before the next task of a batch: stop if stopping, or if something better is ready."""
        if self.stopping:
            return True
        if self.options.max_tasks is not None and self.tasks_done >= self.options.max_tasks:
            return True
        broker = get_broker()
        now = time.monotonic()
        pushed = broker.pushes != self._pushes_seen
        if now - self._looked_at < _RECHECK_AFTER_S and not pushed:
            return False
        heard = broker.heard_of_better()  # read (and consumed) whether or not a look follows
        if heard is False and not pushed and self._outranks_ready(task):
            # Nothing announced since the last look: nothing has become ready ahead of it.
            self._looked_at = now
            return False
        self._looked_at, self._pushes_seen = now, broker.pushes
        ahead = self._ahead
        if ahead is not None:
            # A better task may have gone to the claim ahead rather than stayed in Redis: wait
            # for that claim (a few ms at most) and compare its best task too.
            ahead.future.result()
            claimed = ahead.claimed()
            if claimed and self._runs_before(claimed[0], task):
                return True
        bound = broker.best_ready_score(self.options.queues, task.queue_name)
        self._ready_bound = (task.queue_name, bound)
        return bound < task.claim.score

    def _outranks_ready(self, task: ClaimedTask) -> bool:
        """Whether the last look saw nothing ready that ranks ahead of `task`."""
        queue_name, bound = self._ready_bound
        return queue_name in (None, task.queue_name) and task.claim.score < bound

    def keep_announcements_drained(self) -> None:
        """From the heartbeat, while a task runs: keep announcements from piling up in Redis."""
        broker = self._announced_by
        if broker is not None:
            broker.keep_announcements_drained()

    def _runs_before(self, first: ClaimedTask, second: ClaimedTask) -> bool:
        queues = list(self.options.queues)
        a, b = queues.index(first.queue_name), queues.index(second.queue_name)
        return a < b or (a == b and first.claim.score < second.claim.score)

    def flush(self) -> None:
        """Record the successes not yet written, in one statement, then drop their leases."""
        if not self._completed:
            return
        done, self._completed = self._completed, []
        self._report(done, complete_many(get_broker(), done))

    def _report(self, done: list[Completed], applied: set[uuid.UUID]) -> None:
        """Count, log and signal recorded successes."""
        for item in done:
            fields = _Fields(item.task, self.worker_id)
            if item.task.id in applied:
                self.stats.task_finished(item.task, "succeeded", item.duration_ms)
                logger.info("task succeeded: %s duration_ms=%.1f", fields, item.duration_ms)
            else:
                logger.warning("task outcome dropped (a newer attempt owns it): %s", fields)
            django_bridge.send_finished(item.task)

    def give_back_unstarted(self) -> None:
        """Before the process exits abruptly: record what finished, give back what never ran
        (from the heartbeat thread, while the main thread is stuck in task code)."""
        running = self.current
        finished = {item.task.id for item in self._completed}
        ahead = self._ahead
        if ahead is not None:
            with contextlib.suppress(Exception):
                ahead.future.result(timeout=_MAX_BACKOFF_S)
        unstarted = [
            task
            for task in self.leased()
            if task.id not in finished and (running is None or task.id != running.task.id)
        ]
        self.flush()
        unclaim(get_broker(), unstarted)

    def _wait_s(self) -> float:
        # The socket read timeout is 30 s: a longer block would look like a dead connection.
        return min(self.options.poll_interval_s, 25.0)

    def _run_task(self, task: ClaimedTask) -> None:
        broker = get_broker()
        fields = _Fields(task, self.worker_id)
        logger.info("task started: %s", fields)
        self.stats.task_started(task, timezone.now())
        django_bridge.send_started(task)
        started = time.monotonic()
        self.current = Running(task, started)
        board = self.board
        try:
            self._in_task = True
            if board is not None:
                board.start(0, task.id, task.attempt, task.timeout_s)
            try:
                outcome = execute(task)
            finally:
                if board is not None:
                    board.finish(0)
                self._in_task = False
                self._restore_handlers(fields)
        except WorkerInterrupt:
            self.current = None
            self.flush()
            release(broker, task, "The worker was stopped by a second signal.", _ms_since(started))
            logger.warning("task released: %s (worker stopped at once)", fields)
            self.stopping = True
            return
        duration_ms = _ms_since(started)
        self.current = None
        self.tasks_done += 1
        self._average_ms = 0.8 * self._average_ms + 0.2 * duration_ms
        if isinstance(outcome, Success):
            self._completed.append(
                Completed(task, outcome.result_json, duration_ms, timezone.now())
            )
            return
        # Outcomes are recorded in the order the tasks ran.
        self.flush()
        self._record_failure(task, outcome, duration_ms, fields)
        django_bridge.send_finished(task)

    def _restore_handlers(self, fields: _Fields) -> None:
        """Put back a signal handler the task replaced: a task that ignored SIGTERM would
        keep its worker from stopping until the supervisor's grace ran out and it was killed,
        with whatever it held."""
        for signum, handler in self._handlers.items():
            if signal.getsignal(signum) != handler:
                signal.signal(signum, handler)
                logger.warning(
                    "task replaced the worker's %s handler, which was put back: %s",
                    signal.Signals(signum).name,
                    fields,
                )

    def _record_failure(
        self, task: ClaimedTask, failure: Failure, duration_ms: float, log_fields: _Fields
    ) -> None:
        status = fail(get_broker(), task, failure, duration_ms)
        if status is None:
            logger.warning("task outcome dropped (a newer attempt owns it): %s", log_fields)
        elif status == "retry":
            self.stats.task_finished(task, "retried", duration_ms)
            logger.info(
                "task retried: %s error=%s: %s",
                log_fields,
                failure.error_type,
                failure.error_message,
            )
        else:
            self.stats.task_finished(task, "failed", duration_ms)
            logger.warning(
                "task failed: %s error=%s: %s",
                log_fields,
                failure.error_type,
                failure.error_message,
            )


def _ms_since(started: float) -> float:
    return (time.monotonic() - started) * 1000

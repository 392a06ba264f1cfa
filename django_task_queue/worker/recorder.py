"""The outcomes a worker has not recorded yet, and their recording: successes in batches (carried
by the next claim's statement), failures and releases at once and in order, claimed tasks given
back unstarted. The loop, the claim-ahead thread and the heartbeat all record through it."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Sequence

from django.utils import timezone

from django_task_queue.broker.client import Broker
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.outcomes import ClaimedTask, Completed, Failure, Outcome, Success
from django_task_queue.states import TaskStatus
from django_task_queue.worker import django_bridge
from django_task_queue.worker.deps import TaskStore
from django_task_queue.worker.held import ClaimResult, HeldTasks, Running
from django_task_queue.worker.stats import WorkerStats

logger = logging.getLogger("django_task_queue.worker")

# The longest the heartbeat waits for a claim ahead in flight before a hard-timeout exit.
_CLAIM_AHEAD_WAIT_S = 10.0


class TaskFields:
    """A task's log fields, formatted only when a log line is really written."""

    __slots__ = ("task", "worker_id")

    def __init__(self, task: ClaimedTask, worker_id: str) -> None:
        self.task = task
        self.worker_id = worker_id

    def __str__(self) -> str:
        task = self.task
        return (
            f"task_id={task.id} task_name={task.task_name} attempt={task.attempt} "
            f"worker={self.worker_id} queue={task.queue_name}"
        )


class OutcomeRecorder:
    """Owns the successes not yet recorded; records every outcome, counts and logs it.

    Only the loop's thread changes the successes kept, except the heartbeat at a hard timeout
    just before the process exits (without a supervisor only): with one slot the loop's thread
    is stuck in task code then; with several it may be recording too, and a success recorded
    twice is fenced out the second time. Every method that writes takes the broker of the
    thread that calls it.
    """

    def __init__(
        self,
        store: TaskStore,
        queue_names: Sequence[str],
        worker_id: str,
        stats: WorkerStats,
    ) -> None:
        self.store = store
        self.queue_names = list(queue_names)
        self.worker_id = worker_id
        self.stats = stats
        self._completed: list[Completed] = []

    # -- successes, recorded in batches ------------------------------------------------------

    def record(
        self, broker: Broker, task: ClaimedTask, outcome: Outcome, duration_ms: float
    ) -> None:
        """Keep a success for the next claim to record; record a failure now, after the
        successes before it (outcomes are recorded in the order the tasks ran)."""
        if isinstance(outcome, Success):
            self._completed.append(
                Completed(task, outcome.result_json, duration_ms, timezone.now())
            )
            return
        self.flush(broker)
        self._record_failure(broker, task, outcome, duration_ms)
        django_bridge.send_finished(task)

    def take(self) -> list[Completed]:
        """The successes kept, for a claim to record in its statement."""
        done, self._completed = self._completed, []
        return done

    def keep(self, done: list[Completed]) -> None:
        """Successes whose claim failed: kept for the next try (a fenced write makes a repeat
        harmless), rather than left to run again once their leases run out."""
        self._completed = [*done, *self._completed]

    def claim(self, broker: Broker, count: int) -> list[ClaimedTask] | None:
        """Record the successes kept and claim up to `count` tasks in one statement (see
        `complete_and_claim`); None when nothing was ready."""
        done = self.take()
        try:
            applied, batch = self.record_and_claim(broker, done, count)
        except (BrokerUnavailableError, StoreUnavailableError):
            self.keep(done)
            raise
        self.report(done, applied)
        return batch

    def record_and_claim(self, broker: Broker, done: list[Completed], count: int) -> ClaimResult:
        """The statement alone, from any thread; the caller reports `done` with its answer."""
        return self.store.complete_and_claim(broker, done, self.queue_names, self.worker_id, count)

    def flush(self, broker: Broker) -> None:
        """Record the successes kept, in one statement, then drop their leases."""
        if not self._completed:
            return
        done = self.take()
        try:
            applied = self.store.complete_many(broker, done)
        except (BrokerUnavailableError, StoreUnavailableError):
            self.keep(done)  # else they would stay `processing`, renewed, while this worker lives
            raise
        self.report(done, applied)

    def report(self, done: list[Completed], applied: set[uuid.UUID]) -> None:
        """Count, log and signal recorded successes."""
        for item in done:
            fields = TaskFields(item.task, self.worker_id)
            if item.task.id in applied:
                self.stats.task_finished(item.task, "succeeded", item.duration_ms)
                logger.info("task succeeded: %s duration_ms=%.1f", fields, item.duration_ms)
            else:
                logger.warning("task outcome dropped (a newer attempt owns it): %s", fields)
            django_bridge.send_finished(item.task)

    # -- other outcomes, recorded at once ----------------------------------------------------

    def _record_failure(
        self, broker: Broker, task: ClaimedTask, failure: Failure, duration_ms: float
    ) -> None:
        fields = TaskFields(task, self.worker_id)
        status = self.store.fail(broker, task, failure, duration_ms)
        if status is None:
            logger.warning("task outcome dropped (a newer attempt owns it): %s", fields)
        elif status == "retry":
            self.stats.task_finished(task, "retried", duration_ms)
            logger.info(
                "task retried: %s error=%s: %s", fields, failure.error_type, failure.error_message
            )
        else:
            self.stats.task_finished(task, "failed", duration_ms)
            logger.warning(
                "task failed: %s error=%s: %s", fields, failure.error_type, failure.error_message
            )

    def release(self, broker: Broker, task: ClaimedTask, reason: str, duration_ms: float) -> None:
        """Give a task that did not finish back to its queue now, without spending a retry."""
        self.flush(broker)
        self.store.release(broker, task, reason, duration_ms)
        fields = TaskFields(task, self.worker_id)
        logger.warning("task released: %s (worker stopped at once)", fields)

    def give_back(self, broker: Broker, tasks: Sequence[ClaimedTask]) -> None:
        """Give back claimed tasks never started, as if they had not been claimed."""
        self.store.unclaim(broker, tasks)

    def settle_hard_timeout(
        self, broker: Broker, held: HeldTasks, running: Running
    ) -> TaskStatus | None:
        """Before the process exits at a hard timeout (from the heartbeat, while the loop's
        thread is stuck in task code): record what finished, give back what never started,
        record the timeout; its status, None when fenced out."""
        duration_ms = (time.monotonic() - running.started_monotonic) * 1000
        finished = {item.task.id for item in self._completed}
        claim_ahead = held.claim_ahead
        if claim_ahead is not None:
            with contextlib.suppress(Exception):
                claim_ahead.future.result(timeout=_CLAIM_AHEAD_WAIT_S)
        started = {run.task.id: run for run in held.running()}
        unstarted = [
            task for task in held.leased() if task.id not in finished and task.id not in started
        ]
        self.flush(broker)
        self.give_back(broker, unstarted)
        now = time.monotonic()
        for other in started.values():  # other slots' tasks: interrupted, no retry spent
            if other.task.id != running.task.id:
                reason = "Its worker process exited at another task's hard timeout."
                self.store.release(
                    broker, other.task, reason, (now - other.started_monotonic) * 1000
                )
        status = self.store.fail_timed_out(broker, running.task, duration_ms)
        if status is not None:
            self.stats.task_finished(
                running.task, "retried" if status == "retry" else "failed", duration_ms
            )
        return status

"""One worker process's loop: claim a batch of the best ready tasks, run them in its slot one at a
time, hand each outcome to the recorder; block when idle.

Throughput comes from batching the bookkeeping, never from running out of priority order: before
each next task of a batch the loop makes sure nothing better has become ready, else it gives the
rest back. What to do is decided in `decisions.py`; this module acts on it.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Sequence

from django.utils import timezone

from django_task_queue.broker.client import WorkerRecord
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.outcomes import ClaimedTask, Outcome
from django_task_queue.timeutil import to_ms
from django_task_queue.worker.claim_ahead import ClaimAhead
from django_task_queue.worker.decisions import (
    Move,
    Pace,
    Tuning,
    batch_size,
    claims_ahead,
    looks_before,
    next_move,
    tasks_left,
)
from django_task_queue.worker.deps import WorkerDeps
from django_task_queue.worker.heartbeat import Heartbeat, registry_record
from django_task_queue.worker.held import ClaimInFlight, HeldTasks
from django_task_queue.worker.lookout import Lookout
from django_task_queue.worker.options import WorkerOptions
from django_task_queue.worker.outage import Outage
from django_task_queue.worker.recorder import OutcomeRecorder
from django_task_queue.worker.slot import InlineSlot, Interrupted
from django_task_queue.worker.stats import WorkerStats
from django_task_queue.worker.stop_signals import StopSignals
from django_task_queue.worker.waker import until_rate_allows

logger = logging.getLogger("django_task_queue.worker")

# An idle worker's blocking pop stays under the socket's 30 s read timeout, past which the
# connection would look dead.
_MAX_WAIT_S = 25.0


class Worker:
    """Runs tasks of its queues until told to stop. Under a supervisor it shows what it runs on
    the supervisor's board (`deps.board`) and the supervisor keeps its leases; without one, its
    heartbeat keeps them."""

    def __init__(
        self,
        options: WorkerOptions,
        worker_id: str,
        deps: WorkerDeps,
        *,
        tuning: Tuning | None = None,
    ) -> None:
        self.options = options
        self.worker_id = worker_id
        self.broker = deps.broker
        self.queue_names = list(options.queues)
        self.tasks_done = 0
        self.started_at_ms = to_ms(timezone.now())
        self.signals = StopSignals(worker_id)
        self.stats = WorkerStats()  # metric counts; the heartbeat writes them to Redis
        self.held = HeldTasks(deps.board)
        self.recorder = OutcomeRecorder(deps.store, options.queues, worker_id, self.stats)
        self.slot = InlineSlot(0, self.held, self.signals, self.stats, worker_id)
        self.tuning = tuning or Tuning()
        self.pace = Pace(self.tuning.assumed_task_ms)
        self.claim_ahead = (
            ClaimAhead(self.recorder, deps.store, deps.thread_broker)
            if self.tuning.claim_ahead_max_task_ms > 0
            else None
        )
        self.lookout = Lookout(self.broker, self.queue_names, self.held, self.tuning)
        self.heartbeat = Heartbeat(self, self.held, self.recorder, deps)
        self.outage = Outage(worker_id, deps.store)
        # Left by a store outage in the middle of a batch, settled at the next step: outcomes
        # not recorded yet, and claimed tasks never started (given back). Dropped, they would
        # stay `processing`, their leases renewed by the supervisor for as long as this lives.
        self._unrecorded: list[tuple[ClaimedTask, Outcome | Interrupted, float]] = []
        self._unstarted: list[ClaimedTask] = []
        self._settled: set[uuid.UUID] = set()  # of the batch in hand: started or given back

    @property
    def stopping(self) -> bool:
        return self.signals.stopping

    def stop(self) -> None:
        """Stop claiming; the task running now finishes (what a first SIGTERM does)."""
        self.signals.stop()

    def record(self) -> WorkerRecord:
        """This worker's entry in the registry of live workers."""
        return registry_record(self)

    def keep_announcements_drained(self) -> None:
        self.lookout.keep_announcements_drained()

    # -- the loop ----------------------------------------------------------------------------

    def run(self, *, supervised: bool = False) -> int:
        self.signals.install(supervised=supervised)
        self.heartbeat.start()
        logger.info("worker %s started on queues %s", self.worker_id, ",".join(self.queue_names))
        try:
            self._loop()
            self.finish()
        finally:
            if self.claim_ahead is not None:
                self.claim_ahead.close()
            self.heartbeat.stop()
            self.broker.stop_listening()
            with contextlib.suppress(BrokerUnavailableError):
                self.broker.flush_acks()
                self.broker.flush_events()  # its flusher thread dies with the process
                self.broker.remove_worker(self.worker_id)
        logger.info("worker %s stopped after %d task(s)", self.worker_id, self.tasks_done)
        return 0

    def _loop(self) -> None:
        while not self.stopping and not self._limit_reached():
            try:
                ran = self.step(min(self.options.poll_interval_s, _MAX_WAIT_S))
                if not ran and self.options.burst:
                    return
                self.outage.passed()
            except (BrokerUnavailableError, StoreUnavailableError) as exc:
                self.signals.woken.wait(self.outage.failed(exc))

    def _limit_reached(self) -> bool:
        """Whether `--max-tasks` tasks have run (asked before every task: kept to a compare)."""
        max_tasks = self.options.max_tasks
        return max_tasks is not None and self.tasks_done >= max_tasks

    def step(self, wait_s: float) -> bool:
        """Claim and run a batch of tasks, or block up to `wait_s` for one; False when none was
        ready. The previous batch's successes are recorded in the claim's statement."""
        self._settle_left_by_outage()
        in_flight, batch = self._take_batch()
        if batch is None:
            if in_flight is not None:
                if self.claim_ahead is not None:
                    self.claim_ahead.flush_acks()
                return self.step(wait_s)  # claimed ahead too early: look again, at once
            if self.options.burst:
                self.broker.flush_acks()  # no next claim will carry them
            else:
                self.broker.wait_for_work(self.queue_names, until_rate_allows(self.broker, wait_s))
            return False
        self.held.batch = batch
        self._settled = set()
        try:
            self._run_batch(batch, claimed_ahead=in_flight is not None)
        except (BrokerUnavailableError, StoreUnavailableError):
            self._unstarted = [task for task in batch if task.id not in self._settled]
            raise
        except BaseException:
            self.recorder.flush(self.broker)
            raise
        finally:
            self.held.batch = ()
        return True

    def _settle_left_by_outage(self) -> None:
        """Record the outcomes and give back the unstarted tasks an outage left; kept for the
        next step while a store is still down."""
        while self._unrecorded:
            self._account(*self._unrecorded[0])
            self._unrecorded.pop(0)
        if self._unstarted:
            self.held.batch = self._unstarted
            self.recorder.give_back(self.broker, self._unstarted)
            self._unstarted = []
            self.held.batch = ()

    def _run_batch(self, batch: list[ClaimedTask], *, claimed_ahead: bool) -> None:
        for index, task in enumerate(batch):
            give_back = looks_before(index, claimed_ahead=claimed_ahead) and (
                self._should_give_back(task)
            )
            move = next_move(index=index, after_loss=task.after_loss, give_back=give_back)
            if move is Move.GIVE_BACK:
                self._give_back(batch[index:])
                return
            if move is Move.RUN_ALONE:
                self._run_alone(task, batch[index + 1 :])
                return
            if move is Move.RUN_FIRST:
                self.pace.after_losses = False
                # Only now: a claim ahead made before that look could take a better task.
                self._start_claim_ahead(len(batch))
            self._run(task)

    def _take_batch(self) -> tuple[ClaimInFlight | None, list[ClaimedTask] | None]:
        """The batch claimed ahead, if any, else one claimed now; either way the successes its
        claim carried are reported."""
        in_flight, self.held.claim_ahead = self.held.claim_ahead, None
        if in_flight is not None:
            try:
                applied, batch = in_flight.future.result()  # the thread's outage errors
            except (BrokerUnavailableError, StoreUnavailableError):
                self.recorder.keep(in_flight.done)
                raise
            self.recorder.report(in_flight.done, applied)
            self.lookout.took_claim_ahead(in_flight)
            return in_flight, batch
        look = self.lookout.before_claim()
        left = tasks_left(self.options.max_tasks, self.tasks_done)
        batch = self.recorder.claim(self.broker, batch_size(self.pace, left=left))
        self.lookout.last = look
        return None, batch

    def _start_claim_ahead(self, batch_len: int) -> None:
        """Claim the next batch on the claim-ahead thread while this one runs, when tasks are
        short enough that holding a batch back from other workers costs little."""
        claim_ahead = self.claim_ahead
        if claim_ahead is None or not claims_ahead(self.pace, self.tuning, stopping=self.stopping):
            self.recorder.flush(self.broker)  # the previous batch's, which no claim will carry now
            if claim_ahead is not None:
                claim_ahead.flush_acks()
            return
        left = tasks_left(self.options.max_tasks, self.tasks_done, batch_len)
        count = batch_size(self.pace, left=left)
        if count <= 0:
            self.recorder.flush(self.broker)
            return
        self.held.claim_ahead = claim_ahead.start(self.recorder.take(), count, self.broker.pushes)

    def _should_give_back(self, task: ClaimedTask) -> bool:
        """Before the next task of a batch: stop if stopping, or if something better is ready."""
        return self.signals.stopping or self._limit_reached() or self.lookout.finds_better(task)

    def _run_alone(self, task: ClaimedTask, rest: Sequence[ClaimedTask]) -> None:
        """Run a task whose last attempt was lost with nothing else of this worker at stake: the
        reaper counts a loss against every task a dead worker held, so a task that kills its
        worker must not take others down with it (docs/architecture.md)."""
        self._give_back_claim_ahead()
        self._give_back(rest)
        self.recorder.flush(self.broker)
        self.held.batch = (task,)
        self.pace.after_losses = True
        logger.info("running task %s alone: its last attempt was lost with its worker", task.id)
        self._run(task)

    def _give_back(self, tasks: Sequence[ClaimedTask]) -> None:
        self.recorder.give_back(self.broker, tasks)
        self._settled.update(task.id for task in tasks)

    def _run(self, task: ClaimedTask) -> None:
        self._settled.add(task.id)  # from here on it is not given back: it has started
        outcome, duration_ms = self.slot.run(task)
        try:
            self._account(task, outcome, duration_ms)
        except (BrokerUnavailableError, StoreUnavailableError):
            self._unrecorded.append((task, outcome, duration_ms))
            raise

    def _account(
        self, task: ClaimedTask, outcome: Outcome | Interrupted, duration_ms: float
    ) -> None:
        if isinstance(outcome, Interrupted):
            reason = "The worker was stopped by a second signal."
            self.recorder.release(self.broker, task, reason, duration_ms)
            return
        self.tasks_done += 1
        self.pace.ran(duration_ms)
        self.recorder.record(self.broker, task, outcome, duration_ms)

    # -- on the way out ----------------------------------------------------------------------

    def finish(self) -> None:
        """Give back a batch claimed ahead and record the successes left."""
        self._give_back_claim_ahead()
        self.recorder.flush(self.broker)

    def close(self) -> None:
        """`finish`, then end the claim-ahead thread (run() does both itself)."""
        self.finish()
        if self.claim_ahead is not None:
            self.claim_ahead.close()

    def _give_back_claim_ahead(self) -> None:
        in_flight, self.held.claim_ahead = self.held.claim_ahead, None
        if in_flight is None:
            return
        try:
            applied, batch = in_flight.future.result()
        except (BrokerUnavailableError, StoreUnavailableError) as exc:
            # Its tasks stay leased and run again once the leases run out.
            logger.warning("worker %s: the batch claimed ahead is lost: %s", self.worker_id, exc)
        else:
            self.recorder.report(in_flight.done, applied)
            self.recorder.give_back(self.broker, batch or [])

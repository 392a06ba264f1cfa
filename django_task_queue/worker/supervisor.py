"""The parent of a worker run: forks N worker processes, keeps the leases of the tasks they hold,
settles those tasks when one ends or passes a hard timeout (see lease_keeper.py), restarts any
that dies (with a back-off against crash loops), runs the scheduler and the maintenance loops,
and stops everything on a signal."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from types import FrameType

from django.db import connections

from django_task_queue.broker.client import get_broker
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.schedules.scheduler import Scheduler
from django_task_queue.worker import identity
from django_task_queue.worker.decisions import Tuning
from django_task_queue.worker.deps import WorkerDeps
from django_task_queue.worker.heartbeat import EXIT_HARD_TIMEOUT
from django_task_queue.worker.lease_keeper import Child, LeaseKeeper
from django_task_queue.worker.loop import Worker
from django_task_queue.worker.maintenance import Maintenance
from django_task_queue.worker.options import WorkerOptions
from django_task_queue.worker.pool_loop import ConcurrentWorker
from django_task_queue.worker.running_board import RunningBoard

logger = logging.getLogger("django_task_queue.supervisor")

_MIN_HEALTHY_S = 10.0
_MAX_RESTART_DELAY_S = 30.0
_KILL_AFTER_S = 10.0


@dataclass
class _Slot(Child):
    index: int = 0
    started: float = 0.0
    restart_delay_s: float = 0.0
    restart_at: float = 0.0
    finished: bool = False


class Supervisor:
    def __init__(self, options: WorkerOptions) -> None:
        self.options = options
        self.base_id = options.worker_id or f"{socket.gethostname()}:{os.getpid()}"
        # Each board is mapped before any fork, so every child of the slot shares it.
        self.slots = [
            _Slot(
                worker_id=self._worker_id(i),
                board=RunningBoard(slots=options.concurrency),
                index=i,
            )
            for i in range(options.workers)
        ]
        self.maintenance = Maintenance() if options.maintenance else None
        self.scheduler = Scheduler() if options.scheduler and not options.burst else None
        self.keeper = LeaseKeeper()
        self.signals_received = 0
        self.stop_requested_at: float | None = None

    def _worker_id(self, index: int) -> str:
        if self.options.workers == 1 and self.options.worker_id:
            return self.options.worker_id
        return f"{self.base_id}-{index + 1}"

    def _take_own_ids(self) -> None:
        """Ids no live process elsewhere uses (worker/identity.py), before any is adopted."""
        base = identity.own_base_id(get_broker(), self.base_id, [s.worker_id for s in self.slots])
        if base != self.base_id:
            self.base_id = base
            for slot in self.slots:
                single = self.options.workers == 1 and self.options.worker_id
                slot.worker_id = base if single else f"{base}-{slot.index + 1}"

    def worker_id(self, slot: _Slot) -> str:
        return slot.worker_id

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals_received += 1
        if self.signals_received == 1:
            self.stop_requested_at = time.monotonic()
            logger.info("stopping: waiting for running tasks (a second signal stops at once)")
        self._signal_children(signal.SIGTERM)

    def _signal_children(self, signum: int) -> None:
        for slot in self.slots:
            if slot.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.pid, signum)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        if self.maintenance is not None and self.options.burst:
            # Burst mode drains what is due, so make everything due visible first.
            self.maintenance.run_all()
        self._take_own_ids()
        self.keeper.adopt(self.slots)  # tasks left by an earlier run under the same ids
        for slot in self.slots:
            self._spawn(slot)
        while any(slot.pid is not None or not slot.finished for slot in self.slots):
            self._reap_children()
            self.keeper.settle(self.slots, stopping=self.signals_received >= 2)
            if self.signals_received:
                self._escalate()
            else:
                self._restart_due()
            self.keeper.keep(self.slots)
            wait_s = 0.2
            if not self.signals_received:
                if self.scheduler is not None:
                    wait_s = min(wait_s, self.scheduler.tick())
                if self.maintenance is not None:
                    wait_s = min(wait_s, self.maintenance.tick())
            # While PostgreSQL is down a stopping run does not wait past the kill for it: the
            # reaper settles what is left once the leases run out.
            settled = all(slot.settled for slot in self.slots) or self._past_kill()
            if (
                all(slot.pid is None for slot in self.slots)
                and settled
                and (self.signals_received or all(slot.finished for slot in self.slots))
            ):
                break
            time.sleep(max(wait_s, 0.01))
        with contextlib.suppress(BrokerUnavailableError):
            get_broker().flush_events()  # what the last settlements recorded
        logger.info("all workers stopped")
        return 0

    def _past_kill(self) -> bool:
        if self.stop_requested_at is None:
            return False
        waited = time.monotonic() - self.stop_requested_at
        return waited > get_settings().SHUTDOWN_GRACE_S + _KILL_AFTER_S

    def _escalate(self) -> None:
        """After the grace period, tell workers to stop at once; later, kill what is left."""
        assert self.stop_requested_at is not None
        waited = time.monotonic() - self.stop_requested_at
        grace = get_settings().SHUTDOWN_GRACE_S
        if waited > grace and self.signals_received == 1:
            self.signals_received = 2
            self._signal_children(signal.SIGTERM)
        if waited > grace + _KILL_AFTER_S:
            self._signal_children(signal.SIGKILL)

    def _spawn(self, slot: _Slot) -> None:
        slot.board.clear()
        # A forked child must not share the parent's PostgreSQL socket.
        connections.close_all()
        pid = os.fork()
        if pid == 0:
            self._child(slot)
        slot.pid = pid
        slot.started = time.monotonic()
        logger.info("worker %s started as pid %d", self.worker_id(slot), pid)

    def _child(self, slot: _Slot) -> None:
        code = 1
        try:
            deps = WorkerDeps.for_this_thread(board=slot.board)
            worker: Worker | ConcurrentWorker
            if self.options.concurrency > 1:
                worker = ConcurrentWorker(self.options, slot.worker_id, deps)
            else:
                tuning = Tuning(claim_ahead_max_task_ms=get_settings().PREFETCH_MAX_TASK_MS)
                worker = Worker(self.options, slot.worker_id, deps, tuning=tuning)
            code = worker.run(supervised=True)
        except BaseException:
            logger.exception("worker %s crashed", self.worker_id(slot))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            connections.close_all()
            os._exit(code)

    def _reap_children(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            slot = next((s for s in self.slots if s.pid == pid), None)
            if slot is None:
                continue
            slot.pid = None
            code = os.waitstatus_to_exitcode(status)
            slot.ended(pid, code)  # its tasks are settled before anything replaces it
            if code == 0:
                slot.finished = True
                continue
            lived_s = time.monotonic() - slot.started
            if code == EXIT_HARD_TIMEOUT or slot.timed_out or lived_s >= _MIN_HEALTHY_S:
                slot.restart_delay_s = 0.0
            else:
                slot.restart_delay_s = min(_MAX_RESTART_DELAY_S, max(0.5, slot.restart_delay_s * 2))
            slot.restart_at = time.monotonic() + slot.restart_delay_s
            logger.warning(
                "worker %s (pid %d) exited with %d; restarting in %.1f s",
                self.worker_id(slot),
                pid,
                code,
                slot.restart_delay_s,
            )

    def _restart_due(self) -> None:
        now = time.monotonic()
        for slot in self.slots:
            if slot.pid is None and slot.settled and not slot.finished and now >= slot.restart_at:
                self._spawn(slot)

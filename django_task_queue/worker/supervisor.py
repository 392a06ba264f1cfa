"""The parent of a worker run: forks N worker processes, restarts any that dies (with a back-off
against crash loops), runs the maintenance loops, and stops everything on a signal."""

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

from django_task_queue.conf import get_settings
from django_task_queue.worker.decisions import Tuning
from django_task_queue.worker.deps import WorkerDeps
from django_task_queue.worker.heartbeat import EXIT_HARD_TIMEOUT
from django_task_queue.worker.loop import Worker
from django_task_queue.worker.maintenance import Maintenance
from django_task_queue.worker.options import WorkerOptions

logger = logging.getLogger("django_task_queue.supervisor")

_MIN_HEALTHY_S = 10.0
_MAX_RESTART_DELAY_S = 30.0
_KILL_AFTER_S = 10.0


@dataclass
class _Child:
    """One worker process the supervisor keeps running (not a task slot: a worker process's
    room for one running task)."""

    index: int
    pid: int | None = None
    started: float = 0.0
    restart_delay_s: float = 0.0
    restart_at: float = 0.0
    finished: bool = False


class Supervisor:
    def __init__(self, options: WorkerOptions) -> None:
        self.options = options
        self.children = [_Child(index=i) for i in range(options.workers)]
        self.maintenance = Maintenance() if options.maintenance else None
        self.signals_received = 0
        self.stop_requested_at: float | None = None
        self.base_id = options.worker_id or f"{socket.gethostname()}:{os.getpid()}"

    def worker_id(self, child: _Child) -> str:
        if self.options.workers == 1 and self.options.worker_id:
            return self.options.worker_id
        return f"{self.base_id}-{child.index + 1}"

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals_received += 1
        if self.signals_received == 1:
            self.stop_requested_at = time.monotonic()
            logger.info("stopping: waiting for running tasks (a second signal stops at once)")
        self._signal_children(signal.SIGTERM)

    def _signal_children(self, signum: int) -> None:
        for child in self.children:
            if child.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signum)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        if self.maintenance is not None and self.options.burst:
            # Burst mode drains what is due, so make everything due visible first.
            self.maintenance.run_all()
        for child in self.children:
            self._spawn(child)
        while any(child.pid is not None or not child.finished for child in self.children):
            self._reap_children()
            if self.signals_received:
                self._escalate()
            else:
                self._restart_due()
            wait_s = 0.2
            if self.maintenance is not None and not self.signals_received:
                wait_s = min(wait_s, self.maintenance.tick())
            if all(child.pid is None for child in self.children) and (
                self.signals_received or all(child.finished for child in self.children)
            ):
                break
            time.sleep(max(wait_s, 0.01))
        logger.info("all workers stopped")
        return 0

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

    def _spawn(self, child: _Child) -> None:
        # A forked child must not share the parent's PostgreSQL socket.
        connections.close_all()
        pid = os.fork()
        if pid == 0:
            self._run_child(child)
        child.pid = pid
        child.started = time.monotonic()
        logger.info("worker %s started as pid %d", self.worker_id(child), pid)

    def _run_child(self, child: _Child) -> None:
        code = 1
        try:
            worker = Worker(
                self.options,
                self.worker_id(child),
                WorkerDeps.for_this_thread(),
                tuning=Tuning(claim_ahead_max_task_ms=get_settings().PREFETCH_MAX_TASK_MS),
            )
            code = worker.run(supervised=True)
        except BaseException:
            logger.exception("worker %s crashed", self.worker_id(child))
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
            child = next((c for c in self.children if c.pid == pid), None)
            if child is None:
                continue
            child.pid = None
            code = os.waitstatus_to_exitcode(status)
            if code == 0:
                child.finished = True
                continue
            lived_s = time.monotonic() - child.started
            if code == EXIT_HARD_TIMEOUT or lived_s >= _MIN_HEALTHY_S:
                child.restart_delay_s = 0.0
            else:
                child.restart_delay_s = min(
                    _MAX_RESTART_DELAY_S, max(0.5, child.restart_delay_s * 2)
                )
            child.restart_at = time.monotonic() + child.restart_delay_s
            logger.warning(
                "worker %s (pid %d) exited with %d; restarting in %.1f s",
                self.worker_id(child),
                pid,
                code,
                child.restart_delay_s,
            )

    def _restart_due(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.pid is None and not child.finished and now >= child.restart_at:
                self._spawn(child)

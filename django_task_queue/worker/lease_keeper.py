"""The supervisor's keeping of its children's leases: renew them while a child lives, kill a
child whose task is past its hard timeout, and settle what a child held when it ends.

A lease is kept by the process that runs no task code, so a task that holds the GIL or blocks
in C cannot starve it; a child's death is seen at once (waitpid), so its tasks go back without
waiting for their leases to run out. See docs/architecture.md, "Who keeps a lease".
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django_task_queue.broker.client import get_broker
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.transitions.supervised import (
    fail_at_hard_timeout,
    release_worker_tasks,
    renew_worker_leases,
)
from django_task_queue.worker.running_board import RunningBoard, RunningTask

logger = logging.getLogger("django_task_queue.supervisor")


@dataclass
class Child:
    """One worker process slot as the keeper sees it; the supervisor forks into it."""

    worker_id: str
    board: RunningBoard
    pid: int | None = None
    # Set when the keeper killed the child at a hard timeout: the tasks it was running.
    timed_out: list[RunningTask] = field(default_factory=list)
    # How the last child ended, until what it held is settled: (pid, exit code).
    unsettled: tuple[int, int] | None = None

    def ended(self, pid: int, code: int) -> None:
        self.unsettled = (pid, code)

    @property
    def settled(self) -> bool:
        return self.unsettled is None


class LeaseKeeper:
    """Renews, times out and settles the leases of a supervisor's children."""

    def __init__(self) -> None:
        self._renewed_at = 0.0
        self._unheld: frozenset[str] = frozenset()
        self._outage_logged = False

    def adopt(self, children: Sequence[Child]) -> None:
        """Before the first fork: settle tasks an earlier run left under these worker ids
        (a restarted container gets the same host name and pid), which would otherwise be
        renewed for ever. What ran then is unknown, so each counts as lost, as for the reaper."""
        for child in children:
            with self._outage_tolerated("settling an earlier run's tasks"):
                count = release_worker_tasks(
                    get_broker(),
                    child.worker_id,
                    None,
                    outcome="lost",
                    reason="An earlier worker process under the same id ended while running it.",
                )
                if count:
                    logger.warning(
                        "worker %s: %d task(s) of an earlier run settled", child.worker_id, count
                    )

    def keep(self, children: Sequence[Child]) -> None:
        """Each supervisor loop: kill children past a hard timeout; renew leases when due."""
        conf = get_settings()
        now_ms = time.time_ns() // 1_000_000
        for child in children:
            if child.pid is not None and not child.timed_out:
                overdue = [
                    task
                    for task in child.board.running()
                    if task.overdue_s(now_ms) > conf.HARD_TIMEOUT_GRACE_S
                ]
                if overdue:
                    self._kill(child, overdue)
        if time.monotonic() - self._renewed_at >= conf.HEARTBEAT_INTERVAL_S:
            live = [child for child in children if child.pid is not None]
            running = {str(task.task_id) for child in live for task in child.board.running()}
            with self._outage_tolerated("renewing leases"):
                renewal = renew_worker_leases(
                    get_broker(),
                    [child.worker_id for child in live],
                    end_if_unheld=self._unheld - running,
                )
                # Seen unheld and not running twice in a row, a lease ends (renew_worker_leases).
                self._unheld = renewal.unheld - running
                self._renewed_at = time.monotonic()

    def settle(self, children: Sequence[Child], *, stopping: bool) -> None:
        """Settle what each ended child held; a store outage leaves it for the next loop."""
        for child in children:
            if child.unsettled is not None:
                with self._outage_tolerated("settling a stopped worker's tasks"):
                    self._settle(child, stopping=stopping)

    def _settle(self, child: Child, *, stopping: bool) -> None:
        assert child.unsettled is not None
        pid, code = child.unsettled
        broker = get_broker()
        now_ms = time.time_ns() // 1_000_000
        timed_out = {(task.task_id, task.attempt) for task in child.timed_out}
        for task in child.timed_out:
            status = fail_at_hard_timeout(
                broker, task.task_id, task.attempt, now_ms - task.started_ms
            )
            logger.error(
                "hard timeout: task_id=%s attempt=%s worker=%s status=%s; process %d killed",
                task.task_id,
                task.attempt,
                child.worker_id,
                status,
                pid,
            )
        running = [
            (task.task_id, task.attempt)
            for task in child.board.running()
            if (task.task_id, task.attempt) not in timed_out
        ]
        if stopping:
            reason = "Its worker process was killed after the shutdown grace period."
        elif child.timed_out:
            reason = "Its worker process was killed at another task's hard timeout."
        else:
            reason = f"Its worker process (pid {pid}) died: {_describe(code)}."
        release_worker_tasks(
            broker,
            child.worker_id,
            running,
            outcome="interrupted" if stopping or child.timed_out else "lost",
            reason=reason,
        )
        child.unsettled = None
        child.timed_out = []

    def _kill(self, child: Child, overdue: list[RunningTask]) -> None:
        assert child.pid is not None
        logger.error(
            "worker %s (pid %d): task %s is past its hard timeout; killing the process",
            child.worker_id,
            child.pid,
            ", ".join(str(task.task_id) for task in overdue),
        )
        child.timed_out = overdue
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)

    @contextlib.contextmanager
    def _outage_tolerated(self, doing: str) -> Iterator[None]:
        try:
            yield
        except (BrokerUnavailableError, StoreUnavailableError) as exc:
            if not self._outage_logged:
                logger.warning("supervisor: %s failed, will retry: %s", doing, exc)
                self._outage_logged = True
        else:
            self._outage_logged = False


def _describe(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"

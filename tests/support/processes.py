"""Real `run_worker` subprocesses for end-to-end tests, pointed at the test database and keys."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection

from django_task_queue.broker.client import get_broker
from tests.conftest import TEST_PREFIX, TEST_REDIS_CLUSTER, TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
# The test task modules every process of the tests imports at start-up, as a project lists its own.
TEST_TASK_MODULES = "tests.support.tasks,tests.support.django_tasks"

# Short leases and fast maintenance keep recovery tests to seconds.
FAST_RECOVERY = {
    "LEASE_S": 2.0,
    "HEARTBEAT_INTERVAL_S": 0.4,
    "REAP_INTERVAL_S": 0.2,
    "RECONCILE_INTERVAL_S": 1.0,
    "RECONCILE_GRACE_S": 0.5,
    "WORKER_TTL_S": 3.0,
    "SHUTDOWN_GRACE_S": 10.0,
    "HARD_TIMEOUT_GRACE_S": 0.5,
}


def wait_for(condition: Callable[[], Any], *, timeout_s: float = 15.0, what: str = "") -> Any:
    """Poll `condition` until it returns something truthy; fail after the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what or condition}")
        time.sleep(0.05)


def database_url() -> str:
    conf = connection.settings_dict
    user = conf.get("USER") or "root"
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{conf['NAME']}"


def process_env(
    overrides: dict[str, Any] | None = None,
    *,
    database: str | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a `manage.py` process of the tests: their database (the test one
    unless named), Redis keys, task modules and fast recovery, then `extra`."""
    return {
        **os.environ,
        **(extra or {}),
        "DATABASE_URL": database or database_url(),
        "TASK_QUEUE_TASK_MODULES": TEST_TASK_MODULES,
        "TASK_QUEUE_OVERRIDES": json.dumps(
            {
                "REDIS_URL": TEST_REDIS_URL,
                "REDIS_CLUSTER": TEST_REDIS_CLUSTER,
                "KEY_PREFIX": TEST_PREFIX,
                # The example project's schedule would add tasks to every test's count; the
                # schedule tests turn the scheduler on with their own schedules.
                "SCHEDULER": False,
                **FAST_RECOVERY,
                **(overrides or {}),
            }
        ),
    }


class WorkerProcess:
    """One `manage.py run_worker` process in its own process group, with its log in a file."""

    def __init__(
        self,
        log_dir: Path,
        *args: str,
        overrides: dict[str, Any] | None = None,
        name: str = "w",
        database: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.log_path = log_dir / f"{name}.log"
        env = process_env(overrides, database=database, extra=extra_env)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--log-level=DEBUG", *args],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text()

    def child_pids(self) -> list[int]:
        """Live worker processes of this run, from the worker registry."""
        return sorted(
            record.pid
            for record in get_broker().workers()
            if record.pid != self.pid and _parent_of(record.pid) == self.pid
        )

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def kill_group(self) -> None:
        os.killpg(self.pid, signal.SIGKILL)

    def wait(self, timeout_s: float = 20.0) -> int:
        return self.process.wait(timeout=timeout_s)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._log.close()


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces; the fields after its closing parenthesis do not.
    return int(stat.rsplit(")", 1)[1].split()[1])


def process_state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None

"""PostgreSQL crashes under a busy worker: the commits it had not flushed are lost (a worker's
claims and outcomes do not wait for the flush), and every task still ends succeeded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import IN_CI
from tests.support.markers import labels
from tests.support.processes import ROOT, WorkerProcess, process_env, wait_for
from tests.support.servers import as_owner, free_port, owned_workdir

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]

TASKS = 2_000


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class SparePostgres:
    """A throwaway PostgreSQL server of Debian's binaries on a free port, owned by one test."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.prefix, user = as_owner()
        self.workdir = owned_workdir("dtq-pg-", user)
        self.data = self.workdir / "data"

    @property
    def url(self) -> str:
        return f"postgres://root@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self.prefix, *args], check=True, capture_output=True, cwd=self.workdir, timeout=60
        )

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "root", "--auth=trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.workdir} "
            # The WAL writer flushes the commits nobody waits for every 200 ms by default: left
            # to the other sessions' flushes, a crash loses more of them.
            "-c wal_writer_delay=10s -c wal_writer_flush_after=1GB -c max_connections=50"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "start", "-w", "-D", str(self.data),
            "-l", str(self.workdir / "server.log"), "-o", options,
        )  # fmt: skip

    def crash(self) -> None:
        """Stop at once, as a crash does: what was not flushed to the WAL is gone."""
        self._run(
            str(self.bindir / "pg_ctl"), "stop", "-m", "immediate", "-w", "-D", str(self.data)
        )

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.prefix, str(self.bindir / "pg_ctl"), "stop", "-m", "immediate", "-D",
                 str(self.data)],
                capture_output=True, cwd=self.workdir, timeout=60, check=False,
            )  # fmt: skip
        shutil.rmtree(self.workdir, ignore_errors=True)

    def rows(self, sql: str) -> list[tuple[Any, ...]] | None:
        """The rows of a query, or None while the server does not answer."""
        try:
            with psycopg.connect(self.url, connect_timeout=2) as conn:
                return conn.execute(sql).fetchall()
        except psycopg.OperationalError:
            return None


@pytest.fixture
def spare_postgres() -> Iterator[SparePostgres]:
    bindir = _postgres_bin()
    missing = bindir is None or (os.geteuid() == 0 and shutil.which("runuser") is None)
    if missing:
        if IN_CI:
            pytest.fail("PostgreSQL's server binaries (and runuser) are needed under CI=true")
        pytest.skip("PostgreSQL's server binaries are not installed")
    assert bindir is not None
    server = SparePostgres(bindir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()


def _manage(database: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=process_env(database=database),
        check=True,
        capture_output=True,
        timeout=120,
    )


def _enqueue_short_tasks(database: str, marker_dir: Path) -> None:
    code = (
        "from django_task_queue.services import TaskSpec, enqueue_many\n"
        f"for start in range(0, {TASKS}, 1000):\n"
        "    enqueue_many(TaskSpec(task='test_sleep_then_record',\n"
        f"                          args=[{str(marker_dir)!r}, f't{{i}}', 0.002])\n"
        f"                 for i in range(start, min(start + 1000, {TASKS})))\n"
    )
    _manage(database, "shell", "-c", code)


def _count(server: SparePostgres, status: str) -> int | None:
    rows = server.rows(f"SELECT count(*) FROM django_task_queue_task WHERE status = '{status}'")
    return None if rows is None else int(rows[0][0])


def test_every_task_succeeds_after_postgresql_crashes_under_a_busy_worker(
    spare_postgres: SparePostgres, start_worker: StartWorker, marker_dir: Path
) -> None:
    # given 2,000 short tasks, half-drained by two worker processes
    _manage(spare_postgres.url, "migrate", "-v", "0")
    _enqueue_short_tasks(spare_postgres.url, marker_dir)
    run = start_worker("--workers=2", database=spare_postgres.url)
    wait_for(
        lambda: (_count(spare_postgres, "success") or 0) >= TASKS // 10,
        timeout_s=20,
        what="the drain to be under way",
    )

    # when PostgreSQL crashes, losing the commits not yet flushed, and starts again
    spare_postgres.crash()
    spare_postgres.start()

    # then every task ends succeeded, none stays processing, and each has one success
    wait_for(
        lambda: _count(spare_postgres, "success") == TASKS,
        timeout_s=40,
        what="every task to succeed",
    )
    assert run.process.poll() is None
    by_outcome = spare_postgres.rows(
        "SELECT outcome, count(*) FROM django_task_queue_attempt GROUP BY outcome"
    )
    assert by_outcome is not None
    outcomes = dict(by_outcome)
    assert outcomes.pop("success") == TASKS
    # A lost outcome leaves its attempt running until the reaper records it lost.
    assert set(outcomes) <= {"lost"}, outcomes
    assert (
        spare_postgres.rows(
            "SELECT task_id FROM django_task_queue_attempt WHERE outcome = 'success' "
            "GROUP BY task_id HAVING count(*) > 1"
        )
        == []
    )
    finished = {label.removeprefix("end:") for label in labels(marker_dir) if label[:4] == "end:"}
    assert finished == {f"t{i}" for i in range(TASKS)}  # each ran to its end at least once

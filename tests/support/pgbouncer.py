"""A real PgBouncer (Debian's `pgbouncer`) on a free port, in front of the machine's PostgreSQL:
what a test's processes connect through. On loopback in transaction pooling mode unless told: in
session mode it is a plain relay (each client keeps one server connection), which puts the
machine's PostgreSQL on another address without touching its configuration."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import psycopg
import pytest

from tests.conftest import IN_CI
from tests.support.servers import as_owner, free_port, owned_workdir

PGBOUNCER = "/usr/sbin/pgbouncer"
PoolMode = Literal["transaction", "session"]
# In transaction mode, fewer server connections than the processes of a test open: clients must
# share them, one transaction at a time, as behind a production pooler. In session mode each
# client holds one for as long as it is connected, so the pool must outnumber the clients (three
# worker hosts open about 20) or a client waits for one to be freed.
POOL_SIZES = {"transaction": 4, "session": 40}


class PgBouncer:
    def __init__(
        self,
        postgres_host: str,
        postgres_port: int,
        *,
        listen_host: str = "127.0.0.1",
        pool_mode: PoolMode = "transaction",
    ) -> None:
        self.listen_host = listen_host
        self.port = free_port(listen_host)
        self.prefix, user = as_owner()
        self.workdir = owned_workdir("dtq-pgbouncer-", user)
        (self.workdir / "users.txt").write_text('"root" ""\n')
        (self.workdir / "pgbouncer.ini").write_text(
            "\n".join(
                [
                    "[databases]",
                    f"* = host={postgres_host} port={postgres_port}",
                    "[pgbouncer]",
                    f"listen_addr = {listen_host}",
                    f"listen_port = {self.port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"auth_file = {self.workdir / 'users.txt'}",
                    f"pool_mode = {pool_mode}",
                    f"default_pool_size = {POOL_SIZES[pool_mode]}",
                    # Hand out server connections in turn, not the last one used: a client's
                    # next transaction lands on another session, as on a busy pool.
                    "server_round_robin = 1",
                    "max_client_conn = 500",
                    f"logfile = {self.workdir / 'pgbouncer.log'}",
                    f"pidfile = {self.workdir / 'pgbouncer.pid'}",
                    "",
                ]
            )
        )
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, database: str) -> str:
        return f"postgres://root@{self.listen_host}:{self.port}/{database}"

    def log(self) -> str:
        path = self.workdir / "pgbouncer.log"
        return path.read_text() if path.exists() else ""

    def start(self) -> None:
        self.process = subprocess.Popen(
            [*self.prefix, PGBOUNCER, str(self.workdir / "pgbouncer.ini")],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while not self._answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"PgBouncer did not start:\n{self.log()}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=1) as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError:
            return False
        return True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextmanager
def running_pgbouncer(
    postgres_host: str,
    postgres_port: int,
    *,
    listen_host: str = "127.0.0.1",
    pool_mode: PoolMode = "transaction",
) -> Iterator[PgBouncer]:
    """A started PgBouncer; skips the test when Debian's package is missing (fails under CI)."""
    if not Path(PGBOUNCER).exists():
        if IN_CI:
            pytest.fail("pgbouncer is needed under CI=true (make test installs it)")
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
    server = PgBouncer(postgres_host, postgres_port, listen_host=listen_host, pool_mode=pool_mode)
    try:
        server.start()
        yield server
    finally:
        server.stop()

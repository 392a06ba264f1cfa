"""PostgreSQL and Redis servers of the benchmark's own, on free ports, so that every commit, WAL
byte, command and CPU second counted on them is the queue's (the machine's servers also count
every other client's). Each uses the machine's binaries; PostgreSQL takes the machine's server's
settings that bear on throughput."""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import redis

# The settings copied from the machine's server, when it answers.
PG_SETTINGS = (
    "shared_buffers",
    "max_wal_size",
    "min_wal_size",
    "checkpoint_timeout",
    "wal_buffers",
    "wal_level",
    "fsync",
    "full_page_writes",
    "synchronous_commit",
    "wal_writer_delay",
    "commit_delay",
    "autovacuum",
    "max_connections",
    "work_mem",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(port: int) -> None:
    """redis-server as the machine's runs (no RDB snapshots, no AOF), until this process ends."""
    from bench.harness import procs  # after the caller has set the ports in the environment

    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit("redis-server is not installed; pass --shared-stores")
    argv = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    group = procs.Group(argv, env={}, name=f"redis-{port}")
    client = redis.Redis(host="127.0.0.1", port=port)

    def ours() -> bool:
        try:
            return int(client.info("server")["process_id"]) == group.pid
        except redis.ConnectionError:
            return False

    procs.wait_for(ours, timeout_s=10, what=f"our redis-server on port {port}")


def pg_settings(host: str, port: int, user: str) -> dict[str, str]:
    """The throughput settings of the machine's server, or none when it does not answer."""
    try:
        with psycopg.connect(host=host, port=port, user=user, dbname="postgres") as conn:
            rows = conn.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)",
                [list(PG_SETTINGS)],
            ).fetchall()
    except psycopg.OperationalError:
        return {}
    return dict(rows)


def start_postgres(port: int, settings: dict[str, str]) -> Path:
    """initdb and start a server (user root, trust) until this process ends; its data folder."""
    bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not bindirs:
        raise SystemExit("PostgreSQL's server binaries are not installed; pass --shared-stores")
    bindir = bindirs[-1].parent
    prefix: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="dtq-capacity-pg-"))
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        prefix = ["runuser", "-u", "postgres", "--"]
        entry = pwd.getpwnam("postgres")
        os.chown(workdir, entry.pw_uid, entry.pw_gid)
    data = workdir / "data"

    def run(*argv: str) -> None:
        subprocess.run([*prefix, *argv], check=True, capture_output=True, cwd=workdir, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-U", "root", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {workdir}" + "".join(
        f" -c {name}={value}" for name, value in settings.items()
    )

    def stop() -> None:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(data)],
            capture_output=True, cwd=workdir, timeout=120, check=False,
        )  # fmt: skip
        shutil.rmtree(workdir, ignore_errors=True)

    atexit.register(stop)
    run(
        str(bindir / "pg_ctl"), "start", "-w", "-D", str(data),
        "-l", str(workdir / "server.log"), "-o", options,
    )  # fmt: skip
    return data

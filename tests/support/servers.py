"""What the tests that start a real server of their own share: a free port (on loopback unless
told), and the user to run a server as when the tests run as root (PostgreSQL and PgBouncer
refuse root)."""

from __future__ import annotations

import contextlib
import os
import pwd
import socket
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def as_owner() -> tuple[list[str], str | None]:
    """The prefix that runs a command as a user other than root, and that user (none needed when
    the tests do not run as root)."""
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"], user
    raise AssertionError("running as root, with no postgres or nobody user to run a server as")


def owned_workdir(prefix: str, user: str | None) -> Path:
    """A fresh folder the server's user owns (not under pytest's tmp_path: root's alone)."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(workdir, entry.pw_uid, entry.pw_gid)
    return workdir


def redis_server_argv(
    binary: str, port: int, data_dir: Path, *extra: str, host: str = "127.0.0.1"
) -> list[str]:
    """A Redis server of a test's own: on `host:port`, keeping nothing on disk but what its
    `extra` options write to `data_dir` (a cluster's node file)."""
    return [
        binary, "--port", str(port), "--bind", host, "--save", "", "--appendonly", "no",
        "--dir", str(data_dir), *extra,
    ]  # fmt: skip


def stop_all(processes: Iterable[subprocess.Popen[bytes]], logs: Iterable[IO[str]]) -> None:
    """Kill the servers a test started, wait for each, close their logs."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout=10)
    for log in logs:
        log.close()

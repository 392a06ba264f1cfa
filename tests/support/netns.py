"""Worker "hosts" on one machine: Linux network namespaces joined by a bridge of their own, and
each host's processes in a PID and UTS namespace of their own. A host shares no loopback, no PID
space and no hostname with the machine or another host; it reaches the machine only at the
bridge's address, where the test's servers listen. Needs root (or the machine refuses)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

# The test's pid in every name, so that runs side by side (and leftovers of a killed one) do
# not clash; interface names must stay within 15 characters.
_NAMESPACE = re.compile(r"^dtq-(\d+)-h\d+$")
_BRIDGE = re.compile(r"^dtqbr(\d+)$")
# Anything the kernel says when a process lacks the capabilities for namespaces or links.
_REFUSED = ("Operation not permitted", "Permission denied")


class NamespacesRefusedError(Exception):
    """This machine does not let the tests create namespaces (not root, or a locked container)."""


@dataclass
class Host:
    """One host: a network namespace with the address `address` on the bridge."""

    name: str
    namespace: str
    address: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, argv: Sequence[str], *, env: dict[str, str], cwd: Path, log: IO[str]) -> None:
        """Run `argv` as PID 1 of a fresh PID namespace on this host, under the host's name (as
        a container runs its command)."""
        self.processes.append(
            subprocess.Popen(
                ["ip", "netns", "exec", self.namespace,
                 "unshare", "--pid", "--fork", "--mount-proc", "--uts", "--",
                 "sh", "-c", 'hostname "$0" && exec "$@"', self.name, *argv],
                env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip

    def pids(self) -> list[int]:
        """Every live process on this host (as the machine numbers them)."""
        return _pids_in(self.namespace)

    def reaches(self, address: str, port: int) -> bool:
        """Whether a TCP connection from this host to `address`:`port` is accepted."""
        probe = f"import socket; socket.create_connection(({address!r}, {port}), timeout=2)"
        return _run(["ip", "netns", "exec", self.namespace, sys.executable, "-c", probe],
                    check=False).returncode == 0  # fmt: skip

    def kill(self, timeout_s: float = 10.0) -> None:
        """SIGKILL every process of this host, as a power cut would, until none is left."""
        _kill_everything_in(self.namespace, timeout_s)
        for process in self.processes:
            process.wait(timeout=timeout_s)


class Network:
    """A bridge on the machine with `gateway` as its address, and hosts attached to it."""

    def __init__(self, subnet: int) -> None:
        self.tag = os.getpid()
        self.bridge = f"dtqbr{self.tag}"
        self.prefix = f"10.231.{subnet}"
        self.gateway = f"{self.prefix}.1"
        self.hosts: list[Host] = []

    def create(self) -> None:
        _run(["ip", "link", "add", self.bridge, "type", "bridge"])
        _run(["ip", "addr", "add", f"{self.gateway}/24", "dev", self.bridge])
        _run(["ip", "link", "set", self.bridge, "up"])

    def add_host(self) -> Host:
        number = len(self.hosts) + 1
        host = Host(f"host{number}", f"dtq-{self.tag}-h{number}", f"{self.prefix}.{10 + number}")
        self.hosts.append(host)
        veth = f"dtq{self.tag}h{number}"
        _run(["ip", "netns", "add", host.namespace])
        _run(["ip", "link", "add", veth, "type", "veth",
              "peer", "name", "eth0", "netns", host.namespace])  # fmt: skip
        _run(["ip", "link", "set", veth, "master", self.bridge, "up"])
        inside = ["ip", "-n", host.namespace]
        _run([*inside, "addr", "add", f"{host.address}/24", "dev", "eth0"])
        _run([*inside, "link", "set", "eth0", "up"])
        # Its own loopback, up so that a program on the host may use it: it leads nowhere else.
        _run([*inside, "link", "set", "lo", "up"])
        return host

    def remove(self) -> None:
        """Kill every host's processes, then delete the namespaces, their links and the bridge;
        each step runs even when an earlier one fails."""
        try:
            for host in self.hosts:
                host.kill()
        finally:
            for number, host in enumerate(self.hosts, start=1):
                _run(["ip", "link", "del", f"dtq{self.tag}h{number}"], check=False)
                _run(["ip", "netns", "del", host.namespace], check=False)
            _run(["ip", "link", "del", self.bridge], check=False)


@contextlib.contextmanager
def host_network(hosts: int) -> Iterator[Network]:
    """A bridge with `hosts` hosts on it, all removed at the end; raises NamespacesRefusedError when
    the machine does not allow them."""
    _check_allowed()
    _remove_leftovers()
    network = Network(_free_subnet())
    try:
        network.create()
        for _ in range(hosts):
            network.add_host()
        yield network
    finally:
        network.remove()


def _check_allowed() -> None:
    if shutil.which("ip") is None or shutil.which("unshare") is None:
        raise FileNotFoundError("the host tests need `ip` (iproute2) and `unshare` (util-linux)")
    if os.geteuid() != 0:
        raise NamespacesRefusedError("the tests do not run as root")
    # Every kind of namespace a host uses, in one throwaway process.
    probe = _run(["unshare", "--net", "--pid", "--fork", "--mount-proc", "--uts", "true"],
                 check=False)  # fmt: skip
    if probe.returncode != 0:
        _raise_refused_or(probe)


def _free_subnet() -> int:
    """A 10.231.N.0/24 that no interface or route of the machine uses, starting from one the
    pid picks so that runs side by side rarely try the same."""
    used = _run(["ip", "-4", "-o", "addr"]).stdout + _run(["ip", "-4", "route"]).stdout
    for offset in range(254):
        subnet = (os.getpid() + offset) % 254 + 1
        if f"10.231.{subnet}." not in used:
            return subnet
    raise AssertionError("every 10.231.N.0/24 is in use on this machine")


def _pids_in(namespace: str) -> list[int]:
    listed = _run(["ip", "netns", "pids", namespace], check=False).stdout
    return [int(pid) for pid in listed.split()]


def _kill_everything_in(namespace: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while pids := _pids_in(namespace):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if time.monotonic() > deadline:
            raise AssertionError(f"{namespace}: processes {pids} outlived SIGKILL")
        time.sleep(0.05)


def _remove_leftovers() -> None:
    """Delete the namespaces (and whatever still runs in them) and bridges of runs whose
    process is gone: a test run killed before its teardown."""
    namespaces = [line.split()[0] for line in _run(["ip", "netns", "list"]).stdout.splitlines()]
    for name in namespaces:
        if (match := _NAMESPACE.match(name)) and not _alive(int(match[1])):
            _kill_everything_in(name, timeout_s=10.0)
            _run(["ip", "netns", "del", name], check=False)
    for line in _run(["ip", "-o", "link", "show", "type", "bridge"]).stdout.splitlines():
        name = line.split(":")[1].strip()
        if (match := _BRIDGE.match(name)) and not _alive(int(match[1])):
            _run(["ip", "link", "del", name], check=False)


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _run(argv: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    if check and result.returncode != 0:
        _raise_refused_or(result)
    return result


def _raise_refused_or(result: subprocess.CompletedProcess[str]) -> None:
    command = " ".join(str(arg) for arg in result.args)
    if any(words in result.stderr for words in _REFUSED):
        raise NamespacesRefusedError(f"`{command}`: {result.stderr.strip()}")
    raise AssertionError(f"`{command}` failed ({result.returncode}): {result.stderr.strip()}")

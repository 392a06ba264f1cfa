"""Subprocesses in their own process groups, always killed, and waits that always end."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness.env import LOG_DIR, ROOT

_LIVE: list[Group] = []


class DeadlineError(Exception):
    """A bounded wait ran out."""


def wait_for(
    condition: Callable[[], Any], *, timeout_s: float, what: str, interval_s: float = 0.02
) -> Any:
    """Poll `condition` until it returns something truthy; raise DeadlineError at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise DeadlineError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(interval_s)


class Group:
    """One command started in a new session (its own process group), logging to a file."""

    def __init__(
        self, argv: Sequence[str], *, env: dict[str, str], name: str, cwd: Path = ROOT
    ) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = LOG_DIR / f"{name}.log"
        self._log = self.log_path.open("ab")
        self._log.write(f"\n--- {time.strftime('%H:%M:%S')} {' '.join(argv)}\n".encode())
        self._log.flush()
        self.process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        _LIVE.append(self)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the whole group at once (the crash test, and the end of every run)."""
        self.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def stop(self, grace_s: float = 5.0) -> None:
        """SIGTERM the group, then SIGKILL whatever is left after the grace period."""
        if self.alive():
            self.signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace_s)
        # Forked children can outlive their parent: kill the group in any case.
        self.kill()
        self._log.close()
        if self in _LIVE:
            _LIVE.remove(self)


def kill_all() -> None:
    """Kill every group this process started (run at exit, and on any failure)."""
    for group in list(_LIVE):
        group.stop(grace_s=1.0)


@contextlib.contextmanager
def started(argv: Sequence[str], *, env: dict[str, str], name: str) -> Iterator[Group]:
    group = Group(argv, env=env, name=name)
    try:
        yield group
    finally:
        group.stop()


def run_json(
    argv: Sequence[str], *, env: dict[str, str], name: str, timeout_s: float
) -> dict[str, Any]:
    """Run a command to completion in its own group; its last stdout line is a JSON object."""
    import json

    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{name}.log"
    with log_path.open("ab") as log:
        log.write(f"\n--- {time.strftime('%H:%M:%S')} {' '.join(argv)}\n".encode())
        log.flush()
        process = subprocess.Popen(
            list(argv),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            out, _ = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired as exc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise DeadlineError(f"{name} did not finish within {timeout_s:.0f} s") from exc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        log.write(out)
    if process.returncode != 0:
        raise RuntimeError(f"{name} exited with {process.returncode}; see {log_path}")
    lines = [line for line in out.decode().splitlines() if line.strip()]
    return dict(json.loads(lines[-1]))


CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Proc:
    ppid: int
    own_s: float  # utime + stime
    reaped_s: float  # cutime + cstime: children it has waited for, their own children included


def processes() -> dict[int, Proc]:
    """Every live process, from /proc/<pid>/stat."""
    found: dict[int, Proc] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields start after the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        found[int(entry.name)] = Proc(
            ppid=int(fields[1]),
            own_s=(int(fields[11]) + int(fields[12])) / CLOCK_TICKS_PER_S,
            reaped_s=(int(fields[13]) + int(fields[14])) / CLOCK_TICKS_PER_S,
        )
    return found


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for child, proc in processes().items():
        children.setdefault(proc.ppid, []).append(child)
    found: list[int] = []
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    """VmRSS of a process in KiB, or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None

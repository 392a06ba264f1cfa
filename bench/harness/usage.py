"""What the stores and the workers used: PostgreSQL's and Redis's counters, and the CPU time of
process trees from /proc, read at the edges of a measurement and sampled during it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis

from bench.harness.procs import CLOCK_TICKS_PER_S, Proc, processes

# Our own readings, not the queue's work: left out of the command counts.
OWN_COMMANDS = frozenset({"info"})


def tree_cpu_s(root: int, procs: dict[int, Proc]) -> float:
    """CPU time of `root` and all its descendants, live or exited since (once reaped).

    A process's time passes to its parent's reaped time when the parent waits for it, so the
    sum over the live tree of own + reaped counts every process that ever ran under `root`,
    each once; a difference of two readings is the time spent between them."""
    children: dict[int, list[int]] = {}
    for pid, proc in procs.items():
        children.setdefault(proc.ppid, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        proc = procs.get(pid)
        if proc is None:
            continue
        total += proc.own_s + proc.reaped_s
        stack.extend(children.get(pid, []))
    return total


def machine_busy_s() -> float:
    """CPU time every core of the machine spent on anything but idling, from /proc/stat
    (user, nice, system, irq, softirq, steal: stolen time is a core we did not get)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_S


def lsn_bytes(lsn: str) -> int:
    """A WAL position ('16/B374D848') as a byte offset."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass(frozen=True)
class CpuReading:
    at: float  # epoch seconds, as the task bodies record their starts
    pg_s: float
    redis_s: float
    workers_s: float
    machine_s: float


@dataclass(frozen=True)
class Snapshot:
    """Cumulative counters at one moment; subtract two to get what happened between."""

    cpu: CpuReading
    commits: int  # pg_stat_database.xact_commit of the benchmark database, read-only ones too
    next_xid: int  # transactions that wrote take an id; read-only ones do not (whole server)
    rollbacks: int
    other_commits: int  # every other database's: the shared server's other work
    wal_bytes: int  # pg_current_wal_lsn(), exact and current
    wal_records: int  # pg_stat_wal (flushed by each backend at least every second and at exit)
    wal_syncs: int
    redis_commands: dict[str, int]


class Meter:
    """Reads one PostgreSQL server (through its database `dbname`) and one Redis server."""

    def __init__(self, *, pg_conninfo: dict[str, Any], dbname: str, broker: redis.Redis) -> None:
        self.pg_conninfo = pg_conninfo
        self.dbname = dbname
        self.broker = broker
        self.postmaster_pid = self._postmaster_pid()
        self.redis_pid = int(broker.info("server")["process_id"])

    def _connect(self) -> psycopg.Connection[Any]:
        # The `postgres` database: our reads must not count among the benchmark database's.
        return psycopg.connect(**self.pg_conninfo, dbname="postgres", autocommit=True)

    def _postmaster_pid(self) -> int:
        with self._connect() as conn:
            row = conn.execute("SHOW data_directory").fetchone()
        assert row is not None
        return int((Path(row[0]) / "postmaster.pid").read_text().split()[0])

    def cpu(self, workers_pid: int | None = None) -> CpuReading:
        procs = processes()
        info = self.broker.info("cpu")
        return CpuReading(
            at=time.time(),
            pg_s=tree_cpu_s(self.postmaster_pid, procs),
            redis_s=float(info["used_cpu_sys"]) + float(info["used_cpu_user"]),
            workers_s=tree_cpu_s(workers_pid, procs) if workers_pid else 0.0,
            machine_s=machine_busy_s(),
        )

    def snapshot(self) -> Snapshot:
        with self._connect() as conn:
            own = conn.execute(
                "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = %s",
                [self.dbname],
            ).fetchone()
            others = conn.execute(
                "SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database "
                "WHERE datname IS DISTINCT FROM %s",
                [self.dbname],
            ).fetchone()
            wal = conn.execute(
                "SELECT pg_current_wal_lsn()::text, wal_records, wal_sync, "
                "pg_snapshot_xmax(pg_current_snapshot())::text::bigint FROM pg_stat_wal"
            ).fetchone()
        assert own is not None
        assert others is not None
        assert wal is not None
        commands = {
            name.removeprefix("cmdstat_"): int(stats["calls"])
            for name, stats in self.broker.info("commandstats").items()
        }
        return Snapshot(
            cpu=self.cpu(),
            commits=int(own[0]),
            next_xid=int(wal[3]),
            rollbacks=int(own[1]),
            other_commits=int(others[0]),
            wal_bytes=lsn_bytes(wal[0]),
            wal_records=int(wal[1]),
            wal_syncs=int(wal[2]),
            redis_commands=commands,
        )


def between(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """What happened between two snapshots, as plain numbers (CPU in seconds)."""
    commands = {
        name: calls - before.redis_commands.get(name, 0)
        for name, calls in after.redis_commands.items()
        if name not in OWN_COMMANDS and calls != before.redis_commands.get(name, 0)
    }
    return {
        "seconds": after.cpu.at - before.cpu.at,
        "commits": after.commits - before.commits,
        "write_commits": after.next_xid - before.next_xid,
        "rollbacks": after.rollbacks - before.rollbacks,
        "other_commits": after.other_commits - before.other_commits,
        "wal_bytes": after.wal_bytes - before.wal_bytes,
        "wal_records": after.wal_records - before.wal_records,
        "wal_syncs": after.wal_syncs - before.wal_syncs,
        "pg_cpu_s": after.cpu.pg_s - before.cpu.pg_s,
        "redis_cpu_s": after.cpu.redis_s - before.cpu.redis_s,
        "redis_commands": sum(commands.values()),
        "redis_by_command": dict(sorted(commands.items(), key=lambda kv: -kv[1])),
    }


@dataclass
class Sampler:
    """CPU readings every `interval_s` on a thread, to cut out the window the tasks ran in."""

    meter: Meter
    workers_pid: int
    interval_s: float = 0.1
    readings: list[CpuReading] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> list[CpuReading]:
        self._stop.set()
        self._thread.join(timeout=10)
        self.readings.append(self.meter.cpu(self.workers_pid))
        return self.readings

    def _run(self) -> None:
        while not self._stop.is_set():
            self.readings.append(self.meter.cpu(self.workers_pid))
            self._stop.wait(self.interval_s)

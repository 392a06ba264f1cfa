"""What each worker process is running, in memory its supervisor reads without asking it.

The supervisor maps one board per child before forking it. The child writes a slot when task
code starts and clears it when the code returns, from the thread that runs the task, before
and after the code (never during it), so a task that holds the GIL cannot delay what the
supervisor sees. Each slot is guarded by a sequence number (odd while being written), so a
reader never takes half of one write for a whole.
"""

from __future__ import annotations

import mmap
import struct
import time
import uuid
from dataclasses import dataclass

_SLOT = struct.Struct("<I16siqq")  # sequence, task id, attempt, started (ms), timeout (ms)
_SLOT_BYTES = 48
_READ_TRIES = 100


@dataclass(frozen=True)
class RunningTask:
    """A task whose code a worker process has started and not finished."""

    task_id: uuid.UUID
    attempt: int
    started_ms: int
    timeout_ms: int

    def overdue_s(self, now_ms: int) -> float:
        """How long past its timeout the task is (negative while within it)."""
        return (now_ms - self.started_ms - self.timeout_ms) / 1000


class RunningBoard:
    """`slots` slots of shared memory, one per task a worker process may run at once."""

    def __init__(self, slots: int = 1) -> None:
        self.slots = slots
        # An anonymous shared mapping: the same pages in the supervisor and a forked child.
        self._memory = mmap.mmap(-1, max(1, slots) * _SLOT_BYTES)

    def start(self, slot: int, task_id: uuid.UUID, attempt: int, timeout_s: float) -> None:
        """From the child, just before task code runs in `slot`."""
        self._write(slot, task_id.bytes, attempt, time.time_ns() // 1_000_000, timeout_s)

    def finish(self, slot: int) -> None:
        """From the child, once task code in `slot` has returned or raised."""
        self._write(slot, bytes(16), 0, 0, 0)

    def clear(self) -> None:
        """From the supervisor, before a new child takes the board over."""
        for slot in range(self.slots):
            self.finish(slot)

    def running(self) -> list[RunningTask]:
        """From the supervisor: every task the child has started and not finished."""
        found = []
        for slot in range(self.slots):
            task = self._read(slot)
            if task is not None:
                found.append(task)
        return found

    def _write(
        self, slot: int, task_id: bytes, attempt: int, started_ms: int, timeout_s: float
    ) -> None:
        offset = slot * _SLOT_BYTES
        (sequence,) = struct.unpack_from("<I", self._memory, offset)
        struct.pack_into("<I", self._memory, offset, (sequence + 1) & 0xFFFFFFFF)
        timeout_ms = round(timeout_s * 1000)
        _SLOT.pack_into(
            self._memory, offset, (sequence + 1) & 0xFFFFFFFF, task_id, attempt, started_ms,
            timeout_ms,
        )  # fmt: skip
        struct.pack_into("<I", self._memory, offset, (sequence + 2) & 0xFFFFFFFF)

    def _read(self, slot: int) -> RunningTask | None:
        offset = slot * _SLOT_BYTES
        for _ in range(_READ_TRIES):
            sequence, raw_id, attempt, started_ms, timeout_ms = _SLOT.unpack_from(
                self._memory, offset
            )
            (after,) = struct.unpack_from("<I", self._memory, offset)
            if sequence % 2 == 0 and after == sequence:
                if raw_id == bytes(16):
                    return None
                return RunningTask(uuid.UUID(bytes=raw_id), attempt, started_ms, timeout_ms)
        return None  # a child stopped mid-write: it is dying, and what it ran is unknown

"""The worker registry: each worker process's heartbeat record, which expires with it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis

from django_task_queue.broker.keys import KeySpace
from django_task_queue.broker.translate import text as _text
from django_task_queue.broker.translate import translated as _translated


@dataclass(frozen=True)
class RunningRecord:
    """A task running in one of a worker process's slots."""

    task_id: str
    task_name: str
    queue_name: str
    attempt: int
    slot: int
    started_at_ms: int


@dataclass(frozen=True)
class WorkerRecord:
    worker_id: str
    hostname: str
    pid: int
    queues: list[str]
    state: str
    current_task_id: str | None
    started_at_ms: int
    last_seen_ms: int
    tasks_done: int
    concurrency: int = 1
    running: tuple[RunningRecord, ...] = ()


class WorkerRegistry:
    """Registry operations; mixed into the Broker, which owns the client and key space."""

    client: redis.Redis
    keys: KeySpace

    def record_worker(self, record: WorkerRecord, ttl_s: float) -> None:
        key = self.keys.worker(record.worker_id)
        with _translated():
            pipe = self.client.pipeline(transaction=False)
            pipe.hset(
                key,
                mapping={
                    "worker_id": record.worker_id,
                    "hostname": record.hostname,
                    "pid": record.pid,
                    "queues": ",".join(record.queues),
                    "state": record.state,
                    "current_task_id": record.current_task_id or "",
                    "started_at_ms": record.started_at_ms,
                    "last_seen_ms": record.last_seen_ms,
                    "tasks_done": record.tasks_done,
                    "concurrency": record.concurrency,
                    "running": _running_to_json(record.running),
                },
            )
            pipe.pexpire(key, int(ttl_s * 1000))
            pipe.zadd(self.keys.workers, {record.worker_id: record.last_seen_ms})
            pipe.execute()

    def remove_worker(self, worker_id: str) -> None:
        with _translated():
            self.client.delete(self.keys.worker(worker_id))
            self.client.zrem(self.keys.workers, worker_id)

    def workers(self) -> list[WorkerRecord]:
        """Live workers, read only: ids whose record expired are skipped (forget_dead_workers)."""
        with _translated():
            ids = [_text(i) for i in self.client.zrange(self.keys.workers, 0, -1)]
            pipe = self.client.pipeline(transaction=False)
            for worker_id in ids:
                pipe.hgetall(self.keys.worker(worker_id))
            raw_records = pipe.execute()
        return [_worker_from_hash(raw) for raw in raw_records if raw]

    def forget_dead_workers(self) -> int:
        """Drop from the index the workers whose record expired; how many were dropped."""
        with _translated():
            ids = [_text(i) for i in self.client.zrange(self.keys.workers, 0, -1)]
            pipe = self.client.pipeline(transaction=False)
            for worker_id in ids:
                pipe.exists(self.keys.worker(worker_id))
            dead = [wid for wid, alive in zip(ids, pipe.execute(), strict=True) if not alive]
            if dead:
                self.client.zrem(self.keys.workers, *dead)
        return len(dead)


def _worker_from_hash(raw: dict[str, str]) -> WorkerRecord:
    return WorkerRecord(
        worker_id=raw["worker_id"],
        hostname=raw.get("hostname", ""),
        pid=int(raw.get("pid", 0)),
        queues=[q for q in raw.get("queues", "").split(",") if q],
        state=raw.get("state", "idle"),
        current_task_id=raw.get("current_task_id") or None,
        started_at_ms=int(raw.get("started_at_ms", 0)),
        last_seen_ms=int(raw.get("last_seen_ms", 0)),
        tasks_done=int(raw.get("tasks_done", 0)),
        # A record written before `run_worker --concurrency` has neither field: one slot, and
        # what ran in it is only `current_task_id`.
        concurrency=int(raw.get("concurrency", 1)),
        running=_running_from_json(raw.get("running", "")),
    )


def _running_to_json(running: tuple[RunningRecord, ...]) -> str:
    return json.dumps(
        [
            {
                "task_id": r.task_id,
                "task_name": r.task_name,
                "queue_name": r.queue_name,
                "attempt": r.attempt,
                "slot": r.slot,
                "started_at_ms": r.started_at_ms,
            }
            for r in running
        ],
        separators=(",", ":"),
    )


def _running_from_json(raw: str) -> tuple[RunningRecord, ...]:
    entries: list[dict[str, Any]] = json.loads(raw) if raw else []
    # Keys are picked by name, so that an entry a newer version wrote with more keys still reads.
    return tuple(
        RunningRecord(
            task_id=str(entry["task_id"]),
            task_name=str(entry["task_name"]),
            queue_name=str(entry["queue_name"]),
            attempt=int(entry["attempt"]),
            slot=int(entry["slot"]),
            started_at_ms=int(entry["started_at_ms"]),
        )
        for entry in entries
    )

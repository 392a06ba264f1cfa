"""How many of a worker's slots are in use, from its registry record."""

from __future__ import annotations

from django_task_queue.broker.client import RunningRecord, WorkerRecord
from django_task_queue.monitoring.workers import slots_in_use


def record(current_task_id: str | None, *running: RunningRecord) -> WorkerRecord:
    return WorkerRecord(
        "w", "here", 1, ["default"], "busy", current_task_id, 0, 0, 0,
        concurrency=4, running=running,
    )  # fmt: skip


def test_slots_in_use_are_the_tasks_the_record_lists_running() -> None:
    running = [RunningRecord(f"t{slot}", "add_numbers", "default", 1, slot, 0) for slot in (0, 2)]

    assert slots_in_use(record("t0", *running)) == 2


def test_an_idle_worker_uses_no_slot() -> None:
    assert slots_in_use(record(None)) == 0


def test_a_record_from_before_the_running_list_uses_one_slot_while_it_names_a_task() -> None:
    assert slots_in_use(record("t0")) == 1

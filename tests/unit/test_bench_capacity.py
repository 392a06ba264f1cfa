"""The capacity model's arithmetic (bench/capacity_model.py) and the readings it rests on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.capacity_model import PerTask, Totals, cpu_window, sizing, tasks_per_core_s
from bench.harness.usage import Proc, lsn_bytes, tree_cpu_s
from bench.report.capacity import END, START, write


def test_the_cpu_window_runs_from_the_last_reading_before_its_start_to_the_first_after() -> None:
    readings = [
        (10.0, 1.0, 0.1, 0.0, 5.0),
        (10.1, 1.2, 0.2, 0.5, 5.2),
        (10.2, 1.6, 0.3, 1.0, 5.4),
        (10.3, 2.0, 0.4, 1.5, 5.6),
        (10.4, 2.1, 0.4, 1.6, 5.8),
    ]

    window = cpu_window(readings, start=10.15, end=10.25)

    assert window.seconds == pytest.approx(0.2)
    assert window.pg_s == pytest.approx(0.8)
    assert window.redis_s == pytest.approx(0.2)
    assert window.workers_s == pytest.approx(1.0)
    assert window.machine_s == pytest.approx(0.4)


def test_a_window_past_the_readings_takes_the_first_and_last() -> None:
    readings = [(10.0, 1.0, 0.0, 0.0, 0.0), (11.0, 3.0, 0.0, 0.0, 0.0)]

    assert cpu_window(readings, start=9.0, end=12.0).pg_s == pytest.approx(2.0)


def test_totals_are_divided_among_the_tasks_in_microseconds() -> None:
    totals = Totals(
        commits=50, wal_bytes=3_000_000, pg_cpu_s=1.0, redis_commands=10_000, redis_cpu_s=0.2
    )

    cost = totals.per_task(1_000)

    assert cost == PerTask(
        commits=0.05, wal_bytes=3_000, pg_cpu_us=1_000, redis_commands=10, redis_cpu_us=200
    )


def test_an_enqueue_and_a_drain_add_up_to_a_tasks_life() -> None:
    enqueue = PerTask(commits=1, wal_bytes=1_000, pg_cpu_us=200, redis_commands=11, redis_cpu_us=60)
    drain = PerTask(
        commits=0.01,
        wal_bytes=3_000,
        pg_cpu_us=100,
        redis_commands=10,
        redis_cpu_us=20,
        worker_cpu_us=250,
    )

    life = enqueue + drain

    assert life.pg_cpu_us == 300
    assert life.worker_cpu_us == 250
    assert tasks_per_core_s(life.pg_cpu_us) == pytest.approx(3_333.3, abs=0.1)


def test_sizing_keeps_each_cpu_at_its_busy_share_and_rounds_redis_shards_up() -> None:
    life = PerTask(
        commits=1.01,
        wal_bytes=4_000,
        pg_cpu_us=300,
        redis_commands=21,
        redis_cpu_us=80,
        worker_cpu_us=250,
    )

    need = sizing(10_000, life, durable_commits=1.0, busy_share=0.5)

    assert need.pg_cores == pytest.approx(6.0)  # 10,000 x 300 µs = 3 cores, at half busy 6
    assert need.redis_shards == 2  # 0.8 of a core at half busy: 1.6, so 2
    assert need.worker_cores == pytest.approx(5.0)
    assert need.durable_commits_per_s == pytest.approx(10_000)
    assert need.wal_mib_per_s == pytest.approx(40_000_000 / 2**20)


def test_a_process_trees_cpu_counts_live_descendants_and_reaped_children_once() -> None:
    procs = {
        1: Proc(ppid=0, own_s=1.0, reaped_s=0.5),  # the root; a dead child took 0.5 s
        2: Proc(ppid=1, own_s=2.0, reaped_s=0.0),
        3: Proc(ppid=2, own_s=0.25, reaped_s=0.0),
        9: Proc(ppid=0, own_s=100.0, reaped_s=0.0),  # not in the tree
    }

    assert tree_cpu_s(1, procs) == pytest.approx(3.75)


def test_a_wal_position_is_a_byte_offset() -> None:
    assert lsn_bytes("1/10") - lsn_bytes("0/FFFFFFF0") == 32


def test_the_page_is_rewritten_between_its_markers_only(tmp_path: Path) -> None:
    page = tmp_path / "scaling.md"
    page.write_text(f"intro\n{START}\nold table\n{END}\nafter\n")

    write(page, "new table")

    assert page.read_text() == f"intro\n{START}\nnew table\n{END}\nafter\n"

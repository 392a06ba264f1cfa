"""What a scheduler enqueues for a due schedule: one tick normally; after every scheduler was
down, none, the latest or all of the missed ones; nothing while the previous run goes on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django_task_queue.schedules import every
from django_task_queue.schedules.planning import MAX_TICKS_PER_PASS, ON_TIME_S, plan

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_a_tick_due_now_is_enqueued_and_the_clock_moves_to_the_next() -> None:
    decided = plan(every(minutes=1), T0, T0 + timedelta(seconds=0.2), previous_running=False)

    assert decided.ticks == [T0]
    assert decided.next_tick_at == T0 + MINUTE
    assert decided.missed_from is None


def test_a_clock_not_yet_due_enqueues_nothing() -> None:
    decided = plan(every(minutes=1), T0, T0 - timedelta(seconds=1), previous_running=False)

    assert decided.ticks == []
    assert not decided.handled
    assert decided.next_tick_at == T0


def test_after_an_hour_down_latest_runs_the_last_missed_tick_once() -> None:
    now = T0 + 60 * MINUTE + timedelta(seconds=30)

    decided = plan(every(minutes=1), T0, now, previous_running=False)

    assert decided.ticks == [T0 + 60 * MINUTE]
    assert decided.missed_from == T0
    assert decided.next_tick_at == T0 + 61 * MINUTE


def test_after_an_hour_down_all_runs_every_missed_tick_oldest_first() -> None:
    now = T0 + 60 * MINUTE + timedelta(seconds=30)

    decided = plan(every(minutes=1, catch_up="all"), T0, now, previous_running=False)

    assert decided.ticks == [T0 + i * MINUTE for i in range(61)]
    assert decided.next_tick_at == T0 + 61 * MINUTE


def test_catching_up_all_stops_at_a_bounded_batch_and_goes_on_at_the_next_pass() -> None:
    now = T0 + timedelta(seconds=5 * MAX_TICKS_PER_PASS)

    decided = plan(every(seconds=1, catch_up="all"), T0, now, previous_running=False)

    assert len(decided.ticks) == MAX_TICKS_PER_PASS
    assert decided.next_tick_at == T0 + timedelta(seconds=MAX_TICKS_PER_PASS)


def test_after_an_hour_down_none_runs_no_missed_tick() -> None:
    now = T0 + 60 * MINUTE + timedelta(seconds=ON_TIME_S + 1)

    decided = plan(every(minutes=1, catch_up="none"), T0, now, previous_running=False)

    assert decided.ticks == []
    assert decided.last_tick_at == T0 + 60 * MINUTE
    assert decided.next_tick_at == T0 + 61 * MINUTE


def test_none_still_runs_a_tick_that_is_merely_late() -> None:
    now = T0 + timedelta(seconds=ON_TIME_S - 1)

    decided = plan(every(minutes=1, catch_up="none"), T0, now, previous_running=False)

    assert decided.ticks == [T0]


def test_a_tick_is_skipped_and_counted_while_the_previous_run_has_not_finished() -> None:
    decided = plan(every(minutes=1, skip_if_running=True), T0, T0, previous_running=True)

    assert decided.ticks == []
    assert decided.skipped == 1
    assert decided.next_tick_at == T0 + MINUTE


def test_catching_up_all_without_overlap_runs_the_first_and_skips_the_rest() -> None:
    rule = every(minutes=1, catch_up="all", skip_if_running=True)

    decided = plan(rule, T0, T0 + 3 * MINUTE, previous_running=False)

    assert decided.ticks == [T0]
    assert decided.skipped == 3


def test_a_clock_between_ticks_waits_for_the_next_tick() -> None:
    # A clock set by another version of the schedule (a different interval) is not a tick.
    decided = plan(every(minutes=1), T0 + timedelta(seconds=7), T0 + MINUTE, previous_running=False)

    assert decided.ticks == [T0 + MINUTE]

"""A worker's decisions about batches, without Redis or PostgreSQL: how many tasks to claim,
whether to claim ahead, what to do with the next task, and what runs alone after a loss."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_task_queue.worker.decisions import (
    BATCH_BUDGET_MS,
    CLAIM_AHEAD_MIN_TASK_MS,
    MAX_BACKOFF_S,
    MAX_BATCH,
    SHORTEST_TASK_MS,
    Move,
    Pace,
    Tuning,
    batch_size,
    claims_ahead,
    looks_before,
    next_move,
    outage_backoff_s,
    past_hard_timeout,
    runs_before,
    tasks_left,
)

_durations_ms = st.floats(min_value=0, max_value=1e7, allow_nan=False)
_left = st.one_of(st.none(), st.integers(min_value=-5, max_value=10_000))


def test_no_op_tasks_are_claimed_two_hundred_at_a_time_and_ten_ms_tasks_one_at_a_time() -> None:
    assert batch_size(Pace(0.01), left=None) == MAX_BATCH
    assert batch_size(Pace(10.0), left=None) == 1
    assert batch_size(Pace(2.0), left=None) == 5


@given(average_ms=_durations_ms, after_losses=st.booleans(), left=_left)
def test_a_batch_stays_within_its_bounds(
    average_ms: float, after_losses: bool, left: int | None
) -> None:
    size = batch_size(Pace(average_ms, after_losses=after_losses), left=left)

    if left is not None and left <= 0:
        assert size == 0
        return
    assert 1 <= size <= MAX_BATCH
    assert left is None or size <= left
    # About the budget's worth of task time, unless one task alone exceeds it.
    assert size == 1 or size * max(average_ms, SHORTEST_TASK_MS) <= BATCH_BUDGET_MS * (1 + 1e-9)


@given(average_ms=_durations_ms, left=_left)
def test_after_a_task_ran_alone_the_next_claim_is_of_one_task(
    average_ms: float, left: int | None
) -> None:
    size = batch_size(Pace(average_ms, after_losses=True), left=left)

    assert size == (0 if left is not None and left <= 0 else 1)


@given(index=st.integers(min_value=0, max_value=MAX_BATCH))
def test_a_task_whose_last_attempt_was_lost_runs_alone_wherever_it_sits(index: int) -> None:
    assert next_move(index=index, after_loss=True, give_back=False) is Move.RUN_ALONE


@given(index=st.integers(min_value=0, max_value=MAX_BATCH), after_loss=st.booleans())
def test_a_task_found_outranked_is_given_back_with_the_rest_lost_or_not(
    index: int, after_loss: bool
) -> None:
    assert next_move(index=index, after_loss=after_loss, give_back=True) is Move.GIVE_BACK


def test_only_the_first_task_of_a_batch_may_start_a_claim_ahead() -> None:
    assert next_move(index=0, after_loss=False, give_back=False) is Move.RUN_FIRST
    assert next_move(index=1, after_loss=False, give_back=False) is Move.RUN


@given(index=st.integers(min_value=0, max_value=MAX_BATCH), claimed_ahead=st.booleans())
def test_every_task_is_checked_but_the_first_of_a_batch_claimed_just_now(
    index: int, claimed_ahead: bool
) -> None:
    assert looks_before(index, claimed_ahead=claimed_ahead) == (index > 0 or claimed_ahead)


@given(
    average_ms=_durations_ms,
    max_task_ms=st.floats(min_value=0, max_value=1000),
    stopping=st.booleans(),
)
def test_a_worker_claims_ahead_only_for_tasks_of_one_ms_up_to_the_setting_and_not_when_stopping(
    average_ms: float, max_task_ms: float, stopping: bool
) -> None:
    decided = claims_ahead(
        Pace(average_ms), Tuning(claim_ahead_max_task_ms=max_task_ms), stopping=stopping
    )

    assert decided == (not stopping and CLAIM_AHEAD_MIN_TASK_MS <= average_ms <= max_task_ms)
    if max_task_ms == 0:
        assert not decided


@given(average_ms=_durations_ms, duration_ms=_durations_ms)
def test_the_average_moves_toward_each_duration_and_stays_between_the_two(
    average_ms: float, duration_ms: float
) -> None:
    pace = Pace(average_ms)

    pace.ran(duration_ms)

    low, high = min(average_ms, duration_ms), max(average_ms, duration_ms)
    assert low - 1e-6 <= pace.average_ms <= high + 1e-6


def test_a_pace_learns_from_each_task() -> None:
    pace = Pace(1.0)

    pace.ran(11.0)

    assert pace.average_ms == pytest.approx(3.0)


_queues = ["urgent", "default", "bulk"]
_ranks = st.tuples(st.sampled_from(_queues), st.floats(min_value=0, max_value=1e12))


@given(first=_ranks, second=_ranks, third=_ranks)
def test_an_earlier_queue_runs_first_then_a_lower_score_as_a_strict_order(
    first: tuple[str, float], second: tuple[str, float], third: tuple[str, float]
) -> None:
    assert not runs_before(_queues, first, first)
    assert not (runs_before(_queues, first, second) and runs_before(_queues, second, first))
    if runs_before(_queues, first, second) and runs_before(_queues, second, third):
        assert runs_before(_queues, first, third)
    if first[0] != second[0]:
        expected = _queues.index(first[0]) < _queues.index(second[0])
        assert runs_before(_queues, first, second) == expected


@given(max_tasks=st.one_of(st.none(), st.integers(0, 100)), done=st.integers(0, 100))
def test_tasks_left_counts_down_from_max_tasks(max_tasks: int | None, done: int) -> None:
    left = tasks_left(max_tasks, done, held=2)

    assert left == (None if max_tasks is None else max_tasks - done - 2)


def test_the_outage_back_off_doubles_up_to_its_cap() -> None:
    waits = [outage_backoff_s(failures) for failures in range(1, 12)]

    assert waits[0] == 0.4
    assert all(a <= b for a, b in itertools.pairwise(waits))
    assert max(waits) == MAX_BACKOFF_S


def test_the_hard_timeout_falls_after_the_grace() -> None:
    assert not past_hard_timeout(running_s=12.0, timeout_s=10.0, grace_s=2.0)
    assert past_hard_timeout(running_s=12.5, timeout_s=10.0, grace_s=2.0)

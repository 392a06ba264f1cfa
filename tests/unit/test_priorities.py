from hypothesis import given
from hypothesis import strategies as st

from django_task_queue.priorities import (
    PRIORITY_BY_NAME,
    PRIORITY_MAX,
    PRIORITY_MIN,
    priority_name,
    ready_score,
)

priorities = st.integers(min_value=PRIORITY_MIN, max_value=PRIORITY_MAX)
sequences = st.integers(min_value=1, max_value=2**40 - 1)


@given(priorities, priorities, sequences, sequences)
def test_higher_priority_always_pops_first(p1: int, p2: int, s1: int, s2: int) -> None:
    if p1 > p2:
        assert ready_score(p1, s1) < ready_score(p2, s2)


@given(priorities, sequences, sequences)
def test_equal_priorities_pop_in_enqueue_order(priority: int, s1: int, s2: int) -> None:
    if s1 < s2:
        assert ready_score(priority, s1) < ready_score(priority, s2)


@given(priorities, sequences)
def test_scores_are_exact_in_a_double(priority: int, seq: int) -> None:
    score = ready_score(priority, seq)
    assert float(score) == score


def test_names_map_onto_djangos_scale_with_room_between() -> None:
    assert PRIORITY_BY_NAME == {"critical": 100, "high": 50, "normal": 0, "low": -50}
    assert [priority_name(p) for p in (100, 50, 0, -50, -100, 49, 1)] == [
        "critical",
        "high",
        "normal",
        "low",
        "low",
        "normal",
        "normal",
    ]

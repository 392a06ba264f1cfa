"""Percentiles of wait and run times: exact over raw values, within 1 % from the histogram."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_task_queue.monitoring.percentiles import (
    Durations,
    bucket_midpoint,
    bucket_of,
    exact_percentile,
)

milliseconds = st.floats(min_value=0, max_value=86_400_000, allow_nan=False)
fractions = st.floats(min_value=0, max_value=1)


def within_one_percent(estimate: float, exact: float) -> bool:
    """Within 1 % of (1 + exact): a relative bound, and 0.01 ms near zero (plus rounding)."""
    return abs(estimate - exact) <= 0.01 * (1 + exact) * (1 + 1e-9)


@given(ms=milliseconds)
def test_a_bucket_midpoint_is_within_one_percent_of_every_value_in_the_bucket(ms: float) -> None:
    assert within_one_percent(bucket_midpoint(bucket_of(ms)), ms)


@given(values=st.lists(milliseconds, min_size=1, max_size=200), fraction=fractions)
def test_a_percentile_from_the_histogram_is_within_one_percent_of_the_exact_one(
    values: list[float], fraction: float
) -> None:
    exact = exact_percentile(sorted(values), fraction)
    assert exact is not None

    [estimate] = Durations(buckets=Counter(bucket_of(v) for v in values)).percentiles([fraction])

    assert estimate is not None
    assert within_one_percent(estimate, exact)


@given(
    raw=st.lists(milliseconds, max_size=50),
    rolled=st.lists(milliseconds, min_size=1, max_size=50),
    fraction=fractions,
)
def test_raw_values_and_rolled_up_ones_make_one_distribution(
    raw: list[float], rolled: list[float], fraction: float
) -> None:
    exact = exact_percentile(sorted(raw + rolled), fraction)
    assert exact is not None

    durations = Durations(values=raw, buckets=Counter(bucket_of(v) for v in rolled))
    [estimate] = durations.percentiles([fraction])

    assert estimate is not None
    assert within_one_percent(estimate, exact)


def test_raw_values_alone_give_postgres_percentile_cont() -> None:
    durations = Durations(values=[3000.0, 1000.0, 2000.0, 4000.0])

    assert durations.percentiles([0.5, 0.95]) == pytest.approx([2500.0, 3850.0])


def test_no_values_give_no_percentile() -> None:
    assert Durations().percentiles([0.5]) == [None]

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_task_queue.backoff import retry_delay_s


@given(
    base=st.floats(min_value=0, max_value=3600),
    retry_number=st.integers(min_value=1, max_value=10_000),
    max_delay=st.floats(min_value=0, max_value=86_400),
    seed=st.integers(),
)
def test_backoff_stays_within_its_bounds(
    base: float, retry_number: int, max_delay: float, seed: int
) -> None:
    delay = retry_delay_s(
        base_delay_s=base,
        retry_number=retry_number,
        backoff=True,
        max_delay_s=max_delay,
        rand=random.Random(seed),
    )
    ceiling = min(base * 2.0 ** min(retry_number - 1, 64), max_delay)
    assert ceiling / 2 <= delay <= ceiling


def test_fixed_delay_is_the_base_delay() -> None:
    assert retry_delay_s(base_delay_s=5, retry_number=3, backoff=False, max_delay_s=60) == 5


def test_backoff_ceiling_doubles_per_retry() -> None:
    rand = random.Random(0)
    delays = [
        retry_delay_s(base_delay_s=1, retry_number=n, backoff=True, max_delay_s=1000, rand=rand)
        for n in (1, 2, 3, 4)
    ]
    for n, delay in enumerate(delays, start=1):
        assert 2 ** (n - 1) / 2 <= delay <= 2 ** (n - 1)


def test_retry_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        retry_delay_s(base_delay_s=1, retry_number=0, backoff=False, max_delay_s=1)

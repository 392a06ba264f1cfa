"""Retry delays: fixed, or exponential with full jitter when a task function asks for backoff."""

import random


def retry_delay_s(
    *,
    base_delay_s: float,
    retry_number: int,
    backoff: bool,
    max_delay_s: float,
    rand: random.Random | None = None,
) -> float:
    """The wait before retry `retry_number` (1 for the first retry), never above `max_delay_s`.

    With backoff the ceiling doubles on each retry and the delay is drawn from its upper half,
    so a burst of failures spreads out instead of retrying in lockstep.
    """
    if retry_number < 1:
        raise ValueError("retry_number starts at 1")
    if not backoff:
        return min(base_delay_s, max_delay_s)
    # Capping the exponent keeps 2**n finite for absurd retry counts.
    ceiling: float = min(base_delay_s * 2.0 ** min(retry_number - 1, 64), max_delay_s)
    draw: float = (rand or random).random()
    return ceiling / 2 + draw * ceiling / 2

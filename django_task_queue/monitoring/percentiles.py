"""Percentiles of wait and run times: exact over raw values, estimated from a histogram beside.

A bucket b of the log-scaled histogram holds the milliseconds v with
floor(ln(1 + v) / ln(GROWTH)) = b: each bucket is GROWTH times as wide as the one before, so a
bucket's midpoint is within 1 % of (1 + v) of every value in it. sql/monitoring.sql fills the
rollup with the same formula.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

GROWTH: Final = 1.02
_LN_GROWTH: Final = math.log(GROWTH)


def bucket_of(ms: float) -> int:
    return math.floor(math.log(1.0 + max(0.0, ms)) / _LN_GROWTH)


def bucket_midpoint(bucket: int) -> float:
    return GROWTH**bucket * (1.0 + GROWTH) / 2 - 1.0


def exact_percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: interpolated between the two nearest ranks."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def histogram_percentile(buckets: Counter[int], fraction: float) -> float | None:
    """percentile_cont over a histogram, each value standing at its bucket's midpoint."""
    total = sum(buckets.values())
    if not total:
        return None
    position = fraction * (total - 1)
    below = math.floor(position)
    low, high = _values_at_ranks(buckets, below, min(below + 1, total - 1))
    return low + (high - low) * (position - below)


def _values_at_ranks(buckets: Counter[int], first: int, second: int) -> tuple[float, float]:
    """The values at two ranks (0-based, first <= second) in ascending order."""
    found: list[float] = []
    seen = 0
    for bucket in sorted(buckets):
        seen += buckets[bucket]
        while len(found) < 2 and (first, second)[len(found)] < seen:
            found.append(bucket_midpoint(bucket))
        if len(found) == 2:
            break
    return found[0], found[1]


@dataclass
class Durations:
    """Raw values of the most recent minutes beside the histogram of the rolled-up ones."""

    values: list[float] = field(default_factory=list)
    buckets: Counter[int] = field(default_factory=Counter)

    def add(self, other: Durations) -> None:
        self.values.extend(other.values)
        self.buckets.update(other.buckets)

    def percentiles(self, fractions: Iterable[float]) -> list[float | None]:
        """Exact while every value is raw; from the histogram once part of it is rolled up."""
        if not self.buckets:
            ordered = sorted(self.values)
            return [exact_percentile(ordered, fraction) for fraction in fractions]
        merged = Counter(self.buckets)
        merged.update(bucket_of(value) for value in self.values)
        return [histogram_percentile(merged, fraction) for fraction in fractions]

"""Bounded batches: arguments per script call are capped so one call never blocks Redis long."""

from collections.abc import Iterator, Sequence

BATCH = 1000


def chunks[T](items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

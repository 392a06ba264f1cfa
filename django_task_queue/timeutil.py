"""Time conversions shared by the stores: Redis scores are integer milliseconds since the epoch."""

from datetime import UTC, datetime


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)

"""Priority names, their integer scale (Django's -100..100), and the Redis ready-set score.

| name     | integer | Django `@task(priority=...)` range that lands on it |
|----------|---------|-----------------------------------------------------|
| critical | 100     | any integer is kept as is: names are labels only    |
| high     | 50      |                                                     |
| normal   | 0       | (Django's default)                                  |
| low      | -50     |                                                     |

A larger integer always runs sooner; equal integers run in enqueue order.
"""

from typing import Final

PRIORITY_MIN: Final = -100
PRIORITY_MAX: Final = 100

PRIORITY_BY_NAME: Final[dict[str, int]] = {"critical": 100, "high": 50, "normal": 0, "low": -50}
DEFAULT_PRIORITY: Final = PRIORITY_BY_NAME["normal"]

# Enqueue sequence numbers below 2**40 keep every score an exact integer in a double (2**53).
SEQUENCE_BITS: Final = 40
_SEQUENCE_SPAN: Final = 1 << SEQUENCE_BITS


def priority_from_name(name: str) -> int:
    """The integer of a priority name; KeyError for an unknown name."""
    return PRIORITY_BY_NAME[name.lower()]


def priority_name(priority: int) -> str:
    """The name of the band an integer priority falls in (critical >= 100 > high >= 50 ...)."""
    if priority >= PRIORITY_BY_NAME["critical"]:
        return "critical"
    if priority >= PRIORITY_BY_NAME["high"]:
        return "high"
    if priority > PRIORITY_BY_NAME["low"]:
        return "normal"
    return "low"


def ready_score(priority: int, sequence: int) -> int:
    """The ready-set score: lower pops first, so higher priority, then earlier enqueue, wins."""
    if not PRIORITY_MIN <= priority <= PRIORITY_MAX:
        raise ValueError(f"priority {priority} is outside {PRIORITY_MIN}..{PRIORITY_MAX}")
    return (PRIORITY_MAX - priority) * _SEQUENCE_SPAN + (sequence % _SEQUENCE_SPAN)

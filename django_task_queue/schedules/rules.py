"""What a schedule says, as its author writes it: `cron(...)` or `every(...)`, with how missed
ticks are caught up and whether a tick waits for the previous run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from django_task_queue.exceptions import ConfigurationError
from django_task_queue.schedules.triggers import Cron, Every, Trigger

# After every scheduler was down: run no missed tick, the latest one, or each of them.
type CatchUp = Literal["none", "latest", "all"]
CATCH_UP_MODES: tuple[str, ...] = get_args(CatchUp.__value__)
DEFAULT_CATCH_UP: CatchUp = "latest"


@dataclass(frozen=True, slots=True)
class Rule:
    """A trigger and its policies; `task_registry.register(..., schedule=rule)` takes one."""

    trigger: Trigger
    catch_up: CatchUp = DEFAULT_CATCH_UP
    skip_if_running: bool = False

    def __post_init__(self) -> None:
        if self.catch_up not in CATCH_UP_MODES:
            raise ConfigurationError(
                f"catch_up must be one of {', '.join(CATCH_UP_MODES)}; got {self.catch_up!r}"
            )
        if not isinstance(self.skip_if_running, bool):
            raise ConfigurationError("skip_if_running must be true or false")


def cron(
    expression: str,
    *,
    tz: str = "UTC",
    catch_up: CatchUp = DEFAULT_CATCH_UP,
    skip_if_running: bool = False,
) -> Rule:
    """Tick on a standard 5-field cron expression, read on the wall clock of `tz`."""
    return Rule(Cron(expression, tz), catch_up, skip_if_running)


def every(  # noqa: PLR0913  (the units, as timedelta takes them, and the two policies)
    *,
    seconds: int = 0,
    minutes: int = 0,
    hours: int = 0,
    days: int = 0,
    catch_up: CatchUp = DEFAULT_CATCH_UP,
    skip_if_running: bool = False,
) -> Rule:
    """Tick at a fixed interval (at least 1 s), on its multiples since the Unix epoch."""
    period_s = seconds + 60 * minutes + 3_600 * hours + 86_400 * days
    return Rule(Every(period_s), catch_up, skip_if_running)

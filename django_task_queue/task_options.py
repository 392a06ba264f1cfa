"""A task's options, written once: the registry's defaults, enqueue's keywords, the API's fields.

`TaskOptions` is the list. Callers name the options by their keyword, which for the durations
is the seed's name without its unit (`retry_delay`, `timeout`, `countdown`: seconds); the code
uses the field's name, with its unit. `TaskDefaults` types `register`'s keywords and
`EnqueueOptions` those of `enqueue` and `TaskSpec` (the API's option fields); a unit test checks
both against `TaskOptions`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypedDict


def _keyword(name: str) -> Any:
    """A field callers name `name`: the keyword and wire name, where the field carries a unit."""
    return field(default=None, metadata={"keyword": name})


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskOptions:
    """How and when a task runs; None means the task function's default, then the setting's."""

    priority: int | str | None = None
    queue_name: str | None = None
    max_retries: int | None = None
    retry_delay_s: float | None = _keyword("retry_delay")
    retry_backoff: bool = False
    timeout_s: float | None = _keyword("timeout")
    run_after: datetime | None = None
    countdown_s: float | None = _keyword("countdown")
    # Unique tasks (flow_control/uniqueness.py): a key, or a function of the task's arguments
    # that returns it; `unique` (a registry default) makes the key the arguments themselves.
    unique: bool = False
    unique_key: UniqueKey = None
    unique_for_s: float | None = _keyword("unique_for")
    unique_while: Sequence[str] | None = None
    # Concurrency limits (flow_control/limits.py): at most this many tasks of the function run
    # at once across every worker, or of each value `limit_key` returns for their arguments.
    concurrency_limit: int | None = None
    # At most this many starts per second, minute or hour ("10/s", "100/m", "1000/h"), spaced
    # evenly, across every worker; per `limit_key` value when it is given.
    rate_limit: str | None = None
    limit_key: Callable[..., str] | None = None


type UniqueKey = str | Callable[..., str] | None


class _RunOptions(TypedDict, total=False):
    priority: int | str | None
    queue_name: str | None
    max_retries: int | None
    retry_delay: float | None
    timeout: float | None
    unique_key: UniqueKey
    unique_for: float | None
    unique_while: Sequence[str] | None


class TaskDefaults(_RunOptions, total=False):
    """The keywords of `task_registry.register`: a task function's defaults."""

    retry_backoff: bool
    unique: bool
    concurrency_limit: int | None
    rate_limit: str | None
    limit_key: Callable[..., str] | None


class EnqueueOptions(_RunOptions, total=False):
    """The option keywords of `enqueue` and `TaskSpec`, and the API's option fields."""

    run_after: datetime | None
    countdown: float | None


FIELD_BY_KEYWORD: dict[str, str] = {
    f.metadata.get("keyword", f.name): f.name for f in fields(TaskOptions)
}
DEFAULT_KEYWORDS = TaskDefaults.__optional_keys__
ENQUEUE_KEYWORDS = EnqueueOptions.__optional_keys__
NO_OPTIONS = TaskOptions()


def refuse_unknown(keywords: Mapping[str, Any], accepted: frozenset[str], caller: str) -> None:
    """Raise TypeError, as Python would, for a keyword `caller` does not accept."""
    if not accepted.issuperset(keywords):  # twice as fast as keywords.keys() <= accepted
        unknown = min(keywords.keys() - accepted)
        raise TypeError(f"{caller}() got an unexpected keyword argument {unknown!r}")


def from_keywords(keywords: Mapping[str, Any]) -> TaskOptions:
    """The options that `keywords` (TaskDefaults or EnqueueOptions) name."""
    if not keywords:
        return NO_OPTIONS
    return TaskOptions(**{FIELD_BY_KEYWORD[key]: value for key, value in keywords.items()})

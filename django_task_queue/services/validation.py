"""Checks a task's options and arguments before anything is written; errors name the field."""

from __future__ import annotations

import inspect
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from django_task_queue.exceptions import TaskValidationError
from django_task_queue.priorities import PRIORITY_BY_NAME, PRIORITY_MAX, PRIORITY_MIN
from django_task_queue.task_registry import TaskFunction

QUEUE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{1,100}$")
MAX_RETRIES_LIMIT = 100
MAX_DELAY_S = 86_400.0
MAX_TIMEOUT_S = 86_400.0


def json_roundtrip(field: str, value: Any) -> str:
    """The JSON text of `value`; raises unless decoding it gives the same value back.

    Enqueue runs this for every task, so the common case costs one C-level encode: text with no
    object in it, no escaped NUL and no lone surrogate round-trips exactly. Anything else (an
    object's keys may be non-strings, which json.dumps would silently turn into strings) takes
    one walk over the value that names what is wrong.
    """
    try:
        text = _dumps(value)
    except (TypeError, ValueError):
        pass
    else:
        if "{" not in text and "\\u0000" not in text and (text.isascii() or _encodes(text)):
            return text
    return _dumps(_plain(field, value))


# One encoder for every call: json.dumps with options builds a new one each time.
_dumps = json.JSONEncoder(allow_nan=False, separators=(",", ":"), ensure_ascii=False).encode


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain(field: str, value: Any) -> Any:
    """`value` with tuples as lists; raises TaskValidationError for anything JSON cannot hold."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _plain_text(field, value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TaskValidationError(field, "must be JSON-serializable: NaN and infinity are not")
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(field, item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TaskValidationError(field, "does not survive a JSON round trip (non-string keys)")
        return {_plain(field, key): _plain(field, item) for key, item in value.items()}
    raise TaskValidationError(field, f"must be JSON-serializable: {type(value).__name__} is not")


def _plain_text(field: str, value: str) -> str:
    if "\x00" in value:
        raise TaskValidationError(field, "may not contain NUL characters (PostgreSQL rejects them)")
    if not _encodes(value):
        raise TaskValidationError(field, "may not contain unpaired surrogate characters")
    return value


def check_args(args: Any) -> list[Any]:
    if isinstance(args, (str, bytes, Mapping)) or not isinstance(args, Sequence):
        raise TaskValidationError("args", "must be a list")
    return list(args)


def check_kwargs(kwargs: Any) -> dict[str, Any]:
    if kwargs is None:
        return {}
    if not isinstance(kwargs, Mapping):
        raise TaskValidationError("kwargs", "must be an object")
    if not all(isinstance(key, str) for key in kwargs):
        raise TaskValidationError("kwargs", "keys must be strings")
    return dict(kwargs)


# Call shapes (signature, positional count, keyword names) already known to bind: whether a call
# binds depends on its shape only, and Signature.bind cost a bulk enqueue a tenth of its time.
# A shape names its signature by id (hashing a Signature walks its parameters) and maps to the
# signature itself, which keeps that id from being reused while the entry lasts.
_BOUND_SHAPES: dict[tuple[Any, ...], inspect.Signature] = {}
_MAX_BOUND_SHAPES = 4096


def check_binding(task: TaskFunction, args: list[Any], kwargs: dict[str, Any]) -> None:
    """The arguments must bind to the function's signature, as a call would."""
    signature = task.signature
    shape = (id(signature), len(args), *kwargs)
    if _BOUND_SHAPES.get(shape) is signature:
        return
    try:
        signature.bind(*args, **kwargs)
        if len(_BOUND_SHAPES) >= _MAX_BOUND_SHAPES:
            _BOUND_SHAPES.clear()
        _BOUND_SHAPES[shape] = signature
    except TypeError as exc:
        field = "kwargs" if kwargs and "keyword" in str(exc) else "args"
        raise TaskValidationError(
            field, f"do not match {task.name}{task.signature}: {exc}"
        ) from exc


def check_priority(priority: Any) -> int:
    if isinstance(priority, str):
        try:
            return PRIORITY_BY_NAME[priority.lower()]
        except KeyError:
            names = ", ".join(PRIORITY_BY_NAME)
            raise TaskValidationError("priority", f"must be one of {names}") from None
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise TaskValidationError("priority", "must be a priority name or an integer")
    if not PRIORITY_MIN <= priority <= PRIORITY_MAX:
        raise TaskValidationError("priority", f"must be between {PRIORITY_MIN} and {PRIORITY_MAX}")
    return priority


def check_max_retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TaskValidationError("max_retries", "must be a whole number")
    if not 0 <= value <= MAX_RETRIES_LIMIT:
        raise TaskValidationError("max_retries", f"must be between 0 and {MAX_RETRIES_LIMIT}")
    return value


def check_seconds(field: str, value: Any, *, minimum: float, maximum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TaskValidationError(field, "must be a number of seconds")
    if not minimum <= value <= maximum:
        raise TaskValidationError(field, f"must be between {minimum:g} and {maximum:g} seconds")
    return float(value)


def check_queue_name(value: Any) -> str:
    if not isinstance(value, str) or not QUEUE_NAME_PATTERN.match(value):
        raise TaskValidationError(
            "queue_name", "must be 1 to 100 letters, digits, '_', '-', '.' or ':'"
        )
    return value


def check_schedule(
    run_after: datetime | None, countdown: float | None, now: datetime
) -> datetime | None:
    if run_after is not None and countdown is not None:
        raise TaskValidationError("run_after", "give run_after or countdown, not both")
    if countdown is not None:
        return now + timedelta(
            seconds=check_seconds("countdown", countdown, minimum=0, maximum=365 * MAX_DELAY_S)
        )
    if run_after is None:
        return None
    if not isinstance(run_after, datetime):
        raise TaskValidationError("run_after", "must be a datetime")
    if timezone.is_naive(run_after):
        raise TaskValidationError("run_after", "must be timezone-aware")
    return run_after

"""Unique tasks: the key a task holds, resolved when it is validated, and its insertion, where
PostgreSQL's partial unique index decides inside the enqueue's own transaction (two producers
racing for a key make one task; a rolled-back transaction holds no key)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django_task_queue import store
from django_task_queue.exceptions import TaskValidationError
from django_task_queue.services.validation import check_seconds
from django_task_queue.task_options import TaskOptions

# A task's own transitions never meet the index: a worker moves a task between these statuses
# only, so each of them holds the key when any does (docs/decisions.md, "Unique tasks").
ACTIVE_STATUSES = ("pending", "retry", "processing")
FINISHED_STATUSES = ("success", "failed", "cancelled")
MAX_UNIQUE_FOR_S = 366 * 86_400.0
MAX_KEY_LENGTH = 500
UNIQUE_KEYWORDS = frozenset({"unique_key", "unique_for", "unique_while"})
# A holder that finishes between the conflict and the look-up: insert again, a bounded number of
# times (each retry needs another task of the key to start and end in between).
_ATTEMPTS = 3


class UniqueKey(NamedTuple):
    """The key a task holds while its status is one of `while_statuses`, and `for_s` after."""

    key: str
    while_statuses: tuple[str, ...]
    for_s: float | None


def wanted(given: Mapping[str, Any], defaults: TaskOptions) -> bool:
    """Whether a task asks for uniqueness (a few lookups: every enqueue asks)."""
    return (
        defaults.unique or defaults.unique_key is not None or not UNIQUE_KEYWORDS.isdisjoint(given)
    )


def resolve(
    given: Mapping[str, Any],
    defaults: TaskOptions,
    args: list[Any],
    kwargs: dict[str, Any],
) -> UniqueKey | None:
    """The task's unique key from the enqueue's options, else the function's; None without one."""
    source = given.get("unique_key")
    if source is None:
        source = defaults.unique_key
    if source is None and defaults.unique:
        key = _arguments_key(args, kwargs)
    elif source is None:
        if given.get("unique_for") is not None or given.get("unique_while") is not None:
            raise TaskValidationError("unique_key", "unique_for and unique_while need a unique key")
        return None
    else:
        key = _check_key(source(*args, **kwargs) if callable(source) else source)
    statuses = given.get("unique_while")
    for_s = given.get("unique_for")
    return UniqueKey(
        key=key,
        while_statuses=_check_statuses(statuses if statuses is not None else defaults.unique_while),
        for_s=None
        if (for_s := for_s if for_s is not None else defaults.unique_for_s) is None
        else check_seconds("unique_for", for_s, minimum=0, maximum=MAX_UNIQUE_FOR_S),
    )


def insert(
    unique: UniqueKey, task_name: str, params: Mapping[str, Any], now: datetime
) -> tuple[Any, ...] | uuid.UUID:
    """Insert the task (insert_task's `params`): its (id, seq), or the id of the task of the same
    name that holds the key (or, with `unique_for`, finished less than that long ago)."""
    held = {"task_name": task_name, "unique_key": unique.key}
    for _ in range(_ATTEMPTS):
        if unique.for_s is not None:
            since = now - timedelta(seconds=unique.for_s)
            recent = store.read("recent_unique_task", {**held, "since": since})
            if recent:
                return uuid.UUID(str(recent[0][0]))
        key_params = {"unique_key": unique.key, "unique_while": list(unique.while_statuses)}
        inserted = store.write("insert_controlled_task", {**params, **key_params})
        if inserted:
            return tuple(inserted[0])
        holder = store.read("unique_key_holder", held)
        if holder:
            return uuid.UUID(str(holder[0][0]))
    raise TaskValidationError("unique_key", "its holder kept changing while enqueueing; try again")


def _arguments_key(args: list[Any], kwargs: dict[str, Any]) -> str:
    # `unique=True`: the arguments, in a canonical form, hashed to a bounded length.
    text = json.dumps([args, kwargs], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "args:" + hashlib.sha256(text.encode()).hexdigest()


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not key:
        raise TaskValidationError("unique_key", f"must be a non-empty string, not {key!r}")
    if len(key) > MAX_KEY_LENGTH or "\x00" in key:
        raise TaskValidationError(
            "unique_key", f"must be at most {MAX_KEY_LENGTH} characters, without NUL"
        )
    return key


def _check_statuses(statuses: Sequence[str] | None) -> tuple[str, ...]:
    if statuses is None:
        return ACTIVE_STATUSES
    if isinstance(statuses, str) or not all(isinstance(s, str) for s in statuses):
        raise TaskValidationError("unique_while", "must be a list of statuses")
    unknown = set(statuses) - {*ACTIVE_STATUSES, *FINISHED_STATUSES}
    if unknown:
        raise TaskValidationError("unique_while", f"unknown status {min(unknown)!r}")
    if not set(ACTIVE_STATUSES) <= set(statuses):
        raise TaskValidationError(
            "unique_while",
            "must include pending, retry and processing (and may add finished statuses)",
        )
    return tuple(s for s in (*ACTIVE_STATUSES, *FINISHED_STATUSES) if s in statuses)

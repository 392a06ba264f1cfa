"""The JSON form of a workflow (POST /api/workflows/) read into the objects of tree.py:
`{"chain": [...]}`, `{"group": [...], "allow_failures": true}`,
`{"chord": {"group": [...], "then": {...}, "allow_failures": true}}`, each leaf a task payload
as POST /api/tasks/ takes it. Errors name their path, as plan.py's do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django_task_queue.exceptions import TaskValidationError
from django_task_queue.services.spec import TaskSpec
from django_task_queue.workflows.tree import Chain, Chord, Group, Step

_COMPOSITES = ("chain", "group", "chord")
# A leaf's fields: those of POST /api/tasks/ but the schedule (a step runs when those before
# it end).
_TASK_OPTIONS = ("priority", "max_retries", "retry_delay", "timeout", "queue_name")
_TASK_FIELDS = frozenset({"task_name", "args", "kwargs", *_TASK_OPTIONS})


def read(data: Any, path: str = "") -> Step:
    """The step `data` describes; raises TaskValidationError naming the path of the fault."""
    if not isinstance(data, Mapping):
        raise TaskValidationError(path or "workflow", "must be an object")
    kinds = [key for key in _COMPOSITES if key in data]
    if len(kinds) > 1:
        raise TaskValidationError(path or "workflow", "give one of chain, group or chord")
    if not kinds:
        if not path:
            raise TaskValidationError("workflow", "must be a chain, a group or a chord")
        return _task(data, path)
    kind = kinds[0]
    here = f"{path}.{kind}" if path else kind
    allowed = {kind, "allow_failures"} if kind == "group" else {kind}
    _refuse_unknown(data, allowed, path)
    if kind == "chord":
        return _chord(data["chord"], here)
    steps = _steps(data[kind], here)
    if kind == "chain":
        return Chain(*steps)
    return Group(*steps, allow_failures=_flag(data, path))


def _chord(data: Any, here: str) -> Chord:
    if not isinstance(data, Mapping):
        raise TaskValidationError(here, "must be an object with group and then")
    _refuse_unknown(data, {"group", "then", "allow_failures"}, here)
    for key in ("group", "then"):
        if key not in data:
            raise TaskValidationError(f"{here}.{key}", "is required")
    members = _steps(data["group"], f"{here}.group")
    header = Group(*members, allow_failures=_flag(data, here))
    return Chord(header, read(data["then"], f"{here}.then"))


def _steps(data: Any, here: str) -> list[Step]:
    if not isinstance(data, list) or not data:
        raise TaskValidationError(here, "must be a non-empty list of steps")
    return [read(item, f"{here}[{index}]") for index, item in enumerate(data)]


def _task(data: Mapping[str, Any], path: str) -> TaskSpec:
    _refuse_unknown(data, _TASK_FIELDS, path)
    name = data.get("task_name")
    if not isinstance(name, str) or not name:
        raise TaskValidationError(f"{path}.task_name", "is required: a registered task function")
    args = data.get("args", [])
    if not isinstance(args, list):
        raise TaskValidationError(f"{path}.args", "must be a list")
    kwargs = data.get("kwargs")
    if kwargs is not None and not isinstance(kwargs, Mapping):
        raise TaskValidationError(f"{path}.kwargs", "must be an object")
    options: Any = {key: data[key] for key in _TASK_OPTIONS if key in data}
    return TaskSpec(name, args, kwargs, **options)


def _flag(data: Mapping[str, Any], path: str) -> bool:
    value = data.get("allow_failures", False)
    if not isinstance(value, bool):
        field = f"{path}.allow_failures" if path else "allow_failures"
        raise TaskValidationError(field, "must be true or false")
    return value


def _refuse_unknown(data: Mapping[str, Any], allowed: set[str] | frozenset[str], path: str) -> None:
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        field = f"{path}.{unknown[0]}" if path else unknown[0]
        raise TaskValidationError(field, "Unknown field.")

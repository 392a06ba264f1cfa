import json
import math
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django_task_queue.exceptions import TaskValidationError
from django_task_queue.services import validation
from django_task_queue.task_registry import task_registry


@pytest.mark.parametrize(
    "value",
    [
        {1, 2},
        float("nan"),
        {1: "int key"},
        object(),
        "nul\x00byte",
        "lone \ud800 surrogate",
    ],
)
def test_values_that_do_not_survive_json_are_rejected(value: object) -> None:
    with pytest.raises(TaskValidationError) as info:
        validation.json_roundtrip("args", [value])
    assert info.value.field == "args"


def _unstorable(value: Any) -> bool:
    """Whether JSON in PostgreSQL cannot give `value` back (the oracle for the property below)."""
    if isinstance(value, str):
        return "\x00" in value or any(0xD800 <= ord(char) <= 0xDFFF for char in value)
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return any(_unstorable(item) for item in value)
    if isinstance(value, dict):
        return any(not isinstance(key, str) or _unstorable(key) for key in value) or any(
            _unstorable(item) for item in value.values()
        )
    return False


def _as_lists(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_as_lists(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_lists(item) for key, item in value.items()}
    return value


_json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(codec=None, exclude_categories=()), max_size=8)
    | st.sampled_from(["{", "}", "\\u0000", "é", "\x00"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=4) | st.integers(), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=400)
@given(_json_like)
def test_json_text_gives_the_value_back_or_the_value_is_refused(value: Any) -> None:
    if _unstorable(value):
        with pytest.raises(TaskValidationError) as info:
            validation.json_roundtrip("args", value)
        assert info.value.field == "args"
        return
    text = validation.json_roundtrip("args", value)
    assert json.loads(text) == _as_lists(value)
    assert "\x00" not in text
    text.encode("utf-8")


def test_tuples_are_accepted_as_lists() -> None:
    assert validation.json_roundtrip("args", (1, (2, 3))) == "[1,[2,3]]"


def test_arguments_must_bind_to_the_signature() -> None:
    add = task_registry.get_task("add_numbers")
    validation.check_binding(add, [1, 2], {})
    with pytest.raises(TaskValidationError, match="missing a required argument"):
        validation.check_binding(add, [1], {})
    with pytest.raises(TaskValidationError) as info:
        validation.check_binding(add, [1, 2], {"c": 3})
    assert info.value.field == "kwargs"


@pytest.mark.parametrize("priority", ["urgent", 101, -101, True, 1.5])
def test_unknown_priorities_are_rejected(priority: object) -> None:
    with pytest.raises(TaskValidationError, match="priority"):
        validation.check_priority(priority)


@pytest.mark.parametrize("name", ["", "has space", "br{ace}", "x" * 101])
def test_queue_names_are_restricted(name: str) -> None:
    with pytest.raises(TaskValidationError, match="queue_name"):
        validation.check_queue_name(name)


def test_run_after_must_be_aware_and_exclusive_with_countdown() -> None:
    now = datetime.now().astimezone()
    with pytest.raises(TaskValidationError, match="timezone-aware"):
        validation.check_schedule(datetime(2030, 1, 1), None, now)
    with pytest.raises(TaskValidationError, match="not both"):
        validation.check_schedule(now, 5, now)
    assert validation.check_schedule(None, 5, now) == now + timedelta(seconds=5)

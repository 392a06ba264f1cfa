"""A create body's fast validation gives what DRF's own field-by-field path gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.functional import cached_property
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from django_task_queue.api.serializers.tasks import StrictBodySerializer, TaskCreateSerializer

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(text, children, max_size=3),
    max_leaves=8,
)
# Values each field accepts, near its limits, mixed with any JSON value.
plausible = {
    "task_name": st.sampled_from(["add_numbers", " add_numbers ", "", "x" * 200, "x" * 201]),
    "args": st.lists(json_values, max_size=3),
    "kwargs": st.dictionaries(text, json_values, max_size=3),
    "priority": st.sampled_from(["high", "LOW", "urgent", 0, 100, 101, -101, True, 1.0]),
    "max_retries": st.sampled_from([0, 100, 101, -1, True, 2.0, "3"]),
    "retry_delay": st.sampled_from([0, 0.5, 86_400, 86_401, -1, True, "1"]),
    "timeout": st.sampled_from([0.001, 0, 10, 86_401, None]),
    "queue_name": st.sampled_from(["default", "a:b.c-d_e", "", "a b", "q" * 101, 7]),
    "run_after": st.sampled_from(["2030-01-01T00:00:00Z", "2030-01-01", "soon", None, 5]),
    "countdown": st.sampled_from([0, 1.5, -1, None, True]),
}
likely_bodies = st.fixed_dictionaries(
    {"task_name": plausible["task_name"]},
    optional={name: values for name, values in plausible.items() if name != "task_name"},
)
any_bodies = st.builds(
    lambda body, unknown: {**body, **unknown},
    st.fixed_dictionaries(
        {}, optional={name: values | json_values for name, values in plausible.items()}
    ),
    st.dictionaries(st.sampled_from(["nope", "task"]), json_values, max_size=1),
)


class _DrfCreateSerializer(TaskCreateSerializer):
    """The same fields, each serializer with its own copy, through DRF's own loop."""

    @cached_property
    def fields(self) -> BindingDict:
        fields = BindingDict(self)
        for name, field in self.get_fields().items():
            fields[name] = field
        return fields

    def to_internal_value(self, data: Any) -> Any:
        return StrictBodySerializer.to_internal_value(self, data)


def _outcome(serializer: serializers.Serializer[Any], body: Any) -> tuple[str, Any]:
    try:
        return "valid", dict(serializer.to_internal_value(body))
    except serializers.ValidationError as exc:
        return "invalid", exc.detail


@settings(max_examples=300, deadline=None)
@given(body=likely_bodies | any_bodies | json_values)
def test_every_body_gets_the_values_or_the_errors_drf_gives(body: Any) -> None:
    assert _outcome(TaskCreateSerializer(), body) == _outcome(_DrfCreateSerializer(), body)


@pytest.mark.parametrize("many", [False, True])
def test_serializers_share_one_set_of_fields(many: bool) -> None:
    first = TaskCreateSerializer(many=many)
    second = TaskCreateSerializer(many=many)

    fields = getattr(first, "child", first).fields

    assert fields is getattr(second, "child", second).fields
    assert set(fields) == set(TaskCreateSerializer._declared_fields)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"task_name": "add\ud800"},
            {"task_name": ["Surrogate characters are not allowed: U+D800."]},
        ),
        (
            {"task_name": "add", "queue_name": "q\udfff"},
            {
                "queue_name": [
                    "Must be 1 to 100 letters, digits, '_', '-', '.' or ':'.",
                    "Surrogate characters are not allowed: U+DFFF.",
                ]
            },
        ),
        ({"task_name": "add\x00"}, {"task_name": ["Null characters are not allowed."]}),
    ],
)
def test_a_surrogate_or_nul_in_a_name_gets_drfs_error(
    body: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    outcome = _outcome(TaskCreateSerializer(), body)

    assert outcome == ("invalid", errors)

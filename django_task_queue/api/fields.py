"""Serializer fields that accept exactly the JSON type they document, never a coerced one.

DRF's own fields are lenient in ways a JSON API should not be: CharField takes 5 as "5",
IntegerField takes "5" and true, FloatField takes true as 1.0.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from django_task_queue.priorities import PRIORITY_BY_NAME, PRIORITY_MAX, PRIORITY_MIN


class _SurrogateCharactersValidator(ProhibitSurrogateCharactersValidator):
    """DRF's, which looks at every character in Python, after one encode that finds none."""

    def __call__(self, value: Any) -> None:
        text = str(value)
        try:
            text.encode("utf-8")  # fails only on a surrogate
        except UnicodeEncodeError:
            super().__call__(value)


class StrictCharField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            _SurrogateCharactersValidator()
            if type(validator) is ProhibitSurrogateCharactersValidator
            else validator
            for validator in self.validators
        ]

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class StrictFloatField(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return float(super().to_internal_value(data))


_PRIORITY_SCHEMA = {
    "oneOf": [
        {"type": "string", "enum": list(PRIORITY_BY_NAME)},
        {"type": "integer", "minimum": PRIORITY_MIN, "maximum": PRIORITY_MAX},
    ]
}


@extend_schema_field(_PRIORITY_SCHEMA)
class PriorityField(serializers.Field[int, Any, int, Any]):
    """A priority name (critical, high, normal, low) or an integer on Django's -100..100 scale."""

    default_error_messages = {  # noqa: RUF012  (DRF's declared class attribute)
        "invalid": "Must be one of {names} or an integer.",
        "unknown_name": "Must be one of {names}.",
        "range": f"Must be between {PRIORITY_MIN} and {PRIORITY_MAX}.",
    }

    def to_internal_value(self, data: Any) -> int:
        names = ", ".join(PRIORITY_BY_NAME)
        if isinstance(data, str):
            if data.lower() not in PRIORITY_BY_NAME:
                self.fail("unknown_name", names=names)
            return PRIORITY_BY_NAME[data.lower()]
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid", names=names)
        if not PRIORITY_MIN <= data <= PRIORITY_MAX:
            self.fail("range")
        return data

    def to_representation(self, value: Any) -> int:
        return int(value)

"""The response envelope as serializers, so the OpenAPI schema shows what clients receive."""

from __future__ import annotations

from functools import cache
from typing import Any

from rest_framework import serializers


class ErrorEnvelopeSerializer(serializers.Serializer[object]):
    success = serializers.BooleanField(default=False)
    message = serializers.CharField()
    # Declared fields leave the class (DRF's metaclass collects them), so the names may
    # shadow Serializer attributes at runtime; the stubs do not know that.
    errors = serializers.DictField(  # type: ignore[assignment]  # a declared field, see above
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages by field, e.g. "tasks[3].args"; {} when no field is to blame.',
    )


@cache
def envelope(
    inner: type[serializers.Serializer[object]], *, many: bool = False
) -> type[serializers.Serializer[object]]:
    """`{"success": true, "data": inner}` as a named serializer class (one per inner class)."""
    base = inner.__name__.removesuffix("Serializer")
    name = f"{base}{'List' if many else ''}EnvelopeSerializer"
    fields = {
        "success": serializers.BooleanField(default=True),
        "data": inner(many=many),
    }
    return type(name, (serializers.Serializer,), fields)


@cache
def created_envelope(
    inner: type[serializers.Serializer[object]], *, many: bool = False
) -> type[serializers.Serializer[object]]:
    """The envelope of an enqueue: `deduplicated` says which tasks a unique key found there."""
    base = inner.__name__.removesuffix("Serializer")
    name = f"{base}{'List' if many else ''}CreatedEnvelopeSerializer"
    found: serializers.Field[Any, Any, Any, Any] = (
        serializers.ListField(
            child=serializers.IntegerField(),
            help_text="Positions of the tasks that already existed (their unique_key was held).",
        )
        if many
        else serializers.BooleanField(
            help_text="True when the task already existed (its unique_key was held)."
        )
    )
    fields = {
        "success": serializers.BooleanField(default=True),
        "data": inner(many=many),
        "deduplicated": found,
    }
    return type(name, (serializers.Serializer,), fields)

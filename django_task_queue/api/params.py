"""Query-string helpers shared by the views and the pagination."""

from __future__ import annotations

from django.http import QueryDict


def given(query_params: QueryDict) -> dict[str, str]:
    """The parameters that carry a value: `?page=` means the default, as django-filter reads it."""
    values: dict[str, str] = {}
    for key in query_params:
        value = query_params.get(key)  # the last value, as django-filter reads it
        if isinstance(value, str) and value:
            values[key] = value
    return values

"""The only request parser: strict JSON under a size limit, so bad bodies fail as 4xx, not 500."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any, NoReturn

from django.utils.http import parse_header_parameters
from rest_framework import exceptions
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

from django_task_queue.api.errors import PayloadTooLarge
from django_task_queue.conf import get_settings

# Deeper bodies are abuse, not task arguments, and would exhaust Python's recursion limit
# in the validators that walk them.
MAX_DEPTH = 64
_ACCEPTED_CHARSETS = frozenset({"utf-8", "utf8"})


class BoundedJSONParser(BaseParser):
    """JSON bodies only, at most API_MAX_BODY_BYTES, no NaN/Infinity, no lone surrogates."""

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = get_settings().API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        if request is not None and _declared_length(request.META) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        # Read one byte past the limit: the declared length may lie.
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        _check_charset(media_type)
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except RecursionError:
            raise exceptions.ParseError("The JSON body is nested too deeply.") from None
        except ValueError as exc:
            raise exceptions.ParseError(f"The body is not valid JSON: {exc}") from None
        _check_values(data)
        return data


def _declared_length(meta: Mapping[str, Any]) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _check_charset(media_type: str | None) -> None:
    _, params = parse_header_parameters(media_type or "")
    charset = params.get("charset", "utf-8").lower()
    if charset not in _ACCEPTED_CHARSETS:
        raise exceptions.UnsupportedMediaType(
            media_type or "", detail=f"JSON must be UTF-8, not {charset!r}."
        )


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _check_values(data: Any) -> None:
    """Walk the body without recursion: bound its depth and reject lone surrogates."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise exceptions.ParseError(f"The JSON body is nested deeper than {MAX_DEPTH} levels.")
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key)
                pending.append((item, depth + 1))


def _check_text(text: str) -> None:
    # A lone \ud800 escape decodes in Python but PostgreSQL's jsonb refuses it.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise exceptions.ParseError(
            "The JSON body contains an unpaired surrogate escape."
        ) from None

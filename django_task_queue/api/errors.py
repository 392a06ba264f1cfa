"""The one error envelope: every exception a view lets out becomes `{"success": false, ...}`.

Our own errors (django_task_queue.exceptions) and store outages are translated here, at the
edge, into DRF exceptions; DRF's handler picks the status code; this module shapes the body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError, InterfaceError, OperationalError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from django_task_queue.exceptions import (
    BrokerUnavailableError,
    InvalidTransitionError,
    StoreUnavailableError,
    TaskValidationError,
    UnknownTaskError,
)

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The task's status does not allow this action."
    default_code = "conflict"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A store is unavailable; try again shortly."
    default_code = "service_unavailable"


def _translate(exc: Exception) -> Exception:
    """Our exceptions and Django's as the DRF exception that carries the right status."""
    if isinstance(exc, TaskValidationError):
        return exceptions.ValidationError({exc.field: [exc.message]})
    if isinstance(exc, UnknownTaskError):
        return exceptions.ValidationError({"task_name": [str(exc)]})
    if isinstance(exc, InvalidTransitionError):
        return Conflict(str(exc))
    if isinstance(exc, ObjectDoesNotExist):
        return exceptions.NotFound("No task has this id.")
    return _translate_store_error(exc)


def _translate_store_error(exc: Exception) -> Exception:
    if isinstance(exc, BrokerUnavailableError):
        # The detail names hosts and ports: it goes to the log, not to the client.
        logger.warning("API request failed, Redis is unreachable: %s", exc)
        return ServiceUnavailable("Redis is unreachable; try again shortly.")
    if isinstance(exc, StoreUnavailableError | OperationalError | InterfaceError):
        logger.warning("API request failed, PostgreSQL is unreachable: %s", exc)
        return ServiceUnavailable("PostgreSQL is unreachable; try again shortly.")
    if isinstance(exc, DataError):
        # Validation should have caught it; a value PostgreSQL refuses is still bad input.
        logger.warning("PostgreSQL rejected a value from an API request: %s", exc)
        return exceptions.ValidationError("A value in the request cannot be stored.")
    return exc


def envelope_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: the error envelope, or None (a 500) for a bug."""
    translated = _translate(exc)
    response = exception_handler(translated, dict(context))
    if response is None:
        return None
    if isinstance(translated, exceptions.ValidationError):
        response.data = validation_body(translated.detail)
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = error_body(str(detail or translated))
    return response


def error_body(message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"success": False, "message": message, "errors": errors or {}}


def validation_body(detail: Any) -> dict[str, Any]:
    """A ValidationError's detail as the envelope: nested errors keyed like `tasks[3].args`."""
    errors: dict[str, list[str]] = {}
    _flatten(detail, "", errors)
    general = errors.pop("", [])
    if errors:
        field, messages = next(iter(errors.items()))
        message = f"{field}: {messages[0]}"
    elif general:
        message = " ".join(general)
    else:
        message = "The request is invalid."
    return error_body(message, errors)


def _flatten(detail: Any, path: str, into: dict[str, list[str]]) -> None:
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            _flatten(value, _join(path, key), into)
    elif isinstance(detail, list | tuple):
        if all(isinstance(item, str) for item in detail):
            into.setdefault(path, []).extend(str(item) for item in detail)
            return
        for index, item in enumerate(detail):
            if item:
                _flatten(item, f"{path}[{index}]", into)
    else:
        into.setdefault(path, []).append(str(detail))


def _join(path: str, key: object) -> str:
    if key == NON_FIELD:
        return path
    if isinstance(key, int):
        # ListField and DictField key their children's errors by index.
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)

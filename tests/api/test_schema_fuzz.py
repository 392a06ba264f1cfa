"""Every operation of /api/schema/, fuzzed by schemathesis: no 5xx, only documented answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from django_task_queue.broker.client import Broker

# Cases per operation, and the cases each operation ran: the figure a run prints at its end.
MAX_EXAMPLES = 25
CASES_RUN: Counter[str] = Counter()


def _openapi_document() -> dict[str, Any]:
    # The document /api/schema/ serves, built without a request so it loads at collection.
    from drf_spectacular.generators import SchemaGenerator

    # drf-spectacular's generator has no type hints.
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    document: dict[str, Any] = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return document


schema = schemathesis.openapi.from_dict(_openapi_document())


@pytest.fixture
def app(broker: Broker, transactional_db: None) -> Iterator[Any]:
    """The WSGI application, keeping the test's connection as Django's test client does."""
    from config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_gets_a_server_error_or_an_undocumented_status(
    case: Any, app: Any
) -> None:
    CASES_RUN[case.operation.label] += 1

    case.call_and_validate(app=app, checks=[not_a_server_error, status_code_conformance])

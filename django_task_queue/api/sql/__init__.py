"""The API's monitoring SQL, named by `-- name: x --` headers in monitoring.sql like the store's."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection

from django_task_queue.priorities import PRIORITY_BY_NAME

_FILE = Path(__file__).parent / "monitoring.sql"
_HEADER = re.compile(r"^-- name: (\w+) --$", re.MULTILINE)

# Parameters of every query that splits priorities into bands.
BAND_PARAMS: Mapping[str, int] = {
    "critical": PRIORITY_BY_NAME["critical"],
    "high": PRIORITY_BY_NAME["high"],
    "low": PRIORITY_BY_NAME["low"],
}


@cache
def queries() -> dict[str, str]:
    parts = _HEADER.split(_FILE.read_text())
    return {
        name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def fetch_all(name: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of a named query; OperationalError (PostgreSQL down) reaches the error handler."""
    with connection.cursor() as cursor:
        cursor.execute(queries()[name], params or {})
        return list(cursor.fetchall())

"""The API's monitoring SQL, named by `-- name: x --` headers in monitoring.sql like the store's."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django_task_queue.priorities import PRIORITY_BY_NAME
from django_task_queue.store import load_queries, run_named

_FILE = Path(__file__).parent / "monitoring.sql"

# Parameters of every query that splits priorities into bands.
BAND_PARAMS: Mapping[str, int] = {
    "critical": PRIORITY_BY_NAME["critical"],
    "high": PRIORITY_BY_NAME["high"],
    "low": PRIORITY_BY_NAME["low"],
}


def queries() -> dict[str, str]:
    return load_queries(_FILE)


def fetch_all(name: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of a named query; OperationalError (PostgreSQL down) reaches the error handler."""
    return run_named(_FILE, name, params)

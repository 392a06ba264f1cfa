"""PostgreSQL access of the hot path: the named queries of sql/queries.sql, run by name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
from django.db import DatabaseError, InterfaceError, OperationalError, connection

from django_task_queue.conf import get_settings
from django_task_queue.exceptions import StoreUnavailableError

_QUERIES_FILE = Path(__file__).parent / "sql" / "queries.sql"
_HEADER = re.compile(r"^-- name: (\w+) --$", re.MULTILINE)


@cache
def load_queries(path: Path) -> dict[str, str]:
    """Every query of a .sql file, by the name in its `-- name: x --` header."""
    # split() with a capturing group alternates: the preamble, then each name and its body.
    parts = _HEADER.split(path.read_text())
    return {
        name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def queries() -> dict[str, str]:
    """The hot path's named queries (sql/queries.sql)."""
    return load_queries(_QUERIES_FILE)


def run_named(path: Path, name: str, params: Mapping[str, Any] | None = None) -> list[Any]:
    """Rows of a named query of another .sql file, through Django's own cursor (monitoring,
    maintenance: not the hot path). Django's database errors reach the caller."""
    with connection.cursor() as cursor:
        cursor.execute(load_queries(path)[name], params or {})
        return list(cursor.fetchall()) if cursor.description else []


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except (OperationalError, InterfaceError, psycopg.OperationalError) as exc:
        raise StoreUnavailableError(f"PostgreSQL is unreachable: {exc}") from exc
    except psycopg.Error as exc:
        # Django's cursor wrapper would have raised its own type; keep callers' contract.
        raise DatabaseError(str(exc)) from exc


def fetch_all(name: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Run the named query and return every row.

    The hot path binds parameters on the server through a plain psycopg cursor on Django's
    connection (same transaction): its arrays need no quoting, and each statement is prepared
    once per connection, since parsing and planning it again cost about as much as running it.
    Django's own cursors keep client-side binding for everything else.
    """
    with _translated():
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        with psycopg.Cursor(raw) as cursor:
            _execute(raw, cursor, queries()[name], params)
            return list(cursor.fetchall()) if cursor.description else []


def fetch_all_overlapped[K](
    name: str, batches: Iterable[tuple[K, Mapping[str, Any]]]
) -> Iterator[tuple[K, list[tuple[Any, ...]]]]:
    """Run the named query once per batch, yielding each batch's key with its rows.

    The next batch's parameters are built (pulled from `batches`) while PostgreSQL still runs
    the previous statement: psycopg's pipeline mode sends a statement without waiting for it,
    so a producer's Python work and the server's inserts overlap instead of taking turns.
    Run it inside a transaction: a failure in any batch must undo them all.
    """
    with _translated():
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        sql = queries()[name]
        with raw.pipeline():
            pending: tuple[K, psycopg.Cursor[Any]] | None = None
            for key, params in batches:  # builds the next batch while the server works
                if pending is not None:
                    yield pending[0], pending[1].fetchall()
                cursor = psycopg.Cursor(raw)
                _execute(raw, cursor, sql, params)
                pending = (key, cursor)
            if pending is not None:
                yield pending[0], pending[1].fetchall()


def _execute(
    raw: psycopg.Connection[Any], cursor: psycopg.Cursor[Any], sql: str, params: Mapping[str, Any]
) -> None:
    if raw.prepare_threshold is not None or not get_settings().PREPARE_STATEMENTS:
        cursor.execute(sql, params)  # the project chose its own policy, or none at all
        return
    # Django turns psycopg's preparation off on its connections (None); it is turned on for
    # this one call only, so Django's own cursors keep the project's choice.
    raw.prepare_threshold = 0
    try:
        cursor.execute(sql, params, prepare=True)
    finally:
        raw.prepare_threshold = None


def fetch_one(name: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    rows = fetch_all(name, params)
    return rows[0] if rows else None


def ensure_usable_connection() -> None:
    """Drop a connection that broke (PostgreSQL restarted) so the next query reconnects."""
    try:
        connection.close_if_unusable_or_obsolete()
    except DatabaseError:
        connection.close()

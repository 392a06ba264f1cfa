"""The named-SQL helper: one namespace over every sql/*.sql file, a read verb that cannot write."""

from __future__ import annotations

import pytest

from django_task_queue import store


def test_every_named_statement_of_every_sql_file_is_loaded_once() -> None:
    statements = store.statements()

    assert {path.name for path in {s.path for s in statements.values()}} >= {
        "queries.sql", "operations.sql", "monitoring.sql",
    }  # fmt: skip
    assert set(store.queries()) <= set(statements)
    assert all(statement.sql.strip() for statement in statements.values())


def test_the_statements_that_write_are_told_apart_from_those_that_only_read() -> None:
    writing = {name for name, statement in store.statements().items() if statement.writes}

    assert {"fold", "rollup_clear", "rollup_trim", "rollup_advance", "purge_batch"} <= writing
    assert {"complete_and_claim", "fail_task", "reap_expired", "insert_tasks"} <= writing
    # purge_count's comment says what a purge would delete; its SQL only counts
    assert not {"failure_groups", "live_waits", "waiting_summary", "purge_count"} & writing


def test_reading_a_statement_that_writes_is_refused_before_it_runs() -> None:
    with pytest.raises(ValueError, match="purge_batch writes"):
        store.read("purge_batch", {})

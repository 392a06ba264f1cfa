"""The state machine's table and the SQL that changes statuses cannot drift apart: every statement
that writes a status performs edges of `states.TRANSITIONS` (those of its own verbs), every edge
is performed by a statement, and no Python code writes a status but through that SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import django_task_queue
from django_task_queue.states import TRANSITIONS
from tests.support.status_writes import Pair, UnreadableSQLError, named_statements, status_writes

PACKAGE = Path(django_task_queue.__file__).parent

# The named statements (of any .sql file in the package) that perform each verb.
PERFORMED_BY: dict[str, set[str]] = {
    "enqueue": {
        "insert_task",
        "insert_tasks",
        "insert_controlled_task",
        "enqueue_ticks",
        "insert_workflow_tasks",
    },
    "claim": {"complete_and_claim"},
    "complete": {"complete_and_claim"},
    "unclaim": {"unclaim_tasks"},
    "fail": {"fail_task"},
    "release": {"release_task"},
    "reap": {"reap_expired"},
    "settle": {"release_worker_tasks"},
    "cancel": {"cancel_task", "cancel_workflow_tasks"},
    "retry": {"retry_task"},
}


def _edges(verb: str) -> set[Pair]:
    """A verb's (from, to) pairs; a verb with no sources creates the row (from None)."""
    sources, targets = TRANSITIONS[verb]
    return {(source, target) for source in (sources or {None}) for target in targets}


def _verbs_of(statement: str) -> set[str]:
    return {verb for verb, statements in PERFORMED_BY.items() if statement in statements}


def _status_writers() -> dict[str, set[Pair]]:
    """Every named statement of the package's .sql files that writes a status, with its pairs."""
    writers: dict[str, set[Pair]] = {}
    for path in sorted(PACKAGE.rglob("*.sql")):
        for name, sql in named_statements(path):
            try:
                pairs = status_writes(sql)
            except UnreadableSQLError as exc:
                raise UnreadableSQLError(f"{path.name}, {name}: {exc}") from exc
            if pairs:
                assert name not in writers, f"two statements that write a status named {name}"
                writers[name] = pairs
    return writers


def test_every_statement_that_writes_a_status_performs_a_verb_of_the_state_machine() -> None:
    writers = _status_writers()

    assert set(PERFORMED_BY) == set(TRANSITIONS)
    assert set(writers) == set().union(*PERFORMED_BY.values())


def test_each_statement_writes_only_edges_of_the_verbs_it_performs() -> None:
    for name, pairs in _status_writers().items():
        verbs = _verbs_of(name)
        allowed = set().union(*(_edges(verb) for verb in verbs))

        assert pairs <= allowed, f"{name} writes {sorted(pairs - allowed, key=str)}, {verbs} do not"


def test_every_edge_of_the_state_machine_is_written_by_a_statement_of_its_verb() -> None:
    writers = _status_writers()
    for verb, statements in PERFORMED_BY.items():
        written = set().union(*(writers.get(name, set()) for name in statements))

        assert _edges(verb) <= written, f"{verb}: no statement writes {_edges(verb) - written}"


@pytest.mark.parametrize(
    ("sql", "pairs"),
    [
        (
            "UPDATE django_task_queue_task SET status = 'success', updated_at = %(now)s"
            " WHERE id = %(id)s AND status = 'pending'",
            {("pending", "success")},
        ),
        (
            "UPDATE django_task_queue_task AS t SET status = CASE WHEN t.status = 'failed'"
            " THEN 'pending' ELSE 'cancelled' END"
            " WHERE CASE WHEN t.status IN ('failed', 'retry') THEN true ELSE false END",
            # ELSE is taken to apply to every status the WHERE lets through.
            {("failed", "pending"), ("failed", "cancelled"), ("retry", "cancelled")},
        ),
        (
            "WITH due AS (SELECT id FROM django_task_queue_task d WHERE d.status = 'retry')"
            " UPDATE django_task_queue_task t SET status = 'processing' FROM due"
            " WHERE t.id = due.id",
            {("retry", "processing")},
        ),
        (
            "INSERT INTO django_task_queue_task (id, status) VALUES (%(id)s, 'success')",
            {(None, "success")},
        ),
        ("UPDATE django_task_queue_task SET priority = 1 WHERE status = 'pending'", set()),
        # A workflow's status is not a task's.
        ("UPDATE django_task_queue_workflow SET status = 'failed' WHERE id = %(id)s", set()),
    ],
)
def test_the_reader_pairs_the_statuses_a_statement_tests_with_those_it_writes(
    sql: str, pairs: set[Pair]
) -> None:
    assert status_writes(sql) == pairs


def test_a_statement_writing_an_edge_the_state_machine_lacks_would_fail_the_check() -> None:
    written = status_writes(
        "UPDATE django_task_queue_task SET status = 'success' WHERE status = 'pending'"
    )

    assert written == {("pending", "success")}
    assert not written & set().union(*(_edges(verb) for verb in TRANSITIONS))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE django_task_queue_task SET status = %(status)s WHERE status = 'processing'",
        "UPDATE django_task_queue_task SET status = 'pending' WHERE id = %(id)s",
        "UPDATE django_task_queue_task SET status = 'pending' WHERE status <> 'success'",
        "UPDATE django_task_queue_task SET status = 'pending'"
        " WHERE status = 'failed' OR status = 'success'",
        "UPDATE django_task_queue_task SET status = 'pending' WHERE status = ANY(%(statuses)s)",
        "UPDATE django_task_queue_task SET status = CASE WHEN retry_count > 0 THEN 'retry' END"
        " WHERE status = 'processing'",
        "UPDATE django_task_queue_task SET status = 'pending' WHERE id IN"
        " (SELECT id FROM django_task_queue_task WHERE status = 'failed')",
        "UPDATE django_task_queue_task SET status = 'pending'"
        " WHERE CASE WHEN status = 'failed' THEN false ELSE true END",
        "UPDATE django_task_queue_task SET status = 'done' WHERE status = 'processing'",
        "INSERT INTO django_task_queue_task (id, task_name) VALUES (%(id)s, 'x')",
    ],
)
def test_the_reader_refuses_a_status_write_it_cannot_pair_for_certain(sql: str) -> None:
    with pytest.raises(UnreadableSQLError):
        status_writes(sql)


# SQL in a Python string that writes a status, which the checks above would not read.
_SQL_WRITE = re.compile(
    r"\bUPDATE\s[\s\S]*\bSET\s[\s\S]*\bstatus\s*=|\bINSERT\s+INTO\s+django_task_queue_task", re.I
)
_ORM_WRITES = {
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "update_or_create",
    "get_or_create",
}


def _dict_names(function: ast.AST) -> set[str]:
    """Names a function binds to a dict (a display, `dict(...)`, or a `.copy()`)."""
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            value, target = node.value, node.targets[0]
            is_dict = isinstance(value, ast.Dict | ast.DictComp) or (
                isinstance(value, ast.Call)
                and (
                    (isinstance(value.func, ast.Name) and value.func.id == "dict")
                    or (isinstance(value.func, ast.Attribute) and value.func.attr == "copy")
                )
            )
            if is_dict and isinstance(target, ast.Name):
                names.add(target.id)
    return names


def _status_writes_in_python(tree: ast.Module) -> list[int]:
    """Lines that write a status through the ORM, by assignment, or in inline SQL."""
    lines = []
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    scopes = [tree, *(node for node in ast.walk(tree) if isinstance(node, functions))]
    for scope in scopes:
        dicts = _dict_names(scope)
        docstrings = {id(n.value) for n in ast.walk(scope) if isinstance(n, ast.Expr)}
        for node in ast.walk(scope):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                if _SQL_WRITE.search(node.value):
                    lines.append(node.lineno)
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
                    lines.append(node.lineno)
            elif isinstance(node, ast.Call) and _writes_status(node, dicts):
                lines.append(node.lineno)
    return sorted(set(lines))


def _writes_status(call: ast.Call, dicts: set[str]) -> bool:
    """`.update(status=...)`, `.create(..., defaults={"status": ...})`, `setattr(x, "status")`."""
    function = call.func
    if isinstance(function, ast.Name):
        return function.id == "setattr" and _names_status(call.args[1:2])
    if not isinstance(function, ast.Attribute) or function.attr not in _ORM_WRITES:
        return False
    if isinstance(function.value, ast.Name) and function.value.id in dicts:
        return False  # dict.update
    given = [*call.args, *(keyword.value for keyword in call.keywords)]
    return any(keyword.arg == "status" for keyword in call.keywords) or _names_status(given)


def _names_status(nodes: list[ast.expr]) -> bool:
    return any(
        isinstance(sub, ast.Constant) and sub.value == "status"
        for node in nodes
        for sub in ast.walk(node)
    )


def test_no_module_writes_a_status_but_through_the_named_sql() -> None:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = _status_writes_in_python(ast.parse(path.read_text()))
        if lines:
            found[str(path.relative_to(PACKAGE))] = lines

    assert found == {}


def test_the_python_check_finds_a_status_written_through_the_orm() -> None:
    source = (
        "def cancel(queryset):\n"
        "    queryset.update(status='cancelled')\n"
        "    values = {}\n"
        "    values.update(status='pending')\n"  # a dict, not a row
        "    task.status = 'failed'\n"
        "    cursor.execute(\"UPDATE django_task_queue_task SET status = 'x'\")\n"
        "    Task.objects.filter(status='failed').update(priority=1)\n"  # a read of the status
        "    Task.objects.update_or_create(id=1, defaults={'status': 'pending'})\n"
        "    setattr(task, 'status', 'failed')\n"
    )

    assert _status_writes_in_python(ast.parse(source)) == [2, 5, 6, 8, 9]

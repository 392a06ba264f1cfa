"""Reads SQL for the status changes it makes: every UPDATE or INSERT that writes `status`, as
(from, to) pairs, the from-statuses taken from its WHERE (or the CTE it joins) and the CASE that
picks the new status. What it cannot read for certain raises UnreadableSQLError, not a guess."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django_task_queue.states import TaskStatus

# (from, to); from is None for a row the statement creates.
Pair = tuple[str | None, str]

TASK_TABLE = "django_task_queue_task"
_STATUSES = frozenset(status.value for status in TaskStatus)
_HEADER = re.compile(r"^-- name: (\w+) --$", re.MULTILINE)
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_TOKEN = re.compile(
    r"""(?P<string>'(?:[^']|'')*')
      | (?P<param>%\(\w+\)[sbt])
      | (?P<word>"[^"]+"|[A-Za-z_]\w*(?:\."?[A-Za-z_]\w*"?)*)
      | (?P<number>\d+(?:\.\d+)?)
      | (?P<op>::|<=|>=|<>|!=|\|\||->>|->|[(),;=<>+\-*/%\[\]|:])
      | (?P<space>\s+)
      | (?P<other>\S)""",
    re.VERBOSE,
)
# Words after a table name that are not its alias.
_CLAUSES = frozenset({
    "set", "where", "from", "join", "left", "right", "inner", "cross", "full", "on", "using",
    "order", "group", "limit", "returning", "for", "union", "window", "having", "values",
    "select", "as",
})  # fmt: skip


class UnreadableSQLError(AssertionError):
    """SQL that writes a status in a way this reader cannot pair for certain."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str

    @property
    def word(self) -> str:
        """The lowercased text of a word, else ''."""
        return self.text.lower().replace('"', "") if self.kind == "word" else ""

    @property
    def column(self) -> str:
        """A word's last part (`t.status` → `status`), else ''."""
        return self.word.rsplit(".", 1)[-1]

    @property
    def qualifier(self) -> str | None:
        return self.word.rsplit(".", 1)[0] if "." in self.word else None


def named_statements(path: Path) -> Iterator[tuple[str, str]]:
    """Each `-- name: x --` statement of a .sql file, and anything before the first header."""
    parts = _HEADER.split(path.read_text())
    if _COMMENT.sub("", parts[0]).strip():
        yield f"{path.name} (before its first name)", parts[0]
    yield from zip(parts[1::2], parts[2::2], strict=True)


def tokenize(sql: str) -> list[Token]:
    text = _COMMENT.sub(" ", sql)
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # `other` takes any character the rest do not
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group()))
        position = match.end()
    return tokens


def status_writes(sql: str) -> set[Pair]:
    """Every (from, to) pair of statuses the statement can write."""
    tokens = tokenize(sql)
    ctes = _ctes(tokens)
    pairs: set[Pair] = set()
    for index, token in enumerate(tokens):
        if token.word == "update":
            pairs |= _update_pairs(tokens, index, ctes)
        elif token.word == "insert":
            pairs |= _insert_pairs(tokens, index)
        elif token.word == "merge" and _mentions_status(tokens):
            raise UnreadableSQLError("a MERGE that may write a status")
    return pairs


def _mentions_status(tokens: list[Token]) -> bool:
    return any(token.column == "status" for token in tokens)


def _span(tokens: list[Token], start: int) -> list[Token]:
    """The tokens of the statement or parenthesised sub-statement that starts at `start`."""
    depth = 0
    for index in range(start, len(tokens)):
        text = tokens[index].text
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth < 0:
                return tokens[start:index]
        elif text == ";" and depth == 0:
            return tokens[start:index]
    return tokens[start:]


def _top_level(tokens: list[Token]) -> Iterator[tuple[int, Token]]:
    """The tokens outside any parentheses, with their index."""
    depth = 0
    for index, token in enumerate(tokens):
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0:
            yield index, token


def _clauses(tokens: list[Token], names: set[str]) -> dict[str, list[Token]]:
    """The top-level clauses of a sub-statement, by keyword (each up to the next one)."""
    starts = [(index, token.word) for index, token in _top_level(tokens) if token.word in names]
    bounds = [index for index, _ in starts[1:]] + [len(tokens)] if starts else []
    return {
        word: tokens[index + 1 : end] for (index, word), end in zip(starts, bounds, strict=True)
    }


def _split_commas(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    commas = {index for index, token in _top_level(tokens) if token.text == ","}
    for index, token in enumerate(tokens):
        if index in commas:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _ctes(tokens: list[Token]) -> dict[str, list[Token]]:
    """Each common table expression's body (`name AS (...)`), by name."""
    bodies: dict[str, list[Token]] = {}
    for index in range(len(tokens) - 2):
        name, as_, paren = tokens[index : index + 3]
        if as_.word == "as" and paren.text == "(" and name.kind == "word":
            bodies[name.word] = _span(tokens, index + 3)
    return bodies


def _task_aliases(tokens: list[Token]) -> set[str | None]:
    """The names a (sub-)statement gives the task table, and None for an unqualified column.
    (A subquery's names are its own: a status test there is refused.)"""
    aliases: set[str | None] = {None, TASK_TABLE}
    for index, token in _top_level(tokens):
        if token.word == TASK_TABLE:
            following = tokens[index + 1 : index + 3]
            if following and following[0].word == "as":
                following = following[1:]
            if following and following[0].kind == "word" and following[0].word not in _CLAUSES:
                aliases.add(following[0].word)
    return aliases


def _update_pairs(tokens: list[Token], index: int, ctes: dict[str, list[Token]]) -> set[Pair]:
    span = _span(tokens, index)
    if len(span) > 1 and span[1].word != TASK_TABLE:
        return set()  # another table's status (a workflow's) is not a task's
    clauses = _clauses(span, {"set", "from", "where", "returning"})
    assignment = _status_assignment(clauses.get("set", []))
    if assignment is None:
        return set()
    aliases = _task_aliases(span)
    guards = [
        guard
        for guard in (
            _status_test(clauses.get("where", []), aliases),
            *(_cte_guard(word, ctes) for word in _words(clauses.get("from", []))),
        )
        if guard is not None
    ]
    if not guards:
        raise UnreadableSQLError("an UPDATE writes a status without testing the status it changes")
    sources = frozenset.intersection(*guards)
    pairs: set[Pair] = set()
    for condition, target in _branches(assignment):
        # A CASE branch whose WHEN tests the status applies to those statuses only.
        narrowed = _status_test(condition, aliases) if condition else None
        branch_sources = sources if narrowed is None else sources & narrowed
        pairs |= {(source, target) for source in branch_sources}
    return pairs


def _words(tokens: list[Token]) -> set[str]:
    return {token.word for token in tokens if token.kind == "word"}


def _cte_guard(
    name: str, ctes: dict[str, list[Token]], seen: frozenset[str] = frozenset()
) -> frozenset[str] | None:
    """The status test of a CTE the UPDATE joins (or of the CTEs that one reads)."""
    body = ctes.get(name)
    if body is None or name in seen:
        return None
    clauses = _clauses(body, {"select", "from", "where", "order", "limit", "for", "returning"})
    guard = _status_test(clauses.get("where", []), _task_aliases(body))
    if guard is not None:
        return guard
    nested = [_cte_guard(word, ctes, seen | {name}) for word in _words(clauses.get("from", []))]
    found = [guard for guard in nested if guard is not None]
    return frozenset.intersection(*found) if found else None


def _status_assignment(set_clause: list[Token]) -> list[Token] | None:
    """The expression a SET clause assigns to `status`, or None when it leaves it alone."""
    found = None
    for assignment in _split_commas(set_clause):
        if not assignment:
            continue
        target = assignment[0]
        if target.text == "(" and _mentions_status(assignment):
            raise UnreadableSQLError("a status written by a row assignment")
        if target.column == "status":
            if len(assignment) < 3 or assignment[1].text != "=":
                raise UnreadableSQLError("a status assignment without `=`")
            found = assignment[2:]
    return found


def _branches(expression: list[Token]) -> list[tuple[list[Token] | None, str]]:
    """(condition, status) for each value an expression can give: a literal, or a flat CASE."""
    if len(expression) == 1:
        return [(None, _status_literal(expression[0]))]
    words = [token.word for token in expression]
    if words[0] != "case" or words[-1] != "end" or words.count("case") != 1:
        raise UnreadableSQLError(f"a status written from {' '.join(t.text for t in expression)!r}")
    if "else" not in words:
        raise UnreadableSQLError("a CASE without ELSE writes a NULL status")
    branches: list[tuple[list[Token] | None, str]] = []
    condition: list[Token] | None = None
    body = expression[1:-1]
    keys = [i for i, token in enumerate(body) if token.word in {"when", "then", "else"}]
    for position, key in enumerate(keys):
        end = keys[position + 1] if position + 1 < len(keys) else len(body)
        if body[key].word == "when":
            condition = body[key + 1 : end]
        else:
            value = body[key + 1 : end]
            if len(value) != 1:
                raise UnreadableSQLError(
                    f"a CASE branch writes {' '.join(t.text for t in value)!r}"
                )
            branches.append(
                (condition if body[key].word == "then" else None, _status_literal(value[0]))
            )
    return branches


def _status_literal(token: Token) -> str:
    if token.kind != "string":
        raise UnreadableSQLError(f"a status written from {token.text!r}, not a literal")
    value = token.text[1:-1]
    if value not in _STATUSES:
        raise UnreadableSQLError(f"{value!r} is not a status")
    return value


def _status_test(tokens: list[Token], aliases: set[str | None]) -> frozenset[str] | None:
    """The statuses a condition lets through (all its status tests hold), None if it has none."""
    if not _mentions_status(tokens):
        return None
    words = [token.word for token in tokens]
    if "or" in words or any(
        w == "not" and (i == 0 or words[i - 1] != "is") for i, w in enumerate(words)
    ):
        raise UnreadableSQLError("a status test under OR or NOT")
    subqueries = [
        _span(tokens, index + 1)
        for index, token in enumerate(tokens[:-1])
        if token.text == "(" and tokens[index + 1].word == "select"
    ]
    if any(_mentions_status(subquery) for subquery in subqueries):
        raise UnreadableSQLError("a status test in a subquery")
    allowed: frozenset[str] = _STATUSES
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.word == "case" and _mentions_status(_case_group(tokens, index)):
            group = _case_group(tokens, index)
            allowed &= _case_as_test(group, aliases)
            index += len(group)
            continue
        if token.column == "status":
            if token.qualifier not in aliases:
                raise UnreadableSQLError(f"a status test on another table: {token.text}")
            statuses, length = _comparison(tokens[index + 1 :])
            allowed &= statuses
            index += 1 + length
            continue
        index += 1
    return allowed


def _case_group(tokens: list[Token], start: int) -> list[Token]:
    depth = 0
    for index in range(start, len(tokens)):
        depth += {"case": 1, "end": -1}.get(tokens[index].word, 0)
        if depth == 0:
            return tokens[start : index + 1]
    raise UnreadableSQLError("a CASE without END")


def _case_as_test(group: list[Token], aliases: set[str | None]) -> frozenset[str]:
    """`CASE WHEN <status test> THEN true ELSE false END`, the only CASE read as a test."""
    words = [token.word for token in group]
    if words[:2] != ["case", "when"] or words[-5:] != ["then", "true", "else", "false", "end"]:
        raise UnreadableSQLError(f"a status test in a CASE: {' '.join(t.text for t in group)}")
    inner = group[2:-5]
    if "when" in words[2:-5] or "case" in words[2:-5]:
        raise UnreadableSQLError("a status test in a CASE of several branches")
    found = _status_test(inner, aliases)
    assert found is not None
    return found


def _comparison(tokens: list[Token]) -> tuple[frozenset[str], int]:
    """`= 'x'` or `IN ('x', 'y')` after a status column: its statuses and length in tokens."""
    if len(tokens) >= 2 and tokens[0].text == "=":
        return frozenset({_status_literal(tokens[1])}), 2
    if len(tokens) >= 3 and tokens[0].word == "in" and tokens[1].text == "(":
        listed = _span(tokens, 2)
        values = _split_commas(listed)
        if any(len(value) != 1 for value in values):
            raise UnreadableSQLError("a status IN (...) of something other than literals")
        return frozenset(_status_literal(value[0]) for value in values), 3 + len(listed)
    shown = " ".join(token.text for token in tokens[:4])
    raise UnreadableSQLError(f"a status test this reader does not know: status {shown}")


def _insert_pairs(tokens: list[Token], index: int) -> set[Pair]:
    span = _span(tokens, index)
    if len(span) < 4 or span[1].word != "into":
        raise UnreadableSQLError("an INSERT without INTO")
    table = span[2].word
    if table != TASK_TABLE:
        return set()  # another table's status (a workflow's) is not a task's
    # The column list follows the table or its alias (`INTO t AS r (...)`, `INTO t r (...)`).
    paren = next((i for i in (3, 4, 5) if i < len(span) and span[i].text == "("), None)
    listed = _span(span, paren + 1) if paren is not None else []
    columns = [part[0].column if part else "" for part in _split_commas(listed)]
    if "status" not in columns:
        if table == TASK_TABLE:
            raise UnreadableSQLError("an INSERT into the task table that does not name its status")
        return set()
    assert paren is not None
    position = columns.index("status")
    pairs: set[Pair] = set()
    for row in _inserted_rows(span[paren + 2 + len(listed) :]):
        values = _split_commas(row)
        if len(values) != len(columns):
            raise UnreadableSQLError("an INSERT whose values do not match its columns")
        pairs |= {(None, target) for _, target in _branches(values[position])}
    return pairs


def _inserted_rows(tokens: list[Token]) -> list[list[Token]]:
    """Each VALUES row, or the one SELECT list, of an INSERT."""
    if tokens and tokens[0].word == "values":
        rows = []
        depth = 0
        for index, token in enumerate(tokens):
            if token.text == "(":
                if depth == 0:
                    rows.append(_span(tokens, index + 1))
                depth += 1
            elif token.text == ")":
                depth -= 1
            elif depth == 0 and token.text != "," and token.word != "values":
                break  # RETURNING, ON CONFLICT: the rows have ended
        return rows
    if tokens and tokens[0].word == "select":
        return [_clauses(tokens, {"select", "from"})["select"]]
    raise UnreadableSQLError(f"an INSERT from {' '.join(t.text for t in tokens[:3])!r}")

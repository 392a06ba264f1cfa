"""The hot path's named SQL statements and the Redis Lua scripts, as files."""

import re
from pathlib import Path

from django_task_queue import store
from django_task_queue.broker import client


def test_every_named_query_is_loaded() -> None:
    names = set(store.queries())
    assert {"insert_tasks", "complete_and_claim", "fail_task", "reap_expired"} <= names
    assert all(query.strip() for query in store.queries().values())


def test_every_lua_script_lists_the_keys_it_touches() -> None:
    scripts = list((Path(client.__file__).parent / "scripts").glob("*.lua"))
    assert len(scripts) >= 7
    for script in scripts:
        text = script.read_text()
        code = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
        used = {int(n) for n in re.findall(r"KEYS\[(\d+)\]", code)}
        documented = {int(n) for n in re.findall(r"^-- KEYS\[(\d+)\]", text, re.MULTILINE)}
        assert used == documented, script.name

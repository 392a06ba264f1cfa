"""The map at the top of docs/architecture.md names every module of the package, and no other."""

from __future__ import annotations

import re
from pathlib import Path

import django_task_queue

PACKAGE = Path(django_task_queue.__file__).parent
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"


def _mapped() -> set[str]:
    text = ARCHITECTURE.read_text()
    section = text[text.index("## Map of the package") :]
    block = section[section.index("```text") + len("```text") : section.index("\n```\n")]
    return {
        line.split()[0] for line in block.splitlines() if line.strip() and not line.startswith("#")
    }


def _modules() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*"):
        relative = path.relative_to(PACKAGE).as_posix()
        if "migrations" in relative or "__pycache__" in relative:
            continue
        if path.suffix in {".py", ".sql"}:
            found.add(relative)
        elif path.suffix == ".lua":
            found.add(re.sub(r"[^/]+\.lua$", "*.lua", relative))
    return found


def test_the_architecture_map_names_every_module_of_the_package_and_no_other() -> None:
    mapped, modules = _mapped(), _modules()

    assert modules - mapped == set(), "modules missing from the map"
    assert mapped - modules == set(), "the map names modules that do not exist"

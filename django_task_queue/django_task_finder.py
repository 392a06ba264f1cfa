"""Finds Django `@task` objects by module path without importing what a request names.

A task enqueued through `django.tasks` is stored under `task.module_path`. A worker, the API
and `enqueue()` resolve such a name among the modules this process has already imported (every
installed app's `tasks` module and `TASK_QUEUE["TASK_MODULES"]` are imported at start-up), and
import a module only when its path is under one of `TASK_QUEUE["TASK_IMPORT_PREFIXES"]`.
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
from types import ModuleType
from typing import Any

logger = logging.getLogger(__name__)

_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED_PATH = re.compile(rf"{_IDENTIFIER}(?:\.{_IDENTIFIER})+")


def find_django_task(path: str, import_prefixes: tuple[str, ...]) -> Any:
    """The Django Task at `path`, or None; imports only modules under `import_prefixes`."""
    from django.tasks import Task

    if not _DOTTED_PATH.fullmatch(path):
        return None
    parts = path.split(".")
    # The longest loaded module prefix wins; the rest are attributes (a qualname may be nested).
    for split in range(len(parts) - 1, 0, -1):
        module = _loaded_or_allowed(".".join(parts[:split]), import_prefixes)
        if module is not None:
            candidate = _attribute_path(module, parts[split:])
            return candidate if isinstance(candidate, Task) else None
    return None


def _loaded_or_allowed(module_path: str, import_prefixes: tuple[str, ...]) -> ModuleType | None:
    module = sys.modules.get(module_path)
    if module is not None or not _allowed(module_path, import_prefixes):
        return module
    try:
        return importlib.import_module(module_path)
    except Exception:
        # A broken project module makes its names unknown tasks (a 400), not a server error.
        logger.warning("Could not import %s to find a Django task", module_path, exc_info=True)
        return None


def _allowed(module_path: str, import_prefixes: tuple[str, ...]) -> bool:
    return any(
        module_path == prefix or module_path.startswith(f"{prefix}.") for prefix in import_prefixes
    )


def _attribute_path(obj: object, names: list[str]) -> object:
    # Read through __dict__ only: getattr could run a module's __getattr__, which may import.
    for name in names:
        try:
            namespace = vars(obj)
        except TypeError:
            return None
        obj = namespace.get(name)
        if obj is None:
            return None
    return obj

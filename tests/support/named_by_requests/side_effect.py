"""Writes a file when imported: proof that a task name in a request imported it."""

import os
from pathlib import Path

from django.tasks import task

_MARKER = os.environ.get("DTQ_IMPORTED_MARKER")
if _MARKER:
    Path(_MARKER).write_text("imported\n")


@task
def hidden(x: int) -> int:
    return x

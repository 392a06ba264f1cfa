"""What every section of the page shares: tables, labels, and whether a figure ran."""

from __future__ import annotations

from typing import Any

from bench.harness.stats import spread

TIMES = "\u00d7"
OURS = "dtq"


def labels(data: dict[str, Any]) -> dict[str, str]:
    return {s["name"]: s["label"] for s in data["systems"]}


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def complete(figure: Any) -> bool:
    return isinstance(figure, dict) and "error" not in figure and "skipped" not in figure


def why_missing(figure: Any) -> str:
    if not isinstance(figure, dict):
        return "_Not run._"
    if "error" in figure:
        return f"_Failed: {figure['error']}_"
    if "skipped" in figure:
        return f"_Skipped: {figure['skipped']}_"
    return "_Not run._"


def median(values: list[float]) -> float | None:
    s = spread(values)
    return s.median if s.n else None

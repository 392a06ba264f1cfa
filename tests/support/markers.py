"""Reads what the test task functions recorded (see tests/support/tasks.py)."""

from pathlib import Path


def labels(marker_dir: Path) -> list[str]:
    """Every recorded label, oldest first, across all worker processes."""
    entries: list[tuple[float, str]] = []
    for path in marker_dir.glob("*.log"):
        for line in path.read_text().splitlines():
            stamp, label = line.split(" ", 1)
            entries.append((float(stamp), label))
    return [label for _, label in sorted(entries)]


def pids_that_recorded(marker_dir: Path, label: str) -> list[int]:
    return sorted(
        int(path.stem) for path in marker_dir.glob("*.log") if label in path.read_text().split()
    )

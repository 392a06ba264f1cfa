"""A small parser of the Prometheus text format, for asserting on /metrics."""

from __future__ import annotations

import re

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

Labels = tuple[tuple[str, str], ...]


class Scrape:
    """The samples of one exposition, and the families its TYPE lines declared."""

    def __init__(self, text: str) -> None:
        self.samples: dict[tuple[str, Labels], float] = {}
        self.types: dict[str, str] = {}
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                _, _, name, kind = line.split(" ")
                self.types[name] = kind
                continue
            if not line or line.startswith("#"):
                continue
            match = _SAMPLE.match(line)
            assert match, f"not a sample line: {line!r}"
            name, raw_labels, value = match.groups()
            labels = tuple(sorted(_LABEL.findall(raw_labels or "")))
            self.samples[(name, labels)] = float(value)

    def value(self, name: str, **labels: str) -> float:
        """A sample's value; 0 when the exposition has no such sample (a counter never bumped)."""
        return self.samples.get((name, tuple(sorted(labels.items()))), 0.0)

    def family_of(self, sample_name: str) -> str | None:
        """The declared family of a sample (a histogram's `_bucket`, `_sum` and `_count` too)."""
        if sample_name in self.types:
            return sample_name
        for suffix in ("_bucket", "_sum", "_count"):
            base = sample_name.removesuffix(suffix)
            if base != sample_name and self.types.get(base) == "histogram":
                return base
        return None

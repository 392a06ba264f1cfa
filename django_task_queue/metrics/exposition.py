"""The Prometheus text exposition format 0.0.4: metric families rendered to text, nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from django_task_queue.metrics.definitions import format_number

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Sample:
    labels: Labels
    value: float
    suffix: str = ""  # `_bucket`, `_sum`, `_count` of a histogram


@dataclass
class Family:
    name: str
    type: Literal["counter", "gauge", "histogram"]
    help: str
    samples: list[Sample] = field(default_factory=list)


def escape_label_value(value: str) -> str:
    return value.replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")


def escape_help(text: str) -> str:
    return text.replace("\\", r"\\").replace("\n", r"\n")


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{name}="{escape_label_value(value)}"' for name, value in labels)
    return "{" + inner + "}"


def render(families: Iterable[Family]) -> str:
    """The exposition text: HELP and TYPE lines, then the samples, of each family."""
    lines: list[str] = []
    for family in families:
        lines.append(f"# HELP {family.name} {escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.type}")
        lines.extend(
            f"{family.name}{sample.suffix}{_labels(sample.labels)} {format_number(sample.value)}"
            for sample in family.samples
        )
    return "\n".join(lines) + "\n"


def histogram_samples(
    labels: Labels, bucket_labels: Sequence[str], counts: Sequence[int], total: float
) -> list[Sample]:
    """The cumulative `_bucket` samples, then `_sum` and `_count`, from per-bucket counts."""
    samples: list[Sample] = []
    running = 0
    for le, count in zip(bucket_labels, counts, strict=True):
        running += count
        samples.append(Sample((*labels, ("le", le)), running, "_bucket"))
    samples.append(Sample(labels, total, "_sum"))
    samples.append(Sample(labels, running, "_count"))
    return samples

"""Draw docs/benchmarks.png: drain throughput and pickup latency per system (bench venv only)."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _median(values: list[float]) -> float:
    clean = [v for v in values if v]
    return statistics.median(clean) if clean else 0.0


def main(raw: Path, out: Path) -> None:
    data = json.loads(raw.read_text())
    labels = {s["name"]: s["label"] for s in data["systems"]}
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    drain = data.get("drain", {}).get("runs", {})
    for ax, body, title in (
        (axes[0], "noop", "drain, no-op"),
        (axes[1], "sleep10ms", "drain, 10 ms sleep"),
    ):
        names = list(drain)
        values = [_median([r["rate"] for r in drain[n][body] if r.get("rate")]) for n in names]
        bars = ax.bar(
            [labels[n] for n in names], values, color=["C3" if n == "dtq" else "C0" for n in names]
        )
        ax.bar_label(bars, fmt="%.0f", fontsize=8)
        ax.set_title(f"{title} (2 worker processes)")
        ax.set_ylabel("tasks/s (median)")
        ax.set_xticks(range(len(names)), [labels[n] for n in names], rotation=30, ha="right")
        if body == "sleep10ms":
            ax.axhline(200, color="grey", linestyle="--", linewidth=1)
            ax.annotate("ceiling: 2 processes x 1/10 ms", (0, 202), fontsize=8, color="grey")
    latency = data.get("latency", {}).get("runs", {})
    names = [n for n in latency if any("p50" in r for r in latency[n])]
    width = 0.27
    for i, q in enumerate(("p50", "p95", "p99")):
        values = [_median([r[q] for r in latency[n] if q in r]) for n in names]
        axes[2].bar([x + (i - 1) * width for x in range(len(names))], values, width, label=q)
    axes[2].set_xticks(range(len(names)), [labels[n] for n in names], rotation=30, ha="right")
    axes[2].set_yscale("log")
    axes[2].set_ylabel("ms (median over repetitions, log scale)")
    axes[2].set_title("pickup latency, idle workers")
    axes[2].legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

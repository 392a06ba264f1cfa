"""Draw docs/benchmarks.png: drains, sweeps, latency, enqueue, worker memory (bench venv only)."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

OURS = "dtq"


def _median(values: list[float]) -> float:
    clean = [v for v in values if v]
    return statistics.median(clean) if clean else 0.0


def _color(name: str) -> str:
    return "C3" if name == OURS else "C0"


def _bars(ax: Axes, labels: dict[str, str], values: dict[str, float], title: str) -> None:
    names = list(values)
    bars = ax.bar(range(len(names)), list(values.values()), color=[_color(n) for n in names])
    ax.bar_label(bars, fmt="%.0f", fontsize=8)
    ax.set_xticks(range(len(names)), [labels[n] for n in names], rotation=30, ha="right")
    ax.set_ylabel("tasks/s (median)")
    ax.set_title(title)


def _drain(ax: Axes, data: dict[str, Any], labels: dict[str, str]) -> None:
    drain = data.get("drain", {}).get("runs", {})
    values = {n: _median([r["rate"] for r in drain[n]["noop"] if r.get("rate")]) for n in drain}
    _bars(ax, labels, values, "drain, no-op (2 processes, 1 task at a time)")


def _sweep(ax: Axes, fig: dict[str, Any], labels: dict[str, str], title: str) -> None:
    peer_colors = iter(["C0", "C1", "C2", "C4", "C5", "C6", "C7"])
    for name, settings in fig.get("runs", {}).items():
        points = sorted(
            (int(t), _median([r["rate"] for r in runs if r.get("rate")]))
            for t, runs in settings.items()
        )
        ax.plot(
            [t for t, _ in points],
            [rate for _, rate in points],
            marker="o",
            linewidth=2.5 if name == OURS else 1.2,
            color="C3" if name == OURS else next(peer_colors),
            label=labels[name],
        )
    threads = fig.get("threads", [1])
    ax.plot(
        threads,
        [fig.get("workers", 2) * t / fig.get("sleep_s", 0.01) for t in threads],
        color="grey",
        linestyle="--",
        linewidth=1,
        label="ceiling",
    )
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(threads, [str(t) for t in threads])
    ax.set_xlabel("tasks at once per worker process (2 processes)")
    ax.set_ylabel("tasks/s (median)")
    ax.set_title(title)
    ax.legend(fontsize=7)


def _latency(ax: Axes, data: dict[str, Any], labels: dict[str, str]) -> None:
    latency = data.get("latency", {}).get("runs", {})
    names = [n for n in latency if any("p50" in r for r in latency[n])]
    width = 0.27
    for i, q in enumerate(("p50", "p95", "p99")):
        values = [_median([r[q] for r in latency[n] if q in r]) for n in names]
        ax.bar([x + (i - 1) * width for x in range(len(names))], values, width, label=q)
    ax.set_xticks(range(len(names)), [labels[n] for n in names], rotation=30, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("ms from the enqueue call's return (log)")
    ax.set_title("pickup latency, idle workers")
    ax.legend(fontsize=7)


def _enqueue(ax: Axes, data: dict[str, Any], labels: dict[str, str]) -> None:
    enqueue = data.get("enqueue", {})
    rates = enqueue.get("rates", {})
    names = list(rates)
    width = 0.4
    threads = enqueue.get("threads", 8)
    for i, (mode, label) in enumerate((("one", "1 thread"), ("threads", f"{threads} threads"))):
        values = [_median(rates[n].get(mode, [])) for n in names]
        ax.bar([x + (i - 0.5) * width for x in range(len(names))], values, width, label=label)
    pgbench = data.get("machine", {}).get("pgbench_inserts", {}).get("clients=8")
    if pgbench:
        ax.axhline(pgbench, color="grey", linestyle="--", linewidth=1)
        ax.annotate("pgbench, 8 clients", (0, pgbench * 1.02), fontsize=8, color="grey")
    ax.set_xticks(range(len(names)), [labels[n] for n in names], rotation=30, ha="right")
    ax.set_ylabel("tasks/s (median)")
    ax.set_title("enqueue, one call per task")
    ax.legend(fontsize=7)


def _memory(ax: Axes, data: dict[str, Any]) -> None:
    worker = data.get("memory", {}).get("worker", {})
    samples = [s for s in worker.get("samples", []) if isinstance(s, dict)]
    pids = sorted({pid for s in samples for pid in s["kib"]})
    for pid in pids:
        points = [(s["done"], s["kib"][pid] / 1024) for s in samples if s["kib"].get(pid)]
        ax.plot([d for d, _ in points], [m for _, m in points], label=f"worker {pid}")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("tasks run")
    ax.set_ylabel("RSS MiB")
    concurrency = worker.get("concurrency")
    ax.set_title(f"worker memory, --concurrency {concurrency}" if concurrency else "worker memory")
    if pids:
        ax.legend(fontsize=7)


def main(raw: Path, out: Path) -> None:
    data = json.loads(raw.read_text())
    labels = {s["name"]: s["label"] for s in data["systems"]}
    fig, axes = plt.subplots(2, 3, figsize=(16, 9.5))
    _drain(axes[0][0], data, labels)
    _sweep(axes[0][1], data.get("drain_threads", {}), labels, "drain, 10 ms sleep")
    _sweep(axes[0][2], data.get("drain_async", {}), labels, "drain, async def awaiting 10 ms")
    _latency(axes[1][0], data, labels)
    _enqueue(axes[1][1], data, labels)
    _memory(axes[1][2], data)
    fig.tight_layout()
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

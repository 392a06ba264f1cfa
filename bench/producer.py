"""Enqueue tasks into one system and time it; runs inside that system's environment.

    python -m bench.producer --system celery --mode one --count 10000 [--sleep 0.01]

Modes: `one` (one call per task), `threads` (one call per task from --threads producer threads),
`bulk` (the system's bulk API), `paced` (one call every --interval-ms, recording each send
time), `stream` (django-task-queue's enqueue_stream, with this process's memory sampled).
--async-task enqueues the system's `async def` task function instead. Prints one JSON object on
its last line.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The path above must be set before the suite's own imports.
from bench.systems import by_name  # noqa: E402
from bench.systems.base import System  # noqa: E402


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class RssSampler(threading.Thread):
    def __init__(self, interval_s: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval_s = interval_s
        self.samples: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopped.is_set():
            self.samples.append((time.monotonic() - started, _rss_kib()))
            self.stopped.wait(self.interval_s)


def _ids(args: argparse.Namespace) -> list[str]:
    return [f"{args.prefix}{i}" for i in range(args.count)]


def _one(system: System, args: argparse.Namespace) -> dict[str, object]:
    ids = _ids(args)
    started = time.perf_counter()
    for task_id in ids:
        system.enqueue_one(task_id, args.sleep)
    system.close_producer()
    return {"elapsed_s": time.perf_counter() - started}


def _threads(system: System, args: argparse.Namespace) -> dict[str, object]:
    ids = _ids(args)
    shares = [ids[i :: args.threads] for i in range(args.threads)]
    failures: list[BaseException] = []
    ready = threading.Barrier(args.threads + 1)

    def produce(share: list[str]) -> None:
        ready.wait()
        try:
            for task_id in share:
                system.enqueue_one(task_id, args.sleep)
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            failures.append(exc)

    threads = [threading.Thread(target=produce, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    system.close_producer()
    elapsed = time.perf_counter() - started
    if failures:
        raise failures[0]
    return {"elapsed_s": elapsed, "threads": args.threads}


def _bulk(system: System, args: argparse.Namespace) -> dict[str, object]:
    items = [(task_id, args.sleep) for task_id in _ids(args)]
    started = time.perf_counter()
    for start in range(0, len(items), args.chunk):
        system.enqueue_bulk(items[start : start + args.chunk])
    system.close_producer()
    return {"elapsed_s": time.perf_counter() - started}


def _paced(system: System, args: argparse.Namespace) -> dict[str, object]:
    sent: dict[str, list[float]] = {}
    next_at = time.perf_counter()
    for task_id in _ids(args):
        next_at += args.interval_ms / 1000
        before = time.time()
        system.enqueue_one(task_id, args.sleep)
        sent[task_id] = [before, time.time()]
        pause = next_at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    return {"sent": sent}


def _stream(system: System, args: argparse.Namespace) -> dict[str, object]:
    sampler = RssSampler()
    baseline = _rss_kib()
    sampler.start()

    def specs() -> Iterator[tuple[str, float]]:
        for i in range(args.count):
            yield f"{args.prefix}{i}", args.sleep

    started = time.perf_counter()
    count = system.enqueue_stream(specs())  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    return {
        "elapsed_s": elapsed,
        "enqueued": count,
        "rss_baseline_kib": baseline,
        "rss_peak_kib": max(kib for _, kib in sampler.samples),
        "rss_end_kib": _rss_kib(),
        "rss_samples": sampler.samples[:: max(1, len(sampler.samples) // 50)],
    }


MODES: dict[str, Callable[[System, argparse.Namespace], dict[str, object]]] = {
    "one": _one,
    "threads": _threads,
    "bulk": _bulk,
    "paced": _paced,
    "stream": _stream,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--system", required=True)
    parser.add_argument("--mode", choices=sorted(MODES), required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--sleep", type=float, default=0.0)
    parser.add_argument("--prefix", default="t")
    parser.add_argument("--interval-ms", type=float, default=20.0)
    parser.add_argument("--chunk", type=int, default=10_000, help="bulk call size")
    parser.add_argument("--threads", type=int, default=8, help="producer threads (mode threads)")
    parser.add_argument("--async-task", action="store_true", help="the `async def` task function")
    args = parser.parse_args()

    system = by_name(args.system)
    system.setup_producer()
    if args.async_task:
        system.use_async_task()
    result: dict[str, object] = {"system": system.name, "mode": args.mode, "count": args.count}
    result.update(MODES[args.mode](system, args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""A bounded loopback load generator: wrk when installed, else Python threads (keep-alive)."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse


def post_load(url: str, body: str, *, duration_s: int, connections: int) -> dict[str, float]:
    """POST `body` to `url` as fast as `connections` clients can, for `duration_s` seconds."""
    if shutil.which("wrk"):
        return _wrk(url, body, duration_s=duration_s, connections=connections)
    return _threads(url, body, duration_s=duration_s, connections=connections)


def _wrk(url: str, body: str, *, duration_s: int, connections: int) -> dict[str, float]:
    escaped = body.replace("\\", "\\\\").replace("'", "\\'")
    script = (
        'wrk.method = "POST"\n'
        f"wrk.body = '{escaped}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration_s}s",
                "--latency",
                "-s",
                handle.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=duration_s + 60,
        ).stdout
    finally:
        Path(handle.name).unlink()
    rate = re.search(r"Requests/sec:\s*([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    return {
        "tool": "wrk",
        "requests_per_s": float(rate.group(1)) if rate else 0.0,
        "requests": float(total.group(1)) if total else 0.0,
        "non_2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": errors.group(1) if errors else "",  # type: ignore[dict-item]
        "p50_ms": _ms(p50.group(1), p50.group(2)) if p50 else float("nan"),
    }


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _threads(url: str, body: str, *, duration_s: int, connections: int) -> dict[str, float]:
    parsed = urlparse(url)
    deadline = time.monotonic() + duration_s
    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        ok = bad = 0
        while time.monotonic() < deadline:
            try:
                conn.request(
                    "POST", parsed.path, body=body, headers={"Content-Type": "application/json"}
                )
                response = conn.getresponse()
                response.read()
                if 200 <= response.status < 300:
                    ok += 1
                else:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        with lock:
            counts["ok"] += ok
            counts["bad"] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration_s + 60)
    elapsed = time.monotonic() - started
    return {
        "tool": "python-threads",
        "requests_per_s": (counts["ok"] + counts["bad"]) / elapsed,
        "requests": float(counts["ok"] + counts["bad"]),
        "non_2xx": float(counts["bad"]),
        "p50_ms": float("nan"),
    }

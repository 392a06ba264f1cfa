"""The benchmark's own environment (bench/.venv) with the peers, from bench/requirements.txt."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess

from bench.harness import env

REQUIREMENTS = env.BENCH_DIR / "requirements.txt"
STAMP = env.BENCH_VENV / ".requirements-sha256"


def ensure() -> None:
    """Create or sync bench/.venv when requirements.txt changed since the last sync."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if env.BENCH_PYTHON.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return
    uv = env.ROOT / ".tools" / "bin" / "uv"
    uv_cmd = str(uv) if uv.exists() else shutil.which("uv")
    child_env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    if uv_cmd:
        if not env.BENCH_PYTHON.exists():
            subprocess.run(
                [uv_cmd, "venv", "--quiet", "--python", "3.12", str(env.BENCH_VENV)],
                check=True,
                env=child_env,
            )
        subprocess.run(
            [
                uv_cmd,
                "pip",
                "sync",
                "--quiet",
                "--python",
                str(env.BENCH_PYTHON),
                str(REQUIREMENTS),
            ],
            check=True,
            env=child_env,
        )
    else:
        subprocess.run(["python3", "-m", "venv", str(env.BENCH_VENV)], check=True)
        subprocess.run(
            [str(env.BENCH_PYTHON), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
            check=True,
        )
    STAMP.write_text(digest)

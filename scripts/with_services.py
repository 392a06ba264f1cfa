"""Run a command with PostgreSQL and Redis provided (embedded ones when none answers).

    python scripts/with_services.py [--embedded-redis] -- COMMAND...

The command gets DATABASE_URL, REDIS_URL and TEST_REDIS_URL (database 15 of that Redis).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_services import ROOT, describe, local_services


def main(argv: list[str]) -> int:
    force_embedded_redis = "--embedded-redis" in argv[: argv.index("--")] if "--" in argv else False
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        print("usage: with_services.py [--embedded-redis] -- COMMAND...", file=sys.stderr)
        return 2
    with local_services(force_embedded_redis=force_embedded_redis) as services:
        print(f"with_services: {describe(services, forced_redis=force_embedded_redis)}", flush=True)
        redis_base = services.redis_url.rsplit("/", 1)[0]
        env = {**os.environ, **services.env, "TEST_REDIS_URL": f"{redis_base}/15"}
        return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

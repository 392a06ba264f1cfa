"""Check that PostgreSQL and Redis answer, creating the database when it is missing.

Prints one line per problem with the fix, never a traceback; exits 1 when a service is missing.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse

import psycopg
import redis
from psycopg import sql

DEFAULT_DATABASE_URL = "postgres://root@127.0.0.1:5432/taskqueue"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
FIX = "start them with `docker compose up -d redis postgres`, or set DATABASE_URL / REDIS_URL"


def check_postgres(url: str) -> str | None:
    parsed = urlparse(url)
    dbname = parsed.path.lstrip("/") or "postgres"
    try:
        with psycopg.connect(url, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        if f'database "{dbname}" does not exist' not in str(exc):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return (
                f"PostgreSQL is not reachable at {parsed.hostname}:{parsed.port or 5432} ({first})"
            )
    admin_url = parsed._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin_url, connect_timeout=3, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    except psycopg.Error as exc:
        return f"PostgreSQL database {dbname!r} is missing and could not be created ({exc})"
    print(f"created PostgreSQL database {dbname!r}")
    return None


def check_redis(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        parsed = urlparse(url)
        return f"Redis is not reachable at {parsed.hostname}:{parsed.port or 6379} ({exc})"
    return None


def main() -> int:
    problems = [
        problem
        for problem in (
            check_postgres(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)),
            check_redis(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)),
        )
        if problem
    ]
    for problem in problems:
        print(f"error: {problem}: {FIX}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark's own PostgreSQL database and Redis databases: create, check ownership, reset."""

from __future__ import annotations

from typing import Any

import psycopg
import redis
from psycopg import sql

from bench.harness import env

MARKER_KEY = "django-task-queue-bench:owner"


def pg(dbname: str = env.PG_DATABASE) -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=env.PG_HOST, port=env.PG_PORT, user=env.PG_USER, dbname=dbname, autocommit=True
    )


def ensure_database() -> None:
    """Create the benchmark database when it is missing (never any other)."""
    with pg("postgres") as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [env.PG_DATABASE]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(env.PG_DATABASE)))


def truncate(*tables: str) -> None:
    """Empty the given tables of the benchmark database, skipping any that does not exist."""
    with pg() as conn:
        present = {
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        }
        absent = sorted(set(tables) - present)
        if absent:
            raise RuntimeError(f"tables missing from {env.PG_DATABASE}: {', '.join(absent)}")
        wanted = list(tables)
        if wanted:
            conn.execute(
                sql.SQL("TRUNCATE {} CASCADE").format(
                    sql.SQL(", ").join(sql.Identifier(t) for t in wanted)
                )
            )


def vacuum(*tables: str) -> None:
    with pg() as conn:
        for table in tables:
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))


def broker() -> redis.Redis:
    return redis.Redis.from_url(env.BROKER_URL)


def results() -> redis.Redis:
    return redis.Redis.from_url(env.RESULTS_URL, decode_responses=True)


def claim_redis_databases() -> None:
    """Refuse to run when a Redis database the suite would flush holds someone else's keys."""
    for client, number in ((broker(), env.BROKER_DB), (results(), env.RESULTS_DB)):
        if client.dbsize() and not client.exists(MARKER_KEY):
            raise SystemExit(
                f"Redis database {number} holds keys the benchmark did not write; "
                "set BENCH_BROKER_DB / BENCH_RESULTS_DB to free databases"
            )
        client.set(MARKER_KEY, "1")


def flush_redis() -> None:
    """Empty both benchmark Redis databases (they are the suite's own, see the marker)."""
    for client in (broker(), results()):
        if client.dbsize() and not client.exists(MARKER_KEY):
            raise SystemExit("a benchmark Redis database lost its marker; refusing to flush it")
        client.flushdb()
        client.set(MARKER_KEY, "1")

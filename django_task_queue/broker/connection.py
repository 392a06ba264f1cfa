"""Connections to Redis: at REDIS_URL, or, with REDIS_SENTINELS, to whichever server the
Sentinels name as the master of REDIS_SENTINEL_MASTER (REDIS_URL then gives only the database
number and the password). After a failover, a command fails once (a store outage, retried as
any other) and the next connection goes to the new master.

With REDIS_CLUSTER, REDIS_URL names any node of a Redis Cluster and the client finds the others
(a cluster has database 0 only). The cluster client offers the commands the broker uses under
the same names; what a cluster changes (keys of one slot per command) is in cluster.py."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import unquote, urlparse

import redis
import redis.asyncio
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.cluster import RedisCluster
from redis.exceptions import RedisClusterException
from redis.sentinel import Sentinel

from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError, ConfigurationError

CONNECT_TIMEOUT_S = 2.0


def connect(url: str, *, socket_timeout_s: float = 30.0) -> redis.Redis:
    options: dict[str, Any] = {
        "decode_responses": True,
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
        "socket_timeout": socket_timeout_s,
        "health_check_interval": 30,
    }
    if get_settings().REDIS_CLUSTER:
        # The cluster client is not a redis.Redis, but has every command the broker calls, with
        # the same signature; the cluster tests run the broker on it (tests/support).
        try:
            # Unlike redis.Redis, it connects now: it reads which node serves which slots.
            cluster = RedisCluster.from_url(_cluster_url(url), **options)
        except RedisClusterException as exc:
            raise BrokerUnavailableError(f"Redis Cluster is unreachable: {exc}") from exc
        return cast("redis.Redis", cluster)
    sentinels = _sentinels()
    if not sentinels:
        return redis.Redis.from_url(url, **options)
    sentinel = Sentinel(sentinels, socket_timeout=CONNECT_TIMEOUT_S)  # type: ignore[no-untyped-call]
    master: redis.Redis = sentinel.master_for(  # type: ignore[no-untyped-call]
        get_settings().REDIS_SENTINEL_MASTER, **options, **_database(url)
    )
    return master


def connect_async(url: str) -> redis.asyncio.Redis:
    if get_settings().REDIS_CLUSTER:
        cluster = AsyncRedisCluster.from_url(_cluster_url(url), decode_responses=True)
        return cast("redis.asyncio.Redis", cluster)  # same commands: see connect
    sentinels = _sentinels()
    if not sentinels:
        return redis.asyncio.Redis.from_url(url, decode_responses=True)
    sentinel = AsyncSentinel(sentinels, socket_timeout=CONNECT_TIMEOUT_S)  # type: ignore[no-untyped-call]
    master: redis.asyncio.Redis = sentinel.master_for(
        get_settings().REDIS_SENTINEL_MASTER, decode_responses=True, **_database(url)
    )
    return master


def is_cluster(client: object) -> bool:
    return isinstance(client, RedisCluster | AsyncRedisCluster)


def _cluster_url(url: str) -> str:
    database = _database(url)["db"]
    if database != 0:
        raise ConfigurationError(
            f"TASK_QUEUE['REDIS_URL'] names database {database}: a Redis Cluster has only 0"
        )
    return url


def _sentinels() -> list[tuple[str, int]]:
    found = []
    for address in get_settings().REDIS_SENTINELS:
        host, _, port = address.rpartition(":")
        found.append((host.strip("[]"), int(port)))
    return found


def _database(url: str) -> dict[str, Any]:
    parsed = urlparse(url)
    found: dict[str, Any] = {"db": int(parsed.path.lstrip("/") or 0)}
    if parsed.password:
        found["password"] = unquote(parsed.password)
    if parsed.username:
        found["username"] = unquote(parsed.username)
    return found

"""What a Redis Cluster changes for the broker: every command's keys must share one hash slot.

Each queue's keys share one (the `{queue}` hash tag), so the scripts run as they are; a command
over several queues runs once per slot instead. A blocking one (an idle worker's BLPOP on its
queues' wake-up lists, a tail's XREAD on their event streams) cannot wait on two nodes at once:
`block_on_each` blocks on every slot at the same time, each on a connection of its own to the
slot's node, and ends the others (CLIENT UNBLOCK) as soon as one answers (docs/decisions.md).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import redis
from redis.cluster import RedisCluster
from redis.crc import key_slot

# How long to wait for an ended wait to answer before asking again: CLIENT UNBLOCK finds
# nothing to end when it arrives before the wait's own command.
_UNBLOCK_AGAIN_S = 0.005

BlockingCall = Callable[[redis.Redis, list[str]], Any]


def by_slot(keys: Sequence[str]) -> list[list[str]]:
    """The keys grouped by hash slot, in the order of each slot's first key."""
    groups: dict[int, list[str]] = {}
    for key in keys:
        groups.setdefault(key_slot(key.encode()), []).append(key)
    return list(groups.values())


@dataclass
class _Answer:
    keys: list[str]
    value: Any = None
    error: Exception | None = None


class _Wait(threading.Thread):
    """One slot's blocking command, on a connection of its own to the node that serves it."""

    def __init__(
        self, cluster: RedisCluster, keys: list[str], call: BlockingCall, answers: queue.Queue[Any]
    ) -> None:
        super().__init__(name="dtq-cluster-wait", daemon=True)
        self.node = cluster.get_node_from_key(keys[0])  # type: ignore[no-untyped-call]  # redis-py
        self.keys = keys
        self._call = call
        self._answers = answers
        self.client_id: int | None = None
        self.answered = threading.Event()

    def run(self) -> None:
        answer = _Answer(self.keys)
        node_client: redis.Redis = self.node.redis_connection
        # A connection of the node's pool, held for this wait only, so that its id is known.
        client = redis.Redis(
            connection_pool=node_client.connection_pool, single_connection_client=True
        )
        try:
            self.client_id = int(client.client_id())
            answer.value = self._call(client, self.keys)
        except redis.RedisError as exc:
            answer.error = exc
        finally:
            client.close()
            self.answered.set()
            self._answers.put(answer)

    def end(self) -> None:
        """End the wait now, as if it had timed out; whatever it took still comes back."""
        node_client: redis.Redis = self.node.redis_connection
        while not self.answered.is_set():
            if self.client_id is not None:
                node_client.client_unblock(self.client_id)
            self.answered.wait(_UNBLOCK_AGAIN_S)


def block_on_each(
    cluster: RedisCluster, groups: list[list[str]], call: BlockingCall
) -> list[_Answer]:
    """Run `call` on each slot's keys at once; the first answer that is not empty ends the
    others. Returns every group's answer (an ended one may have taken something too)."""
    answers: queue.Queue[_Answer] = queue.Queue()
    waits = [_Wait(cluster, keys, call, answers) for keys in groups]
    for wait in waits:
        wait.start()
    found: list[_Answer] = []
    try:
        while len(found) < len(waits):
            answer = answers.get()
            found.append(answer)
            if answer.value or answer.error is not None:
                break
    finally:
        for wait in waits:
            if not wait.answered.is_set():
                wait.end()
        while len(found) < len(waits):
            found.append(answers.get())
    return found


def first_token(cluster: RedisCluster, groups: list[list[str]], timeout_s: float) -> bool:
    """BLPOP on each slot's wake-up lists at once; True once one gave a token. A token that
    an ended BLPOP took as well is given back, for another idle worker."""
    answers = block_on_each(cluster, groups, lambda node, keys: node.blpop(keys, timeout=timeout_s))
    tokens = [answer.value for answer in answers if answer.value]
    for key, token in tokens[1:]:
        cluster.lpush(key, token)
    if tokens:
        return True
    errors = [answer.error for answer in answers if answer.error is not None]
    if errors and not isinstance(errors[0], redis.ResponseError):
        raise errors[0]
    # A slot moved to another node (MOVED): the claim that follows follows it.
    return bool(errors)

"""Every Redis key name, in one place.

Keys of one queue share the hash tag `{queue}` so that the Lua scripts, which only touch one
queue's keys, also run on a Redis Cluster.

| key                        | type   | holds                                                   |
|----------------------------|--------|---------------------------------------------------------|
| `<p>:{<q>}:ready`          | zset   | task id → ready score (priority band, then enqueue seq) |
| `<p>:{<q>}:delayed`        | zset   | task id → due time (ms since epoch)                     |
| `<p>:{<q>}:delayed_scores` | hash   | task id → the ready score it gets when due              |
| `<p>:{<q>}:leases`         | zset   | task id → lease deadline (ms since epoch)               |
| `<p>:{<q>}:owners`         | hash   | task id → claim token of the worker holding the lease   |
| `<p>:{<q>}:notify`         | list   | wake-up tokens that idle workers block on               |
| `<p>:{<q>}:better`         | channel| a message when a task becomes the best ready one        |
| `<p>:{<q>}:events`         | stream | the queue's task events, a batch per entry (events.py)  |
| `<p>:queues`               | set    | every queue name seen                                   |
| `<p>:workers`              | zset   | worker id → last heartbeat (ms)                         |
| `<p>:worker:<id>`          | hash   | a worker's registry record (expires without heartbeats) |
| `<p>:epoch`                | string | set once the index is built; missing = data was lost    |
| `<p>:turn:<loop>`          | string | who runs a one-at-a-time maintenance loop now (expires) |
| `<p>:metrics:counters`     | hash   | (counter, queue, task name) → count, for /metrics       |
| `<p>:metrics:histograms`   | hash   | (histogram, queue, bucket) → count; (…, sum) → seconds  |
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class QueueKeys:
    ready: str
    delayed: str
    delayed_scores: str
    leases: str
    owners: str
    notify: str
    better: str  # a pub/sub channel, not a key (see announcements.py)
    events: str  # a stream of the queue's task events (see events.py)


class KeySpace:
    """Builds key names under one prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def queue(self, queue_name: str) -> QueueKeys:
        base = f"{self.prefix}:{{{queue_name}}}"
        return QueueKeys(
            ready=f"{base}:ready",
            delayed=f"{base}:delayed",
            delayed_scores=f"{base}:delayed_scores",
            leases=f"{base}:leases",
            owners=f"{base}:owners",
            notify=f"{base}:notify",
            better=f"{base}:better",
            events=f"{base}:events",
        )

    @property
    def queues(self) -> str:
        return f"{self.prefix}:queues"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    def worker(self, worker_id: str) -> str:
        return f"{self.prefix}:worker:{worker_id}"

    @property
    def epoch(self) -> str:
        return f"{self.prefix}:epoch"

    def turn(self, loop: str) -> str:
        return f"{self.prefix}:turn:{loop}"

    @property
    def metrics_counters(self) -> str:
        return f"{self.prefix}:metrics:counters"

    @property
    def metrics_histograms(self) -> str:
        return f"{self.prefix}:metrics:histograms"

    @property
    def pattern(self) -> str:
        """A SCAN pattern matching every key of this prefix (tests clean up with it)."""
        return f"{self.prefix}:*"

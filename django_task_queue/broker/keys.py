"""Every Redis key name, in one place.

Keys of one queue share the hash tag `{queue}` so that the Lua scripts, which only touch one
queue's keys, also run on a Redis Cluster. On a cluster the queue set and the epoch marker share
the tag `{<p>}` (`<p>:{<p>}:queues`, `<p>:{<p>}:epoch`): one node holds both, so the marker's
loss also tells that the queue set was lost with it.

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
| `<p>:{<q>}:paused`         | string | present while the queue is paused (PostgreSQL's mirror) |
| `<p>:{<q>}:limit_of`       | hash   | task id → its concurrency limit group, while it lives   |
| `<p>:{<q>}:limits`         | hash   | limit group → how many of its tasks may run at once     |
| `<p>:{<q>}:limit_holders`  | hash   | task id → group: tasks holding a concurrency slot       |
| `<p>:{<q>}:rates`          | hash   | limit group → ms between two of its starts (rate limit) |
| `<p>:{<q>}:rate_next`      | hash   | limit group → the earliest ms its next task may start   |
| `<p>:{<q>}:fair_scores`    | hash   | task id → its fair-share ready score (with `limit_key`) |
| `<p>:{<q>}:fair_last`      | hash   | limit group → the sequence part of its last fair score  |
| `<p>:{<q>}:fair_clock`     | string | the highest sequence part of a score claimed so far     |
| `<p>:{<q>}:epoch`          | string | on a cluster: set once the queue's index is built there |
| `<p>:{<q>}:queue_limits`   | hash   | the queue's own limits (QUEUES setting) and next start  |
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
    paused: str
    limit_of: str
    limits: str
    limit_holders: str
    rates: str
    rate_next: str
    fair_scores: str
    fair_last: str
    fair_clock: str
    epoch: str  # on a cluster only: its node lost its data when it goes missing (upkeep.py)
    queue_limits: str


class KeySpace:
    """Builds key names under one prefix."""

    def __init__(self, prefix: str, *, cluster: bool = False) -> None:
        self.prefix = prefix
        self._global = f"{prefix}:{{{prefix}}}" if cluster else prefix

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
            paused=f"{base}:paused",
            limit_of=f"{base}:limit_of",
            limits=f"{base}:limits",
            limit_holders=f"{base}:limit_holders",
            rates=f"{base}:rates",
            rate_next=f"{base}:rate_next",
            fair_scores=f"{base}:fair_scores",
            fair_last=f"{base}:fair_last",
            fair_clock=f"{base}:fair_clock",
            epoch=f"{base}:epoch",
            queue_limits=f"{base}:queue_limits",
        )

    @property
    def queues(self) -> str:
        return f"{self._global}:queues"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    def worker(self, worker_id: str) -> str:
        return f"{self.prefix}:worker:{worker_id}"

    @property
    def epoch(self) -> str:
        return f"{self._global}:epoch"

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

"""The loop's look for a task better than the next one of its batch: what the announcements say
(no round trip), then the best task of a claim made ahead, then the head of Redis' ready set.
What to conclude is decided in `decisions.check_for_better`; this module does the reading."""

from __future__ import annotations

import time
from collections.abc import Sequence

from django_task_queue.broker.client import Broker
from django_task_queue.outcomes import ClaimedTask
from django_task_queue.worker.decisions import (
    LastLook,
    Moment,
    Tuning,
    after_claim,
    check_for_better,
    look_due,
)
from django_task_queue.worker.held import ClaimInFlight, HeldTasks


class Lookout:
    """Keeps what the last look saw and looks again when a look is due (it is the `Readings`
    of `check_for_better`)."""

    def __init__(
        self, broker: Broker, queue_names: Sequence[str], held: HeldTasks, tuning: Tuning
    ) -> None:
        self._broker = broker
        self._queue_names = list(queue_names)
        self._held = held
        self._recheck_s = tuning.recheck_after_s
        self.last = after_claim(0.0, 0)
        self._listening = False  # subscribed to the announcements since a first claim

    def before_claim(self) -> LastLook:
        """Listen (what was announced so far, the claim sees for itself); the look that the
        claim about to be made will be, once it succeeds."""
        self._broker.listen_for_better(self._queue_names)
        self._listening = True
        return after_claim(time.monotonic(), self._broker.pushes)

    def took_claim_ahead(self, in_flight: ClaimInFlight) -> None:
        """A batch claimed ahead: its claim looked for the best tasks no earlier than it started."""
        last = self.last
        self.last = LastLook(
            in_flight.submitted_monotonic, in_flight.pushes_seen, last.queue_name, last.bound
        )

    def finds_better(self, task: ClaimedTask) -> bool:
        """Whether something that runs before `task` is ready, looking only when a look is due."""
        now_s, pushes, recheck_s = time.monotonic(), self._broker.pushes, self._recheck_s
        if not look_due(self.last, now_s=now_s, pushes=pushes, recheck_after_s=recheck_s):
            return False  # most tasks of a batch: nothing more to read
        self.last, better = check_for_better(
            self.last, (task.queue_name, task.claim.score), Moment(now_s, pushes), self, recheck_s
        )
        return better

    def keep_announcements_drained(self) -> None:
        """From the heartbeat, while a task runs: keep announcements from piling up in Redis."""
        if self._listening:
            self._broker.keep_announcements_drained()

    # -- Readings ----------------------------------------------------------------------------

    @property
    def queue_names(self) -> Sequence[str]:
        return self._queue_names

    def heard(self) -> bool | None:
        return self._broker.heard_of_better()

    def claimed_ahead_head(self) -> tuple[str, float] | None:
        """The best task of the claim ahead in flight, waiting for it (a few ms at most)."""
        in_flight = self._held.claim_ahead
        if in_flight is None:
            return None
        in_flight.future.result()
        claimed = in_flight.claimed()
        return (claimed[0].queue_name, claimed[0].claim.score) if claimed else None

    def ready_bound(self, queue_name: str) -> float:
        return self._broker.best_ready_score(self._queue_names, queue_name)

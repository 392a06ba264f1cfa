"""Every change of a task's status: one function per verb, each one conditional SQL statement.

verb      from → to                     by         where
enqueue   (a new row) → pending         producer   services/producer.py: enqueue, enqueue_many,
                                                   enqueue_validated (the API's)
claim     pending, retry → processing   worker     claim.py: claim_batch, complete_and_claim
complete  processing → success          worker     claim.py: complete_and_claim, complete_many
unclaim   processing → pending, retry   worker     claim.py: unclaim (tasks it never started)
fail      processing → retry, failed    worker     fail.py: fail
                                        supervisor supervised.py: fail_at_hard_timeout
release   processing → pending          worker     leases.py: release (on a second signal)
reap      processing → pending, failed  reaper     leases.py: reap_expired_leases
settle    processing → pending, retry,  supervisor supervised.py: release_worker_tasks (the
          failed                                   tasks of a worker process that ended)
cancel    pending, retry → cancelled    user       control.py: cancel (API, admin)
retry     failed, cancelled → pending   user       control.py: retry (API, admin, requeue_failed)

The worker's claims and completions include those of its claim-ahead thread; `extend_leases`
(leases.py, a worker's heartbeat without a supervisor) and `renew_worker_leases`
(supervised.py, the supervisor) renew leases without changing a status. Enqueueing creates a task
rather than changing one, and stays with the producer's validation. Every other verb is here.
The verbs and their edges are `states.TRANSITIONS`, and tests/unit/test_transitions_sql.py
checks every SQL statement that writes a status against it. The Redis change that follows a
transition is built by `dispatch.py`.
"""

from django_task_queue.transitions.claim import (
    claim_batch,
    complete_and_claim,
    complete_many,
    unclaim,
)
from django_task_queue.transitions.control import cancel, retry
from django_task_queue.transitions.fail import fail, fail_timed_out
from django_task_queue.transitions.leases import extend_leases, reap_expired_leases, release
from django_task_queue.transitions.supervised import (
    fail_at_hard_timeout,
    release_worker_tasks,
    renew_worker_leases,
)

__all__ = [
    "cancel",
    "claim_batch",
    "complete_and_claim",
    "complete_many",
    "extend_leases",
    "fail",
    "fail_at_hard_timeout",
    "fail_timed_out",
    "reap_expired_leases",
    "release",
    "release_worker_tasks",
    "renew_worker_leases",
    "retry",
    "unclaim",
]

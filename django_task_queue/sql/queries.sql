-- Every SQL statement of the hot path, looked up by name (see store.py). Why they are written
-- as they are (fences, CASE status tests, ids named twice): docs/architecture.md, "The hot
-- path's statements".

-- name: insert_tasks --
-- enqueue_many(): a row per element of the arrays, taking seq (the FIFO order) in their order.
INSERT INTO django_task_queue_task (
    id, task_name, args, kwargs, priority, queue_name, status, retry_count, max_retries,
    retry_delay, retry_backoff, timeout, attempt, created_at, updated_at, run_after
)
SELECT t.id, t.task_name, t.args::jsonb, t.kwargs::jsonb, t.priority, t.queue_name, 'pending', 0,
       t.max_retries, t.retry_delay, t.retry_backoff, t.timeout, 0, %(now)s, %(now)s, t.run_after
FROM unnest(
    %(ids)b::uuid[], %(task_names)b::text[], %(args)b::text[], %(kwargs)b::text[],
    %(priorities)b::smallint[], %(queue_names)b::text[], %(max_retries)b::int[],
    %(retry_delays)b::float8[], %(retry_backoffs)b::bool[], %(timeouts)b::float8[],
    %(run_afters)b::timestamptz[]
) WITH ORDINALITY AS t(
    id, task_name, args, kwargs, priority, queue_name, max_retries, retry_delay, retry_backoff,
    timeout, run_after, ord
)
ORDER BY t.ord
RETURNING id, seq;

-- name: insert_task --
-- insert_tasks for one task (enqueue()): scalars cost less to send than one-element arrays.
INSERT INTO django_task_queue_task (
    id, task_name, args, kwargs, priority, queue_name, status, retry_count, max_retries,
    retry_delay, retry_backoff, timeout, attempt, created_at, updated_at, run_after
)
VALUES (
    %(ids)b::uuid, %(task_names)b::text, %(args)b::text::jsonb, %(kwargs)b::text::jsonb,
    %(priorities)b::smallint, %(queue_names)b::text, 'pending', 0, %(max_retries)b::int,
    %(retry_delays)b::float8, %(retry_backoffs)b::bool, %(timeouts)b::float8, 0, %(now)s,
    %(now)s, %(run_afters)b::timestamptz
)
RETURNING id, seq;

-- name: complete_and_claim --
-- A worker's one statement (and one commit) per batch: record the successes of the batch it
-- ran and claim the tasks Redis has just leased to it. Either list may be empty.
WITH outcome AS (
    SELECT * FROM unnest(
        %(done_ids)b::uuid[], %(done_attempts)b::int[], %(results)b::text[],
        %(started)b::timestamptz[], %(finished)b::timestamptz[], %(durations)b::float8[]
    ) AS o(id, attempt, result, started_at, finished_at, duration_ms)
), done AS (
    UPDATE django_task_queue_task AS t
    SET status = 'success', result = o.result::jsonb, completed_at = o.finished_at,
        updated_at = o.finished_at, lease_expires_at = NULL, error_message = NULL,
        traceback = NULL,
        -- The claim wrote the batch's claim time; a task's start is its first attempt's.
        started_at = CASE WHEN t.attempt = 1 THEN o.started_at ELSE t.started_at END
    FROM outcome AS o
    -- The ids as an array too (and in `recorded`), for an index scan on the key.
    WHERE cardinality(%(done_ids)b::uuid[]) > 0 AND t.id = ANY(%(done_ids)b::uuid[])
      AND t.id = o.id AND t.attempt = o.attempt
      AND CASE WHEN t.status = 'processing' THEN true ELSE false END
    RETURNING t.id, t.attempt
), recorded AS (
    UPDATE django_task_queue_attempt AS a
    SET outcome = 'success', started_at = o.started_at, finished_at = o.finished_at,
        duration_ms = o.duration_ms
    FROM done JOIN outcome AS o ON o.id = done.id
    WHERE cardinality(%(done_ids)b::uuid[]) > 0 AND a.task_id = ANY(%(done_ids)b::uuid[])
      AND a.task_id = done.id
      AND a.number = done.attempt
    RETURNING a.task_id
), claimed AS (
    UPDATE django_task_queue_task
    SET status = 'processing', attempt = attempt + 1, worker_id = %(worker_id)s,
        started_at = COALESCE(started_at, %(now)s), updated_at = %(now)s,
        lease_expires_at = %(lease_expires_at)s, next_retry_at = NULL
    -- The cardinality test skips this part when nothing is claimed: an empty list made
    -- PostgreSQL read every waiting task to find none.
    WHERE cardinality(%(claim_ids)b::uuid[]) > 0 AND id = ANY(%(claim_ids)b::uuid[])
      AND CASE WHEN status IN ('pending', 'retry') THEN true ELSE false END
      AND COALESCE(next_retry_at, run_after, '-infinity') <= %(due_by)s
    RETURNING id, task_name, args, kwargs, attempt, timeout, retry_count, max_retries,
              retry_delay, retry_backoff, priority, seq, queue_name,
              extract(epoch FROM COALESCE(run_after, created_at))::float8 AS due_at, workflow_id
), started AS (
    INSERT INTO django_task_queue_attempt (task_id, number, worker_id, started_at, outcome)
    SELECT id, attempt, %(worker_id)s, %(now)s, 'running' FROM claimed
), durability AS (
    -- A worker's commit does not wait for its WAL flush: docs/architecture.md, "Durability".
    SELECT set_config('synchronous_commit', 'off', true)
)
-- One row per claimed task, at least one; the applied successes' ids on the first row only.
-- after_loss: the previous attempt was lost with its worker, so this one runs alone.
-- workflow_id: a member's outcome also advances its workflow (workflows/advance.py).
SELECT CASE WHEN row_number() OVER () = 1 THEN (SELECT array_agg(task_id) FROM recorded) END,
       c.id, c.task_name, c.args, c.kwargs,
       c.attempt, c.timeout, c.retry_count, c.max_retries, c.retry_delay, c.retry_backoff,
       c.priority, c.seq, c.queue_name, c.due_at,
       CASE WHEN c.attempt > c.retry_count + 1 THEN EXISTS (
           SELECT FROM django_task_queue_attempt AS a
           WHERE a.task_id = c.id AND a.number = c.attempt - 1
             AND CASE WHEN a.outcome = 'lost' THEN true ELSE false END
       ) ELSE false END AS after_loss,
       c.workflow_id
FROM (VALUES (1)) AS one CROSS JOIN durability LEFT JOIN claimed AS c ON true;

-- name: unclaim_tasks --
-- Undo claims of tasks this worker never started (a better task arrived, or it is stopping):
-- the attempt number and its attempt row go back as if the claim had not happened.
WITH durability AS (
    -- A worker's commit does not wait for its WAL flush: docs/architecture.md, "Durability".
    SELECT set_config('synchronous_commit', 'off', true)
), undone AS (
    UPDATE django_task_queue_task AS t
    SET status = CASE WHEN t.retry_count > 0 THEN 'retry' ELSE 'pending' END,
        attempt = t.attempt - 1, worker_id = NULL, lease_expires_at = NULL,
        started_at = CASE WHEN t.attempt = 1 THEN NULL ELSE t.started_at END,
        updated_at = %(now)s
    FROM unnest(%(ids)s::uuid[], %(attempts)s::int[]) AS held(id, attempt)
    WHERE t.id = ANY(%(ids)s::uuid[]) AND t.id = held.id AND t.attempt = held.attempt
      AND CASE WHEN t.status = 'processing' THEN true ELSE false END
      AND EXISTS (SELECT FROM durability)
    RETURNING t.id, held.attempt
)
DELETE FROM django_task_queue_attempt AS a
USING undone
WHERE a.task_id = ANY(%(ids)s::uuid[]) AND a.task_id = undone.id AND a.number = undone.attempt
  AND CASE WHEN a.outcome = 'running' THEN true ELSE false END
RETURNING a.task_id;

-- name: waiting_entry --
-- A task Redis handed out that PostgreSQL would not start: is it still waiting, and for when?
SELECT priority, seq, queue_name, COALESCE(next_retry_at, run_after)
FROM django_task_queue_task
WHERE id = %(task_id)s AND CASE WHEN status IN ('pending', 'retry') THEN true ELSE false END;

-- name: fail_task --
-- A failed attempt: the task retries or fails; its attempt row changes only if the fence held.
WITH durability AS (
    -- A worker's commit does not wait for its WAL flush: docs/architecture.md, "Durability".
    SELECT set_config('synchronous_commit', 'off', true)
), failed AS (
    UPDATE django_task_queue_task
    SET status = CASE WHEN %(will_retry)s::bool THEN 'retry' ELSE 'failed' END,
        retry_count = %(retry_count)s, next_retry_at = %(next_retry_at)s,
        error_message = %(error_message)s, traceback = %(traceback)s,
        completed_at = %(completed_at)s, updated_at = %(now)s, lease_expires_at = NULL,
        started_at = CASE WHEN attempt = 1 THEN %(started_at)s ELSE started_at END
    WHERE id = %(task_id)s AND attempt = %(attempt)s
      AND CASE WHEN status = 'processing' THEN true ELSE false END
      AND EXISTS (SELECT FROM durability)
    RETURNING id
)
UPDATE django_task_queue_attempt
SET outcome = %(outcome)s, started_at = %(started_at)s, finished_at = %(now)s,
    duration_ms = %(duration_ms)s, error_type = %(error_type)s,
    error_message = %(error_message)s, traceback = %(traceback)s
WHERE task_id = %(task_id)s AND number = %(attempt)s AND EXISTS (SELECT FROM failed)
RETURNING task_id;

-- name: release_task --
-- An attempt given back unfinished (a second signal): waiting again at once, no retry spent.
WITH durability AS (
    -- A worker's commit does not wait for its WAL flush: docs/architecture.md, "Durability".
    SELECT set_config('synchronous_commit', 'off', true)
), released AS (
    UPDATE django_task_queue_task
    SET status = 'pending', updated_at = %(now)s, lease_expires_at = NULL, worker_id = NULL,
        started_at = CASE WHEN attempt = 1 THEN %(started_at)s ELSE started_at END
    WHERE id = %(task_id)s AND attempt = %(attempt)s
      AND CASE WHEN status = 'processing' THEN true ELSE false END
      AND EXISTS (SELECT FROM durability)
    RETURNING id
)
UPDATE django_task_queue_attempt
SET outcome = 'interrupted', started_at = %(started_at)s, finished_at = %(now)s,
    duration_ms = %(duration_ms)s, error_message = %(reason)s
WHERE task_id = %(task_id)s AND number = %(attempt)s AND EXISTS (SELECT FROM released)
RETURNING task_id;

-- name: extend_leases --
-- Renew leases; a task whose attempt was taken over is not returned, nor renewed in Redis.
UPDATE django_task_queue_task AS t
SET lease_expires_at = %(lease_expires_at)s
FROM unnest(%(ids)s::uuid[], %(attempts)s::int[]) AS held(id, attempt)
WHERE t.id = ANY(%(ids)s::uuid[]) AND t.id = held.id AND t.attempt = held.attempt
  AND CASE WHEN t.status = 'processing' THEN true ELSE false END
RETURNING t.id;

-- name: reap_expired --
-- Tasks whose worker stopped renewing its lease: record the attempt as lost, then make the task
-- waiting again, or failed once it has been lost too often (a poison pill that kills workers).
WITH expired AS (
    SELECT t.id, t.attempt,
           (SELECT count(*) FROM django_task_queue_attempt a
            WHERE a.task_id = t.id
              AND CASE WHEN a.outcome = 'lost' THEN true ELSE false END) + 1 AS lost_count
    FROM django_task_queue_task t
    WHERE t.status = 'processing' AND t.lease_expires_at < %(now)s
    ORDER BY t.lease_expires_at
    LIMIT %(limit)s
    FOR UPDATE OF t SKIP LOCKED
), lost AS (
    UPDATE django_task_queue_attempt a
    SET outcome = 'lost', finished_at = %(now)s,
        error_message = 'The worker stopped renewing its lease (killed or hung).'
    FROM expired e
    WHERE a.task_id = ANY(ARRAY(SELECT id FROM expired)) AND a.task_id = e.id
      AND a.number = e.attempt AND CASE WHEN a.outcome = 'running' THEN true ELSE false END
)
UPDATE django_task_queue_task t
SET status = CASE WHEN e.lost_count >= %(max_lost)s THEN 'failed' ELSE 'pending' END,
    completed_at = CASE WHEN e.lost_count >= %(max_lost)s THEN %(now)s ELSE NULL END,
    error_message = CASE WHEN e.lost_count >= %(max_lost)s
        THEN 'Lost ' || e.lost_count || ' times: its worker died each time it ran it.'
        ELSE t.error_message END,
    lease_expires_at = NULL, worker_id = NULL, updated_at = %(now)s
FROM expired e
WHERE t.id = e.id
RETURNING t.id, t.status, t.priority, t.seq, t.queue_name, t.attempt, t.task_name,
          t.workflow_id, t.error_message;

-- name: cancel_task --
-- The user's cancel: only a waiting task can be cancelled.
UPDATE django_task_queue_task
SET status = 'cancelled', completed_at = %(now)s, updated_at = %(now)s, next_retry_at = NULL
WHERE id = %(task_id)s AND CASE WHEN status IN ('pending', 'retry') THEN true ELSE false END
RETURNING queue_name;

-- name: retry_task --
-- The user's retry of a finished task: a new seq puts it behind its priority's waiting tasks.
UPDATE django_task_queue_task
SET status = 'pending', retry_count = 0, result = NULL, error_message = NULL, traceback = NULL,
    completed_at = NULL, next_retry_at = NULL, run_after = NULL, updated_at = %(now)s,
    seq = nextval('django_task_queue_task_seq')
WHERE id = %(task_id)s AND CASE WHEN status IN ('failed', 'cancelled') THEN true ELSE false END
RETURNING priority, seq, queue_name, limit_group;

-- name: waiting_batch --
-- The reconciler's scan: waiting tasks in enqueue order, resumable after a given seq.
SELECT id, priority, seq, queue_name, COALESCE(next_retry_at, run_after)
FROM django_task_queue_task
WHERE status IN ('pending', 'retry') AND seq > %(after_seq)s AND updated_at < %(changed_before)s
ORDER BY seq
LIMIT %(limit)s;

-- name: waiting_by_ids --
-- The reconciler's second look: which of the tasks Redis lacks are still waiting right now
-- (and under which concurrency limit, to put them back under it).
SELECT id, priority, seq, queue_name, COALESCE(next_retry_at, run_after), limit_group
FROM django_task_queue_task
WHERE id = ANY(%(ids)s::uuid[])
  AND CASE WHEN status IN ('pending', 'retry') THEN true ELSE false END;

-- name: task_table_bytes --
-- The task table's size on disk, which store.py watches to plan its statements again once the
-- table has grown (a cached plan made on a small table would keep scanning it).
SELECT pg_relation_size('django_task_queue_task');

-- name: extend_worker_leases --
-- The supervisor renews the leases of every task its live worker processes hold: a row claimed
-- by a worker keeps that worker's id until it finishes or is given back.
UPDATE django_task_queue_task
SET lease_expires_at = %(lease_expires_at)s
WHERE status = 'processing' AND worker_id = ANY(%(worker_ids)s::text[])
RETURNING id, queue_name;

-- name: end_unheld_leases --
-- Tasks the supervisor renewed for a live worker process while Redis holds no lease for them:
-- an outcome whose commit PostgreSQL lost in a crash after Redis had dropped the lease. Nobody
-- runs them, so their lease ends now and the reaper runs them again. The fence is the deadline
-- just renewed: a task claimed again since then has a deadline of its own.
UPDATE django_task_queue_task
SET lease_expires_at = %(now)s
WHERE id = ANY(%(ids)s::uuid[]) AND lease_expires_at = %(renewed_until)s
  AND CASE WHEN status = 'processing' THEN true ELSE false END
RETURNING id;

-- name: release_worker_tasks --
-- A worker process ended while holding tasks. What it was running ends with `running_outcome`
-- ('lost' counts toward MAX_LOST_ATTEMPTS; 'interrupted' does not); what it held without
-- starting goes back as if never claimed. `all_running`: what it ran is unknown (a process of
-- an earlier run under the same worker id), so every task counts as running, as the reaper does.
WITH held AS (
    SELECT t.id, t.attempt,
           %(all_running)s OR (t.id, t.attempt) IN (
               SELECT * FROM unnest(%(running_ids)s::uuid[], %(running_attempts)s::int[])
           ) AS was_running,
           (SELECT count(*) FROM django_task_queue_attempt a
            WHERE a.task_id = t.id
              AND CASE WHEN a.outcome = 'lost' THEN true ELSE false END) + 1 AS lost_count
    FROM django_task_queue_task t
    WHERE t.status = 'processing' AND t.worker_id = %(worker_id)s
    FOR UPDATE OF t
), ended AS (
    UPDATE django_task_queue_attempt a
    SET outcome = %(running_outcome)s, finished_at = %(now)s, error_message = %(reason)s
    FROM held h
    WHERE a.task_id = ANY(ARRAY(SELECT id FROM held)) AND a.task_id = h.id
      AND a.number = h.attempt AND h.was_running
      AND CASE WHEN a.outcome = 'running' THEN true ELSE false END
), unstarted AS (
    DELETE FROM django_task_queue_attempt a
    USING held h
    WHERE a.task_id = ANY(ARRAY(SELECT id FROM held)) AND a.task_id = h.id
      AND a.number = h.attempt AND NOT h.was_running
      AND CASE WHEN a.outcome = 'running' THEN true ELSE false END
)
UPDATE django_task_queue_task t
SET status = CASE
        WHEN h.was_running AND %(running_outcome)s = 'lost' AND h.lost_count >= %(max_lost)s
        THEN 'failed'
        WHEN h.was_running THEN 'pending'
        WHEN t.retry_count > 0 THEN 'retry'
        ELSE 'pending' END,
    attempt = CASE WHEN h.was_running THEN t.attempt ELSE t.attempt - 1 END,
    started_at = CASE WHEN NOT h.was_running AND t.attempt = 1 THEN NULL ELSE t.started_at END,
    completed_at = CASE
        WHEN h.was_running AND %(running_outcome)s = 'lost' AND h.lost_count >= %(max_lost)s
        THEN %(now)s ELSE NULL END,
    error_message = CASE
        WHEN h.was_running AND %(running_outcome)s = 'lost' AND h.lost_count >= %(max_lost)s
        THEN 'Lost ' || h.lost_count || ' times: its worker process died each time it ran it.'
        ELSE t.error_message END,
    lease_expires_at = NULL, worker_id = NULL, updated_at = %(now)s
FROM held h
WHERE t.id = h.id
RETURNING t.id, t.status, t.priority, t.seq, t.queue_name, t.attempt, h.was_running, t.task_name,
          t.workflow_id, t.error_message;

-- name: held_task --
-- A task a worker process holds, as the claim returned it (for a failure the supervisor
-- records on the process's behalf).
SELECT id, task_name, args, kwargs, attempt, timeout, retry_count, max_retries, retry_delay,
       retry_backoff, priority, seq, queue_name, workflow_id
FROM django_task_queue_task
WHERE id = %(task_id)s AND attempt = %(attempt)s
  AND CASE WHEN status = 'processing' THEN true ELSE false END;

-- name: insert_controlled_task --
-- insert_task for a task under flow control: a unique key (nothing is inserted when another task
-- of its name holds the key, by the partial unique index dtq_task_unique_key; the producer then
-- looks the holder up; a producer racing for the same key waits here for the other's
-- transaction to end), a concurrency limit group, or both.
INSERT INTO django_task_queue_task (
    id, task_name, args, kwargs, priority, queue_name, status, retry_count, max_retries,
    retry_delay, retry_backoff, timeout, attempt, created_at, updated_at, run_after,
    unique_key, unique_while, limit_group
)
VALUES (
    %(ids)s::uuid, %(task_names)s::text, %(args)s::text::jsonb, %(kwargs)s::text::jsonb,
    %(priorities)s::smallint, %(queue_names)s::text, 'pending', 0, %(max_retries)s::int,
    %(retry_delays)s::float8, %(retry_backoffs)s::bool, %(timeouts)s::float8, 0, %(now)s,
    %(now)s, %(run_afters)s::timestamptz, %(unique_key)s::text, %(unique_while)s::varchar[],
    %(limit_group)s::text
)
ON CONFLICT DO NOTHING
RETURNING id, seq;

-- name: unique_key_holder --
-- The task that holds a unique key now (served by dtq_task_unique_key, whose predicate this
-- repeats).
SELECT id FROM django_task_queue_task
WHERE task_name = %(task_name)s AND unique_key = %(unique_key)s AND unique_key IS NOT NULL
  AND status = ANY(unique_while)
LIMIT 1;

-- name: recent_unique_task --
-- `unique_for`: the task of this key that finished since the given time, newest first
-- (dtq_task_unique_recent).
SELECT id FROM django_task_queue_task
WHERE task_name = %(task_name)s AND unique_key = %(unique_key)s AND completed_at > %(since)s
ORDER BY completed_at DESC
LIMIT 1;

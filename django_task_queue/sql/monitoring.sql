-- The read side's statements (django_task_queue/monitoring/), run by name through store.py.
-- Only the rollup's fold, run by the supervisor's rollup loop, writes.

-- name: finished_status_counts --
-- Exact, on a table small enough to count; failed comes with queue_status_counts.
SELECT status, count(*)
FROM django_task_queue_task
WHERE status IN ('success', 'cancelled')
GROUP BY status;

-- name: status_frequencies --
-- ANALYZE's share of each status (all six fit in the most-common-values list).
SELECT most_common_vals::text::text[], most_common_freqs
FROM pg_stats
WHERE schemaname = current_schema() AND tablename = 'django_task_queue_task' AND attname = 'status';

-- name: queue_status_counts --
-- Running and failed tasks by queue (the waiting ones come with waiting_summary).
SELECT queue_name, status, count(*)
FROM django_task_queue_task
WHERE status IN ('processing', 'failed')
GROUP BY queue_name, status;

-- name: waiting_summary --
-- One pass over the waiting tasks, from the covering index dtq_task_waiting_by_queue alone, in
-- its order; the caller turns priorities into bands.
SELECT queue_name, status, priority, count(*),
       count(*) FILTER (WHERE status = 'pending' AND run_after > %(now)s) AS scheduled,
       count(*) FILTER (WHERE COALESCE(next_retry_at, run_after, '-infinity') <= %(now)s) AS due,
       min(COALESCE(next_retry_at, run_after, created_at))
           FILTER (WHERE COALESCE(next_retry_at, run_after, '-infinity') <= %(now)s) AS oldest_due
FROM django_task_queue_task
WHERE status IN ('pending', 'retry')
GROUP BY queue_name, status, priority;

-- name: throughput --
-- The minutes the rollup does not hold yet, from the raw rows.
SELECT date_trunc('minute', completed_at) AS minute,
       count(*) FILTER (WHERE status = 'success') AS completed,
       count(*) FILTER (WHERE status = 'failed') AS failed
FROM django_task_queue_task
WHERE completed_at >= %(since)s AND completed_at < %(until)s
GROUP BY minute;

-- name: rolled_throughput --
SELECT minute, completed, failed
FROM django_task_queue_throughputminute
WHERE minute >= %(since)s AND minute < %(until)s;

-- name: live_waits --
-- Waits the rollup does not hold: first attempts started in the window's partial first minute,
-- and later ones still running or finished at or after the watermark. Wait = the first
-- attempt's start minus the time the task became due (as in fold); a task claimed within
-- the due tolerance, just before its time, waited 0 ms.
SELECT t.priority,
       GREATEST(0, EXTRACT(EPOCH FROM a.started_at - COALESCE(t.run_after, t.created_at))::float8
                   * 1000) AS wait_ms
FROM django_task_queue_attempt a
JOIN django_task_queue_task t ON t.id = a.task_id
WHERE a.number = 1 AND a.started_at >= %(since)s AND a.started_at < %(first_minute)s
UNION ALL
SELECT t.priority,
       GREATEST(0, EXTRACT(EPOCH FROM a.started_at - COALESCE(t.run_after, t.created_at))::float8
                   * 1000)
FROM django_task_queue_attempt a
JOIN django_task_queue_task t ON t.id = a.task_id
WHERE a.number = 1 AND a.started_at >= %(first_minute)s
  AND (a.finished_at IS NULL OR a.finished_at >= %(folded_until)s);

-- name: live_run_times --
-- Run times the rollup does not hold: attempts finished in the window's partial first minute,
-- or at or after the watermark.
SELECT duration_ms
FROM django_task_queue_attempt
WHERE finished_at >= %(since)s AND finished_at < %(first_minute)s AND duration_ms IS NOT NULL
UNION ALL
SELECT duration_ms
FROM django_task_queue_attempt
WHERE finished_at >= %(live_from)s AND duration_ms IS NOT NULL;

-- name: rolled_durations --
-- The histograms of the window's whole minutes: waits by start minute (only finished attempts
-- are in the rollup), run times by finish minute, up to where live_run_times takes over.
SELECT figure, band, bucket, sum(count)::bigint
FROM django_task_queue_durationbucket
WHERE minute >= %(first_minute)s AND (figure = 'wait' OR minute < %(live_from)s)
GROUP BY figure, band, bucket;

-- name: repeatable_read --
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;

-- name: serial_plans --
-- The request's statements read a few thousand rows each: starting parallel workers for them
-- costs more than it saves (a 1-ms scan took 7 ms behind a Gather). For this transaction only.
SELECT set_config('max_parallel_workers_per_gather', '0', true);

-- name: rollup_try_lock --
-- One fold at a time, held to the end of the transaction (the key is any constant of our own).
SELECT pg_try_advisory_xact_lock(7405326117803296769);

-- name: rollup_state --
SELECT r.folded_until, r.source, pg_relation_filenode('django_task_queue_task')::bigint
FROM (SELECT 1) AS one
LEFT JOIN django_task_queue_statsrollup r ON r.id = 1;

-- name: folded_until --
-- None until the fold has seen the task table as it is: a TRUNCATE changes its filenode.
SELECT folded_until FROM django_task_queue_statsrollup
WHERE id = 1 AND source = pg_relation_filenode('django_task_queue_task');

-- name: rollup_clear --
WITH minutes AS (DELETE FROM django_task_queue_throughputminute),
     in_flight AS (DELETE FROM django_task_queue_inflightattempt)
DELETE FROM django_task_queue_durationbucket;

-- name: rollup_trim --
WITH minutes AS (DELETE FROM django_task_queue_throughputminute WHERE minute < %(horizon)s)
DELETE FROM django_task_queue_durationbucket WHERE minute < %(horizon)s;

-- name: fold --
-- One statement, so one snapshot: every outcome is folded exactly once. It folds the work
-- finished in [since, until), and the late outcomes: those of attempts in flight at the last
-- fold, written since but stamped before `since` (a worker writes a batch's successes
-- together, each stamped with its own finish). Then it notes the attempts in flight now.
WITH late AS (
    SELECT a.task_id, a.number, a.started_at, a.finished_at, a.duration_ms
    FROM django_task_queue_inflightattempt f
    JOIN django_task_queue_attempt a ON a.id = f.attempt_id
    WHERE a.finished_at < %(since)s AND a.finished_at >= %(horizon)s
), completed AS (
    SELECT completed_at, status
    FROM django_task_queue_task
    WHERE completed_at >= %(since)s AND completed_at < %(until)s
      AND status IN ('success', 'failed')
    UNION ALL
    SELECT t.completed_at, t.status
    FROM late
    JOIN django_task_queue_task t ON t.id = late.task_id AND t.attempt = late.number
    WHERE t.completed_at < %(since)s AND t.completed_at >= %(horizon)s
      AND t.status IN ('success', 'failed')
), throughput AS (
    INSERT INTO django_task_queue_throughputminute AS r (minute, completed, failed)
    SELECT date_trunc('minute', completed_at),
           count(*) FILTER (WHERE status = 'success'),
           count(*) FILTER (WHERE status = 'failed')
    FROM completed
    GROUP BY 1
    ON CONFLICT (minute) DO UPDATE
    SET completed = r.completed + EXCLUDED.completed, failed = r.failed + EXCLUDED.failed
), finished AS NOT MATERIALIZED (
    SELECT task_id, number, started_at, finished_at, duration_ms
    FROM django_task_queue_attempt
    WHERE finished_at >= %(since)s AND finished_at < %(until)s
    UNION ALL
    SELECT * FROM late
), waits AS (
    -- First attempts by their finish (then final), counted under their start minute; wait as
    -- in live_waits.
    INSERT INTO django_task_queue_durationbucket AS r (minute, figure, band, bucket, count)
    SELECT date_trunc('minute', f.started_at), 'wait',
           CASE WHEN t.priority >= %(critical)s THEN 'critical'
                WHEN t.priority >= %(high)s THEN 'high'
                WHEN t.priority > %(low)s THEN 'normal'
                ELSE 'low' END,
           floor(ln(1 + GREATEST(0, EXTRACT(EPOCH FROM f.started_at
                                            - COALESCE(t.run_after, t.created_at))::float8
                                    * 1000)) / ln(%(growth)s)),
           count(*)
    FROM finished f
    JOIN django_task_queue_task t ON t.id = f.task_id
    WHERE f.number = 1 AND f.started_at >= %(horizon)s
    GROUP BY 1, 3, 4
    ON CONFLICT (minute, figure, band, bucket) DO UPDATE SET count = r.count + EXCLUDED.count
), run_times AS (
    INSERT INTO django_task_queue_durationbucket AS r (minute, figure, band, bucket, count)
    SELECT date_trunc('minute', finished_at), 'run', '',
           floor(ln(1 + GREATEST(0, duration_ms)) / ln(%(growth)s)), count(*)
    FROM finished
    WHERE duration_ms IS NOT NULL
    GROUP BY 1, 4
    ON CONFLICT (minute, figure, band, bucket) DO UPDATE SET count = r.count + EXCLUDED.count
), landed AS (
    DELETE FROM django_task_queue_inflightattempt f
    WHERE NOT EXISTS (SELECT 1 FROM django_task_queue_attempt a
                      WHERE a.id = f.attempt_id AND a.outcome = 'running')
)
INSERT INTO django_task_queue_inflightattempt (attempt_id)
SELECT id FROM django_task_queue_attempt WHERE outcome = 'running'
ON CONFLICT (attempt_id) DO NOTHING;

-- name: rollup_advance --
INSERT INTO django_task_queue_statsrollup (id, folded_until, source)
VALUES (1, %(folded_until)s, %(source)s)
ON CONFLICT (id) DO UPDATE SET folded_until = EXCLUDED.folded_until, source = EXCLUDED.source;

-- name: failure_groups --
-- The groups first (bounded), then one example per group through the outcome index.
WITH groups AS (
    SELECT a.error_type, a.error_message, t.task_name, count(*) AS n,
           max(a.finished_at) AS last_seen_at
    FROM django_task_queue_attempt a
    JOIN django_task_queue_task t ON t.id = a.task_id
    WHERE a.outcome IN ('error', 'timeout', 'lost') AND a.finished_at >= %(since)s
    GROUP BY a.error_type, a.error_message, t.task_name
    ORDER BY n DESC, last_seen_at DESC
    LIMIT %(limit)s
)
SELECT g.error_type, g.error_message, g.task_name, g.n, g.last_seen_at, example.task_id
FROM groups g
LEFT JOIN LATERAL (
    SELECT a.task_id
    FROM django_task_queue_attempt a
    JOIN django_task_queue_task t ON t.id = a.task_id
    WHERE a.outcome IN ('error', 'timeout', 'lost')
      AND a.finished_at = g.last_seen_at
      AND a.error_type IS NOT DISTINCT FROM g.error_type
      AND a.error_message IS NOT DISTINCT FROM g.error_message
      AND t.task_name = g.task_name
    LIMIT 1
) example ON true
ORDER BY g.n DESC, g.last_seen_at DESC;

-- name: table_estimate --
SELECT reltuples::bigint FROM pg_class WHERE oid = 'django_task_queue_task'::regclass;

-- name: task_names_containing --
-- The distinct task names that contain a text, case-insensitively (as icontains would match),
-- by a loose index scan: one probe per name (there are few), no trigram index to keep up.
WITH RECURSIVE names(name) AS (
    (SELECT task_name FROM django_task_queue_task ORDER BY task_name LIMIT 1)
    UNION ALL
    SELECT (
        SELECT t.task_name FROM django_task_queue_task AS t
        WHERE t.task_name > n.name ORDER BY t.task_name LIMIT 1
    )
    FROM names AS n
    WHERE n.name IS NOT NULL
)
SELECT name FROM names
WHERE name IS NOT NULL AND strpos(upper(name), upper(%(text)s)) > 0;

-- name: counts_by_queue --
SELECT queue_name, status, count(*)
FROM django_task_queue_task
GROUP BY queue_name, status;

-- name: queue_names --
-- Distinct queue names by a loose index scan: one index probe per name, not a table scan.
WITH RECURSIVE names AS (
    (SELECT queue_name AS name FROM django_task_queue_task ORDER BY queue_name LIMIT 1)
    UNION ALL
    SELECT (SELECT t.queue_name FROM django_task_queue_task t
            WHERE t.queue_name > names.name ORDER BY t.queue_name LIMIT 1)
    FROM names
    WHERE names.name IS NOT NULL
)
SELECT name FROM names WHERE name IS NOT NULL LIMIT %(limit)s;

-- name: task_names --
-- Distinct task names by a loose index scan (dtq_task_name_created leads with task_name).
WITH RECURSIVE names AS (
    (SELECT task_name AS name FROM django_task_queue_task ORDER BY task_name LIMIT 1)
    UNION ALL
    SELECT (SELECT t.task_name FROM django_task_queue_task t
            WHERE t.task_name > names.name ORDER BY t.task_name LIMIT 1)
    FROM names
    WHERE names.name IS NOT NULL
)
SELECT name FROM names WHERE name IS NOT NULL LIMIT %(limit)s;

-- name: ping --
SELECT 1;

-- name: schedule_rows --
-- Every schedule's row (or the one named) with its latest run, by the dtq_task_schedule_tick
-- index, backwards: one probe per schedule.
SELECT s.name, s.task_name, s.cron, s.every_s, s.timezone, s.queue_name, s.priority,
       s.catch_up, s.skip_if_running, s.enabled, s.next_tick_at, s.last_lag_s,
       s.skipped_ticks, latest.id, latest.status, latest.scheduled_for
FROM django_task_queue_schedule s
LEFT JOIN LATERAL (
    SELECT t.id, t.status, t.scheduled_for
    FROM django_task_queue_task t
    WHERE t.schedule_name = s.name
    ORDER BY t.scheduled_for DESC
    LIMIT 1
) latest ON true
WHERE %(name)s::text IS NULL OR s.name = %(name)s::text
ORDER BY s.name;

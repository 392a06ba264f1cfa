-- The API's monitoring queries, looked up by name (see api/sql/__init__.py).
-- Priority bands come in as parameters so that priorities.py stays their one definition.

-- name: status_counts --
SELECT status, count(*) FROM django_task_queue_task GROUP BY status;

-- name: active_status_counts --
-- On a large table only the statuses that change by the second are counted exactly.
SELECT status, count(*)
FROM django_task_queue_task
WHERE status IN ('pending', 'retry', 'processing')
GROUP BY status;

-- name: status_frequencies --
-- ANALYZE's share of each status (all six fit in the most-common-values list).
SELECT most_common_vals::text::text[], most_common_freqs
FROM pg_stats
WHERE schemaname = current_schema() AND tablename = 'django_task_queue_task' AND attname = 'status';

-- name: queue_status_counts --
-- Finished successes, the bulk of the table, are left out through a status index.
SELECT queue_name, status, count(*)
FROM django_task_queue_task
WHERE status IN ('pending', 'retry', 'processing', 'failed')
GROUP BY queue_name, status;

-- name: waiting_summary --
-- One pass over the waiting tasks (the partial index dtq_task_waiting), by queue and band.
SELECT queue_name,
       CASE WHEN priority >= %(critical)s THEN 'critical'
            WHEN priority >= %(high)s THEN 'high'
            WHEN priority > %(low)s THEN 'normal'
            ELSE 'low' END AS band,
       count(*) FILTER (WHERE status = 'pending' AND run_after > %(now)s) AS scheduled,
       count(*) FILTER (WHERE COALESCE(next_retry_at, run_after, '-infinity') <= %(now)s) AS due,
       min(COALESCE(next_retry_at, run_after, created_at))
           FILTER (WHERE COALESCE(next_retry_at, run_after, '-infinity') <= %(now)s) AS oldest_due
FROM django_task_queue_task
WHERE status IN ('pending', 'retry')
GROUP BY queue_name, band;

-- name: throughput --
SELECT date_trunc('minute', completed_at) AS minute,
       count(*) FILTER (WHERE status = 'success') AS completed,
       count(*) FILTER (WHERE status = 'failed') AS failed
FROM django_task_queue_task
WHERE completed_at >= %(since)s AND completed_at < %(until)s
GROUP BY minute;

-- name: wait_percentiles --
-- Wait = the first attempt's start minus the time the task became due; the row whose band is
-- NULL (the empty grouping set) covers every band.
WITH waits AS (
    SELECT CASE WHEN t.priority >= %(critical)s THEN 'critical'
                WHEN t.priority >= %(high)s THEN 'high'
                WHEN t.priority > %(low)s THEN 'normal'
                ELSE 'low' END AS band,
           -- A task claimed within the due tolerance, just before its time, waited 0 ms.
           GREATEST(0, EXTRACT(EPOCH FROM a.started_at - COALESCE(t.run_after, t.created_at))
                       * 1000) AS wait_ms
    FROM django_task_queue_attempt a
    JOIN django_task_queue_task t ON t.id = a.task_id
    WHERE a.number = 1 AND a.started_at >= %(since)s
)
SELECT band,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_ms),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY wait_ms)
FROM waits
GROUP BY GROUPING SETS ((band), ());

-- name: run_percentiles --
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)
FROM django_task_queue_attempt
WHERE finished_at >= %(since)s AND duration_ms IS NOT NULL;

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

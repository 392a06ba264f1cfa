-- The schedulers' statements (schedules/state.py). Why each is written as it is:
-- docs/schedules.md, "Exactly once per tick".

-- name: sync_schedules --
-- A scheduler starting: copy its definitions in, so that each shows while orphaned. A new
-- schedule waits for its first tick after now; a changed trigger restarts the clock there too.
-- A row already equal is not written.
INSERT INTO django_task_queue_schedule AS s (
    name, task_name, cron, every_s, timezone, queue_name, priority, catch_up, skip_if_running,
    enabled, next_tick_at, skipped_ticks, created_at, updated_at
)
SELECT d.name, d.task_name, d.cron, d.every_s, d.timezone, d.queue_name, d.priority,
       d.catch_up, d.skip_if_running, true, d.next_tick_at, 0, %(now)s, %(now)s
FROM unnest(
    %(names)s::text[], %(task_names)s::text[], %(crons)s::text[], %(every_s)s::int[],
    %(timezones)s::text[], %(queue_names)s::text[], %(priorities)s::smallint[],
    %(catch_ups)s::text[], %(skip_if_running)s::bool[], %(next_ticks)s::timestamptz[]
) AS d(
    name, task_name, cron, every_s, timezone, queue_name, priority, catch_up, skip_if_running,
    next_tick_at
)
ON CONFLICT (name) DO UPDATE SET
    task_name = EXCLUDED.task_name,
    cron = EXCLUDED.cron,
    every_s = EXCLUDED.every_s,
    timezone = EXCLUDED.timezone,
    queue_name = EXCLUDED.queue_name,
    priority = EXCLUDED.priority,
    catch_up = EXCLUDED.catch_up,
    skip_if_running = EXCLUDED.skip_if_running,
    next_tick_at = CASE
        WHEN (s.cron, s.every_s, s.timezone) IS DISTINCT FROM
             (EXCLUDED.cron, EXCLUDED.every_s, EXCLUDED.timezone)
        THEN EXCLUDED.next_tick_at
        ELSE s.next_tick_at
    END,
    updated_at = EXCLUDED.updated_at
WHERE (s.task_name, s.cron, s.every_s, s.timezone, s.queue_name, s.priority, s.catch_up,
       s.skip_if_running)
      IS DISTINCT FROM
      (EXCLUDED.task_name, EXCLUDED.cron, EXCLUDED.every_s, EXCLUDED.timezone,
       EXCLUDED.queue_name, EXCLUDED.priority, EXCLUDED.catch_up, EXCLUDED.skip_if_running);

-- name: schedule_clocks --
-- The clocks of a scheduler's schedules and, for those enabled and due that must not overlap
-- (`checked`), the status of their latest run (the dtq_task_schedule_tick index, backwards).
SELECT s.name, s.enabled, s.next_tick_at, latest.status
FROM django_task_queue_schedule s
LEFT JOIN LATERAL (
    SELECT t.status
    FROM django_task_queue_task t
    WHERE s.enabled AND s.name = ANY(%(checked)s::text[]) AND s.next_tick_at <= %(now)s
      AND t.schedule_name = s.name
    ORDER BY t.scheduled_for DESC
    LIMIT 1
) latest ON true
WHERE s.name = ANY(%(names)s::text[]);

-- name: enqueue_ticks --
-- A scheduler's pass, in one statement: advance the clock of each due schedule that no other
-- scheduler has advanced (it still reads what this one read) or is advancing (its row is
-- locked: skipped, not waited for, so that passes never queue up or deadlock), and insert the
-- tasks of the ticks of those advanced; a row marked `forced` (run now) is inserted anyway.
-- The unique index on (schedule_name, scheduled_for) is the last guard: a tick already made
-- inserts nothing, and the clock still moves on.
WITH due AS (
    SELECT *
    FROM unnest(
        %(names)s::text[], %(expected)s::timestamptz[], %(next_ticks)s::timestamptz[],
        %(last_ticks)s::timestamptz[], %(skipped)s::int[], %(lag_ticks)s::timestamptz[]
    ) AS d(name, expected, next_tick_at, last_tick_at, skipped, lag_tick)
),
locked AS (
    SELECT s.name
    FROM django_task_queue_schedule s
    JOIN due d ON d.name = s.name AND s.next_tick_at = d.expected
    WHERE s.enabled
    ORDER BY s.name
    FOR UPDATE OF s SKIP LOCKED
),
advanced AS (
    UPDATE django_task_queue_schedule s
    SET next_tick_at = d.next_tick_at,
        last_tick_at = COALESCE(d.last_tick_at, s.last_tick_at),
        skipped_ticks = s.skipped_ticks + d.skipped,
        last_lag_s = COALESCE(
            EXTRACT(EPOCH FROM clock_timestamp() - d.lag_tick)::float8, s.last_lag_s
        ),
        updated_at = %(now)s
    FROM due d
    WHERE s.name = d.name AND s.name IN (SELECT name FROM locked)
    RETURNING s.name
)
INSERT INTO django_task_queue_task (
    id, task_name, args, kwargs, priority, queue_name, status, retry_count, max_retries,
    retry_delay, retry_backoff, timeout, attempt, created_at, updated_at, schedule_name,
    scheduled_for
)
SELECT t.id, t.task_name, t.args::jsonb, t.kwargs::jsonb, t.priority, t.queue_name, 'pending', 0,
       t.max_retries, t.retry_delay, t.retry_backoff, t.timeout, 0, %(now)s, %(now)s,
       t.schedule_name, t.scheduled_for
FROM unnest(
    %(ids)s::uuid[], %(schedule_names)s::text[], %(scheduled_fors)s::timestamptz[],
    %(forced)s::bool[], %(task_names)s::text[], %(args)s::text[], %(kwargs)s::text[],
    %(priorities)s::smallint[], %(queue_names)s::text[], %(max_retries)s::int[],
    %(retry_delays)s::float8[], %(retry_backoffs)s::bool[], %(timeouts)s::float8[]
) WITH ORDINALITY AS t(
    id, schedule_name, scheduled_for, forced, task_name, args, kwargs, priority, queue_name,
    max_retries, retry_delay, retry_backoff, timeout, ord
)
WHERE t.forced OR t.schedule_name IN (SELECT name FROM advanced)
ORDER BY t.ord
ON CONFLICT (schedule_name, scheduled_for) WHERE schedule_name IS NOT NULL DO NOTHING
RETURNING id, seq;

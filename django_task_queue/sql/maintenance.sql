-- The maintenance loops' SQL beyond the hot path's (services/recovery.py), looked up by name.

-- name: reconcile_lock --
-- One reconciler at a time across all hosts: a session lock, taken without waiting.
SELECT pg_try_advisory_lock(%(lock_id)s);

-- name: reconcile_unlock --
SELECT pg_advisory_unlock(%(lock_id)s);

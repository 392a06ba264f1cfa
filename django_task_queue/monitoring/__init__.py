"""The read side: statistics and their rollup, queue status, workers, failures and health, as the
API, the admin, /metrics and the management commands report them. Nothing here writes but the
rollup's fold, which the supervisor runs as a maintenance loop."""

"""Workers: the loop and its decisions, the slot and executor, the outcome recorder, the lease
keeper and heartbeat, the supervisor of worker processes, and maintenance."""

"""Workers: the claim loop, the executor, the supervisor of worker processes, and maintenance."""

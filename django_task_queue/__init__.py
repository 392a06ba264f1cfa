"""django-task-queue: a durable task queue for Django on PostgreSQL (truth) and Redis (dispatch)."""

"""A minimal Django project for Django's task framework with the django-tasks-db backend."""

import os
from urllib.parse import urlparse

_db = urlparse(os.environ["BENCH_DATABASE_URL"])

SECRET_KEY = "bench-only"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = ["django_tasks_db"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username or "root",
        "HOST": _db.hostname or "127.0.0.1",
        "PORT": _db.port or 5432,
        "CONN_MAX_AGE": 600,
    }
}
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": [os.environ.get("BENCH_QUEUE", "bench")],
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

"""Settings of the example project that hosts django_task_queue; configured from the environment."""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_flag(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_flag("DJANGO_DEBUG", default=True)
# The fallback key only serves local development; with DEBUG off DJANGO_SECRET_KEY is required.
_DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: DJANGO_DEBUG is off.")
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_task_queue",
    "tasks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/taskqueue"),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
# Behind a pooler in transaction mode (PgBouncer's pool_mode = transaction) a session lives only
# for a transaction: nothing may be prepared for later (PgBouncer before 1.21 cannot keep
# prepared statements) and no cursor may outlive its transaction (docs/deployment.md).
TRANSACTION_POOLING = _env_flag("DATABASE_TRANSACTION_POOLING", default=False)
if TRANSACTION_POOLING:
    DATABASES["default"]["OPTIONS"] = {"prepare_threshold": None}
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The dashboard's built assets (client/dist) are served from the site root by WhiteNoise.
DASHBOARD_DIST_DIR = BASE_DIR / "client" / "dist"
WHITENOISE_ROOT = DASHBOARD_DIST_DIR if DASHBOARD_DIST_DIR.is_dir() else None

CORS_ALLOWED_ORIGINS = [
    origin
    for origin in os.environ.get(
        "CORS_ALLOWED_ORIGINS", "http://localhost:5173,http://127.0.0.1:5173"
    ).split(",")
    if origin
]
CORS_ALLOW_CREDENTIALS = True
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["django_task_queue.api.permissions.TaskQueuePermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "django_task_queue.api.errors.envelope_exception_handler",
    "DEFAULT_PARSER_CLASSES": ["django_task_queue.api.parsers.BoundedJSONParser"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "django-task-queue API",
    "DESCRIPTION": "Produce and monitor tasks of django-task-queue.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

TASK_QUEUE = {
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    "KEY_PREFIX": os.environ.get("TASK_QUEUE_KEY_PREFIX", "dtq"),
    "TASK_MODULES": [
        "tasks.sample_tasks",
        *filter(None, os.environ.get("TASK_QUEUE_TASK_MODULES", "").split(",")),
    ],
    # Local development leaves the API open so the seed's curl examples work as written.
    "API_OPEN": _env_flag("TASK_QUEUE_API_OPEN", default=DEBUG),
    # A periodic task to watch in the dashboard: every run_worker runs the scheduler, and each
    # minute becomes one task however many run (docs/schedules.md).
    "SCHEDULES": {"example-heartbeat": {"task": "record_heartbeat", "cron": "* * * * *"}},
}

if TRANSACTION_POOLING:
    TASK_QUEUE["PREPARE_STATEMENTS"] = False
if os.environ.get("REDIS_SENTINELS"):
    # host:port,host:port: the master they name; REDIS_URL then gives the database and password.
    TASK_QUEUE["REDIS_SENTINELS"] = os.environ["REDIS_SENTINELS"]
    TASK_QUEUE["REDIS_SENTINEL_MASTER"] = os.environ.get("REDIS_SENTINEL_MASTER", "mymaster")
if _env_flag("REDIS_CLUSTER", default=False):
    # REDIS_URL names any node of a Redis Cluster.
    TASK_QUEUE["REDIS_CLUSTER"] = True

# Tests and benchmarks tune the queue of worker subprocesses with a JSON object of overrides.
TASK_QUEUE.update(json.loads(os.environ.get("TASK_QUEUE_OVERRIDES", "{}")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"django_task_queue": {"handlers": ["console"], "level": "INFO"}},
}
TEST_RUNNER = "config.test_runner.PytestRunner"

# Django's own task API (`django.tasks`) on this queue: see docs/django-tasks.md.
TASKS = {
    "default": {
        "BACKEND": "django_task_queue.backends.TaskQueueBackend",
        "QUEUES": ["default", "high_priority"],
    },
    "retrying": {
        "BACKEND": "django_task_queue.backends.TaskQueueBackend",
        "QUEUES": ["default"],
        "OPTIONS": {"max_retries": 2, "retry_delay": 0},
    },
}

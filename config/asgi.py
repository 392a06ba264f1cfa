"""ASGI entry point for the production server (gunicorn with uvicorn workers).

An open event stream (GET /api/events/) is a coroutine of Django's ASGI handler: thousands cost
no thread. Every other request goes to Django's WSGI handler on a fixed pool of threads
(config/wsgi_bridge.py), which keep their database connections from one request to the next:
Django's ASGI handler would run each request's synchronous code (all of DRF) on a thread of its
own, opening a connection per request (measured: 4 times slower enqueues; docs/decisions.md).
"""

import os
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

from config.wsgi_bridge import BufferedWSGI
from django_task_queue.conf import get_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

streams = get_asgi_application()
wsgi = get_wsgi_application()
# Well above the application's own limits, which answer first with their own message.
largest_body = max(get_settings().API_MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
requests = BufferedWSGI(
    wsgi, threads=int(os.environ.get("WEB_THREADS", "2")), max_body_bytes=4 * largest_body
)
STREAMING_PATHS = frozenset({"/api/events/"})


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"] in STREAMING_PATHS:
        await streams(scope, receive, send)
    else:
        await requests(scope, receive, send)


# The URLconf imports every view: done here, not in each worker's first request, and once for
# all workers when gunicorn loads the application before it forks them (config/gunicorn.py).
import_module(settings.ROOT_URLCONF)

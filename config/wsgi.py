"""WSGI entry point for production servers (gunicorn)."""

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# The URLconf imports every view: done here, not in each worker's first request, and once for
# all workers when gunicorn loads the application before it forks them (config/gunicorn.py).
import_module(settings.ROOT_URLCONF)

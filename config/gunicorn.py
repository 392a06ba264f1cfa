"""The web server's settings: `gunicorn -c python:config.gunicorn config.asgi:application`.

`make run` (scripts/run_stack.py), the Dockerfile, docker-compose.yml, the dashboard's end-to-end
run and the benchmark's API server all start gunicorn with this module; docs/decisions.md says
why these values. WEB_CONCURRENCY sets the processes, WEB_THREADS the threads of each that serve
the API's requests (config/asgi.py); event streams take none.
"""

import os

# ASGI (uvicorn's event loop, with uvloop and httptools): an open event stream costs no thread.
worker_class = "uvicorn_worker.UvicornWorker"
# Sized for 2 cores: two processes of two request threads each (more threads per process spend
# the cores contending for the GIL).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "2"))
# Django is set up and every view imported once, before the fork: workers start ready to serve
# and share that memory (config/asgi.py imports the URLconf).
preload_app = True

"""The view that serves the dashboard's single-page application."""

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe


@require_safe
@ensure_csrf_cookie
def dashboard_index(request: HttpRequest) -> HttpResponse:
    """index.html of the built dashboard; a plain page saying how to build it when it is missing."""
    dist = Path(getattr(settings, "DASHBOARD_DIST_DIR", ""))
    index = dist / "index.html"
    if index.is_file():
        return HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
    return HttpResponse(
        "<!doctype html><title>django-task-queue</title>"
        "<p>The dashboard is not built. Run <code>make run</code> (or "
        "<code>cd client &amp;&amp; npm ci &amp;&amp; npm run build</code>). "
        'The API is at <a href="/api/">/api/</a>.</p>',
        status=503,
        content_type="text/html; charset=utf-8",
    )

"""The URLconf the OpenAPI schema describes: the API alone, at /api/ as the host project mounts it.

The host project's other views (the admin, /metrics, the dashboard) are not part of the contract.
"""

from django.urls import URLResolver, include, path

urlpatterns: list[URLResolver] = [path("api/", include("django_task_queue.api.urls"))]

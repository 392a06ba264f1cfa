"""URLs of the example project: the admin, the task queue API, /metrics and the dashboard."""

from django.contrib import admin
from django.urls import include, path

from django_task_queue.metrics.views import metrics_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("django_task_queue.api.urls")),
    path("metrics", metrics_view, name="dtq-metrics"),
    path("", include("django_task_queue.dashboard_urls")),
]

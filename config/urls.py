"""URLs of the example project: the admin, the task queue API and the dashboard."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("django_task_queue.api.urls")),
    path("", include("django_task_queue.dashboard_urls")),
]

"""Serves the built dashboard's index.html for every client-side route."""

from django.urls import URLPattern, re_path

from django_task_queue.dashboard import dashboard_index

urlpatterns: list[URLPattern] = [
    re_path(r"^(?!api/|admin/|static/|metrics).*$", dashboard_index, name="dashboard"),
]

"""Routes of the REST API (mounted at /api/ by the host project)."""

from django.urls import URLPattern, URLResolver, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from django_task_queue.api.views import (
    auth,
    events,
    fallback,
    monitoring,
    queues,
    schedules,
    tasks,
    workflows,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("tasks/", tasks.TaskCollectionView.as_view(), name="dtq-tasks"),
    path("tasks/bulk/", tasks.BulkTaskCreateView.as_view(), name="dtq-tasks-bulk"),
    path("tasks/<uuid:pk>/", tasks.TaskDetailView.as_view(), name="dtq-task"),
    path("tasks/<uuid:pk>/retry/", tasks.TaskRetryView.as_view(), name="dtq-task-retry"),
    path("tasks/<uuid:pk>/cancel/", tasks.TaskCancelView.as_view(), name="dtq-task-cancel"),
    path("queues/", queues.QueueListView.as_view(), name="dtq-queues"),
    path("queues/<str:name>/pause/", queues.QueuePauseView.as_view(), name="dtq-queue-pause"),
    path("queues/<str:name>/resume/", queues.QueueResumeView.as_view(), name="dtq-queue-resume"),
    path("workflows/", workflows.WorkflowCollectionView.as_view(), name="dtq-workflows"),
    path("workflows/<uuid:pk>/", workflows.WorkflowDetailView.as_view(), name="dtq-workflow"),
    path(
        "workflows/<uuid:pk>/cancel/",
        workflows.WorkflowCancelView.as_view(),
        name="dtq-workflow-cancel",
    ),
    path("schedules/", schedules.ScheduleCollectionView.as_view(), name="dtq-schedules"),
    path("schedules/<str:name>/", schedules.ScheduleDetailView.as_view(), name="dtq-schedule"),
    path(
        "schedules/<str:name>/pause/",
        schedules.SchedulePauseView.as_view(),
        name="dtq-schedule-pause",
    ),
    path(
        "schedules/<str:name>/resume/",
        schedules.ScheduleResumeView.as_view(),
        name="dtq-schedule-resume",
    ),
    path("schedules/<str:name>/run/", schedules.ScheduleRunView.as_view(), name="dtq-schedule-run"),
    path("events/", events.events, name="dtq-events"),
    path("stats/", monitoring.StatsView.as_view(), name="dtq-stats"),
    path("failures/", monitoring.FailuresView.as_view(), name="dtq-failures"),
    path("workers/", monitoring.WorkersView.as_view(), name="dtq-workers"),
    path("task-functions/", monitoring.TaskFunctionsView.as_view(), name="dtq-task-functions"),
    path("health/", monitoring.HealthView.as_view(), name="dtq-health"),
    path("auth/me/", auth.MeView.as_view(), name="dtq-auth-me"),
    path("auth/login/", auth.LoginView.as_view(), name="dtq-auth-login"),
    path("auth/logout/", auth.LogoutView.as_view(), name="dtq-auth-logout"),
    path(
        "schema/",
        SpectacularAPIView.as_view(urlconf="django_task_queue.api.schema_urls"),
        name="dtq-schema",
    ),
    path("docs/", SpectacularSwaggerView.as_view(url_name="dtq-schema"), name="dtq-docs"),
    # Last: any other path answers 404 in the envelope.
    re_path(r"^.*$", fallback.NotFoundView.as_view(), name="dtq-not-found"),
]

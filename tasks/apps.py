"""The example project's app that holds its task functions."""

from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"

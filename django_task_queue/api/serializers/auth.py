"""Who is calling: the session user, and the login body."""

from __future__ import annotations

from rest_framework import serializers

from django_task_queue.api.fields import StrictCharField
from django_task_queue.api.serializers.tasks import StrictBodySerializer


class MeSerializer(serializers.Serializer[object]):
    authenticated = serializers.BooleanField()
    username = serializers.CharField(allow_null=True)
    can_write = serializers.BooleanField(help_text="May create, retry and cancel tasks.")
    auth_required = serializers.BooleanField(help_text="False while TASK_QUEUE['API_OPEN'].")


class LoginSerializer(StrictBodySerializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=4096, trim_whitespace=False)

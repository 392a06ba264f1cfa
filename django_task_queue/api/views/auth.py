"""Session authentication for the dashboard: who am I, log in, log out."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import AnonymousUser
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from django_task_queue.api.permissions import can_write
from django_task_queue.api.serializers.auth import LoginSerializer, MeSerializer
from django_task_queue.api.serializers.envelope import ErrorEnvelopeSerializer, envelope
from django_task_queue.api.views.base import BODY_ERRORS, ApiView, ok
from django_task_queue.conf import get_settings


def me(request: Request) -> dict[str, object]:
    user = request.user
    authenticated = bool(user and user.is_authenticated)
    return MeSerializer(
        {
            "authenticated": authenticated,
            "username": user.get_username() if authenticated else None,
            "can_write": can_write(request),
            "auth_required": not get_settings().API_OPEN,
        }
    ).data


class MeView(ApiView):
    permission_classes = [AllowAny]  # noqa: RUF012  (anyone may ask who they are)

    # The dashboard reads the CSRF cookie set here before its first unsafe request.
    @method_decorator(ensure_csrf_cookie)
    @extend_schema(summary="The calling user", responses={200: envelope(MeSerializer)})
    def get(self, request: Request) -> Response:
        return ok(me(request))


class LoginView(ApiView):
    permission_classes = [AllowAny]  # noqa: RUF012  (logging in is how one gets permission)

    @extend_schema(
        summary="Log in with a session (send the csrftoken cookie's value as X-CSRFToken)",
        request=LoginSerializer,
        responses={200: envelope(MeSerializer), 403: ErrorEnvelopeSerializer, **BODY_ERRORS},
    )
    def post(self, request: Request) -> Response:
        # DRF checks CSRF only for requests already logged in; a forged login is an attack too.
        SessionAuthentication().enforce_csrf(request)
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
        if user is None:
            raise exceptions.ValidationError("The username or password is wrong.")
        login(request._request, user)
        # DRF caches the user it authenticated (anonymous) on its own request object.
        request.user = user
        return ok(me(request))


class LogoutView(ApiView):
    permission_classes = [AllowAny]  # noqa: RUF012  (logging out never needs permission)

    @extend_schema(summary="Log out", request=None, responses={200: envelope(MeSerializer)})
    def post(self, request: Request) -> Response:
        logout(request._request)
        request.user = AnonymousUser()
        return ok(me(request))

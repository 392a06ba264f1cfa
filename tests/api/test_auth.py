"""With API_OPEN false: reading needs a user, writing the add_task permission; session and token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from pytest_django.fixtures import Settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from tests.api.conftest import body, set_task_queue

TASK = {"task_name": "add_numbers", "args": [1, 2]}
PASSWORD = "correct horse battery"


@pytest.fixture
def closed_api(settings: Settings) -> None:
    set_task_queue(settings, API_OPEN=False)
    # The production hasher is slow on purpose; these tests hash a dozen passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def user(name: str, *, writer: bool = False) -> User:
    account = User.objects.create_user(name, password=PASSWORD)
    if writer:
        account.user_permissions.add(Permission.objects.get(codename="add_task"))
    return account


def token_client(account: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=account).key}")
    return client


pytestmark = pytest.mark.usefixtures("closed_api")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/tasks/", "/api/stats/", "/api/workers/", "/api/health/"])
def test_anonymous_reads_are_refused(api: APIClient, path: str) -> None:
    response = api.get(path)

    assert response.status_code in {401, 403}
    assert body(response)["success"] is False


@pytest.mark.django_db
def test_anonymous_writes_are_refused_and_create_nothing(api: APIClient) -> None:
    response = api.post("/api/tasks/", TASK, format="json")

    assert response.status_code in {401, 403}
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_a_user_without_the_permission_may_read_but_not_create(api: APIClient) -> None:
    client = token_client(user("reader"))

    assert client.get("/api/tasks/").status_code == 200
    response = client.post("/api/tasks/", TASK, format="json")

    assert response.status_code == 403
    assert Task.objects.count() == 0


def test_a_token_with_the_permission_may_create(stores: Broker) -> None:
    client = token_client(user("writer", writer=True))

    response = client.post("/api/tasks/", TASK, format="json")

    assert response.status_code == 201


@pytest.mark.django_db
def test_a_wrong_token_is_refused(api: APIClient) -> None:
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api.get("/api/tasks/")

    # 403, not 401: DRF answers with the first authenticator's scheme, and sessions have none.
    assert response.status_code in {401, 403}
    assert body(response)["message"] == "Invalid token."
    assert body(response)["success"] is False


@pytest.mark.django_db
def test_me_tells_an_anonymous_caller_that_auth_is_required(api: APIClient) -> None:
    response = api.get("/api/auth/me/")

    assert response.status_code == 200
    assert body(response)["data"] == {
        "authenticated": False, "username": None, "can_write": False, "auth_required": True,
    }  # fmt: skip
    assert "csrftoken" in response.cookies


@pytest.mark.django_db
def test_session_login_then_me_then_logout() -> None:
    user("writer", writer=True)
    client = APIClient(enforce_csrf_checks=True)
    csrf = client.get("/api/auth/me/").cookies["csrftoken"].value

    login = client.post(
        "/api/auth/login/", {"username": "writer", "password": PASSWORD}, format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )  # fmt: skip

    assert login.status_code == 200, login.content
    assert body(login)["data"]["username"] == "writer"
    assert body(login)["data"]["can_write"] is True
    assert client.get("/api/tasks/").status_code == 200
    csrf = client.cookies["csrftoken"].value
    assert client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=csrf).status_code == 200
    assert client.get("/api/tasks/").status_code in {401, 403}


@pytest.mark.django_db
def test_login_without_the_csrf_header_is_refused() -> None:
    user("writer")
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/auth/me/")

    response = client.post(
        "/api/auth/login/", {"username": "writer", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 403
    assert "CSRF" in body(response)["message"]


@pytest.mark.django_db
def test_bad_credentials_are_a_400(api: APIClient) -> None:
    user("writer")

    response = api.post("/api/auth/login/", {"username": "writer", "password": "no"}, format="json")

    assert response.status_code == 400
    assert body(response)["success"] is False


def test_a_session_write_without_the_csrf_header_is_refused(stores: Broker) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user("writer", writer=True))

    refused = client.post("/api/tasks/", TASK, format="json")
    csrf = client.get("/api/auth/me/").cookies["csrftoken"].value
    accepted = client.post("/api/tasks/", TASK, format="json", HTTP_X_CSRFTOKEN=csrf)

    assert refused.status_code == 403
    assert accepted.status_code == 201
    assert Task.objects.count() == 1

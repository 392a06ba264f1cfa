"""docker-compose.yml keeps the seed's contract (no Docker engine needed: the file is parsed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"django", "worker-default", "redis", "postgres"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = compose["services"]
    return found


def _command(service: dict[str, Any]) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def _depends_on(service: dict[str, Any]) -> set[str]:
    return set(service.get("depends_on", {}))


def test_the_four_services_of_the_seed_are_defined(services: dict[str, Any]) -> None:
    assert set(services) == SERVICES


def test_the_worker_runs_three_workers_on_the_default_queue_and_restarts(
    services: dict[str, Any],
) -> None:
    worker = services["worker-default"]

    assert _command(worker) == (
        "python manage.py run_worker --queue=default --workers=3 --log-level=INFO"
    )
    assert worker["restart"] == "unless-stopped"
    assert _depends_on(worker) == {"redis", "postgres", "django"}


def test_the_web_service_migrates_then_serves_with_gunicorn(services: dict[str, Any]) -> None:
    command = _command(services["django"])

    assert "runserver" not in command
    migrate = command.index("manage.py migrate --no-input")
    server = command.index("gunicorn --config python:config.gunicorn config.asgi:application")
    assert migrate < server
    # `&&`: a failed migration stops the server from starting on an old schema.
    assert "&&" in command[migrate:server]
    assert "--bind 0.0.0.0:8000" in command
    assert _depends_on(services["django"]) >= {"redis", "postgres"}


def test_every_service_has_a_healthcheck(services: dict[str, Any]) -> None:
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_dependencies_wait_for_health_so_the_worker_starts_after_migrations(
    services: dict[str, Any],
) -> None:
    for name in ("django", "worker-default"):
        for dependency, condition in services[name]["depends_on"].items():
            assert condition == {"condition": "service_healthy"}, f"{name} -> {dependency}"


@pytest.mark.parametrize(
    ("service", "port"), [("django", 8000), ("redis", 6379), ("postgres", 5432)]
)
def test_ports_match_the_readme(services: dict[str, Any], service: str, port: int) -> None:
    published = [str(mapping) for mapping in services[service]["ports"]]

    assert any(re.fullmatch(rf"(?:[\d.]+:)?{port}:{port}", p) for p in published), published


def test_the_app_reaches_the_stores_by_their_service_names(services: dict[str, Any]) -> None:
    postgres_env = services["postgres"]["environment"]
    user, password, db = (
        postgres_env["POSTGRES_USER"],
        postgres_env["POSTGRES_PASSWORD"],
        postgres_env["POSTGRES_DB"],
    )

    for name in ("django", "worker-default"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"] == f"postgres://{user}:{password}@postgres:5432/{db}"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["DJANGO_DEBUG"] == "false"
        assert env["DJANGO_SECRET_KEY"]
        assert env["DJANGO_ALLOWED_HOSTS"]


def test_postgres_keeps_its_data_in_a_volume(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    volume = services["postgres"]["volumes"][0].split(":")[0]

    assert volume in compose["volumes"]


def test_the_image_installs_from_the_lock_and_builds_the_dashboard() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "FROM python:3.12-slim" in dockerfile
    assert re.search(r"pip install [^\n]*uv", dockerfile)
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "npm ci" in dockerfile
    assert "npm run build" in dockerfile
    assert "COPY --from=dashboard /client/dist ./client/dist" in dockerfile
    assert "runserver" not in dockerfile

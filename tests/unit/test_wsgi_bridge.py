"""The web server's bridge from ASGI to Django's WSGI handler (config/wsgi_bridge.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from config.wsgi_bridge import BufferedWSGI

SEEN_KEYS = (
    "REQUEST_METHOD",
    "PATH_INFO",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "HTTP_AUTHORIZATION",
    "HTTP_COOKIE",
    "HTTP_X_TAG",
    "SERVER_NAME",
    "SERVER_PORT",
    "REMOTE_ADDR",
    "wsgi.url_scheme",
)


class _Closing:
    """A WSGI result that records its close(), as Django's response does."""

    closed = False

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        _Closing.closed = True


def _echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    seen = {key: environ.get(key) for key in SEEN_KEYS}
    seen["body"] = environ["wsgi.input"].read().decode()
    start_response("201 Created", [("Content-Type", "application/json"), ("X-Reply", "yes")])
    payload = json.dumps(seen).encode()
    return _Closing([payload[:10], payload[10:]])


def _serve(scope: dict[str, Any], bodies: list[bytes]) -> list[dict[str, Any]]:
    bridge = BufferedWSGI(_echo, threads=1, max_body_bytes=100)
    incoming = [
        {"type": "http.request", "body": body, "more_body": index < len(bodies) - 1}
        for index, body in enumerate(bodies)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(bridge(scope, receive, send))
    return sent


def _scope(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/tasks/",
        "query_string": b"wait=1",
        "root_path": "",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.2", 5555),
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", b"18"),
            (b"authorization", b"Token abc"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
            (b"x-tag", b"one"),
            (b"x-tag", b"two"),
        ],
        **overrides,
    }


def test_a_request_reaches_the_wsgi_application_as_a_wsgi_server_would_pass_it() -> None:
    _, body = _serve(_scope(), [b'{"task_name":', b' "x"}'])

    seen = json.loads(body["body"])
    assert seen == {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/tasks/",
        "QUERY_STRING": "wait=1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "18",
        "HTTP_AUTHORIZATION": "Token abc",
        "HTTP_COOKIE": "a=1; b=2",
        "HTTP_X_TAG": "one,two",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.2",
        "wsgi.url_scheme": "http",
        "body": '{"task_name": "x"}',
    }


def test_the_response_goes_back_whole_with_its_status_and_headers_and_the_result_is_closed() -> (
    None
):
    _Closing.closed = False

    start, body = _serve(_scope(method="GET", headers=[]), [b""])

    assert start == {
        "type": "http.response.start",
        "status": 201,
        "headers": [(b"content-type", b"application/json"), (b"x-reply", b"yes")],
    }
    assert body["type"] == "http.response.body"
    assert json.loads(body["body"])["REQUEST_METHOD"] == "GET"
    assert _Closing.closed


def test_a_non_ascii_path_is_passed_as_wsgi_latin_1() -> None:
    _, body = _serve(_scope(path="/api/tasks/é/"), [b""])

    assert json.loads(body["body"])["PATH_INFO"] == "/api/tasks/é/".encode().decode("latin-1")


def test_a_body_past_the_limit_is_refused_before_the_application_sees_it() -> None:
    start, body = _serve(_scope(), [b"x" * 60, b"y" * 60])

    assert start["status"] == 413
    assert b"too large" in body["body"]

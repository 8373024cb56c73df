"""The worker command, ``serve --with-worker``, and the ASGI upload-size guard."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from typer.testing import CliRunner

from lacrima.cli import app
from lacrima.cli.worker import worker_alongside
from lacrima.web.records.asgi import UploadLimitMiddleware


def test_worker_command_is_documented() -> None:
    result = CliRunner().invoke(app, ["worker", "--help"])
    assert result.exit_code == 0
    assert "analyses uploaded recordings" in result.output and "Example:" in result.output


def test_serve_starts_a_worker_unless_told_not_to() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--with-worker" in result.output and "--no-worker" in result.output


def test_worker_alongside_can_be_off() -> None:
    with worker_alongside(False) as proc:
        assert proc is None


def _run(app_: Any, headers: list[tuple[bytes, bytes]]) -> tuple[list[dict[str, Any]], bool]:
    sent: list[dict[str, Any]] = []
    reached = False

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        nonlocal reached
        reached = True

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/records/s/1/uploads/", "headers": headers}
    # A thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app_(inner)(scope, receive, send)).result()
    return sent, reached


@pytest.mark.parametrize(
    ("length", "refused"), [(b"1000", False), (b"99999999999", True), (b"nonsense", False)]
)
def test_asgi_guard_refuses_bodies_over_the_limit(
    settings: Any, length: bytes, refused: bool
) -> None:
    settings.LACRIMA_MAX_UPLOAD_MB = 10
    sent, reached = _run(UploadLimitMiddleware, [(b"content-length", length)])
    assert reached is not refused
    if refused:
        assert sent[0]["status"] == 413
        assert b"larger than the limit of 10 MB" in sent[1]["body"]

"""An ASGI guard that refuses request bodies over the upload limit before Django reads them.

Under ASGI, Django reads the whole request body (into a temporary file) before any view
or upload handler runs, so an upload over ``LACRIMA_MAX_UPLOAD_MB`` would fill the disk
before :class:`~lacrima.web.records.storage.LimitedDiskUploadHandler` could refuse it.
This wrapper answers such requests with 413 and a plain message as soon as their
``Content-Length`` shows it, without reading the body. (Under WSGI and in tests the
upload handler does the same job while it streams.)

``lacrima.web.asgi`` wraps the Django application with it::

    application = UploadLimitMiddleware(get_asgi_application())
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["UploadLimitMiddleware"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Room for the form fields and multipart boundaries around the files.
SLACK_BYTES = 1024 * 1024


class UploadLimitMiddleware:
    """Answer 413 to any request whose declared body is over the upload limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, unless its Content-Length is over the limit."""
        if scope.get("type") == "http" and self._too_large(scope):
            await self._refuse(send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _too_large(scope: Scope) -> bool:
        from lacrima.web.records.storage import max_upload_bytes

        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                try:
                    return int(value) > max_upload_bytes() + SLACK_BYTES
                except ValueError:
                    return False
        return False

    @staticmethod
    async def _refuse(send: Send) -> None:
        from lacrima.web.records.storage import too_large_error

        text = html.escape(str(too_large_error()))
        body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Upload too large · Lacrima</title></head><body><main>"
            f"<h1>Upload too large</h1><p>{text}</p>"
            "<p>Go back to the previous page to choose another file.</p></main></body></html>"
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

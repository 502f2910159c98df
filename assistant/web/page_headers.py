"""Security headers on every response, and no uploads through Gradio's upload route.

A pure ASGI middleware rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs every streamed
response (each answer's event stream) through a task group and a memory stream, and Gradio's frequent
`request.is_disconnected()` checks through a wrapped receive of its own. Under load on two cores that bookkeeping
took more of the event loop than the answers did (docs/performance.md).
"""

from __future__ import annotations

import json
from typing import Any

UPLOAD_ROUTE = "/gradio_api/upload"
_SET_BY_US = {b"content-security-policy", b"x-content-type-options", b"referrer-policy"}


class PageHeaders:
    """`csp` for the visitor page and API, `admin_csp` for the staff console (which nobody may frame)."""

    def __init__(self, app: Any, csp: str, admin_csp: str) -> None:
        self.app = app
        common = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
        self.page_headers = [(b"content-security-policy", csp.encode("latin-1")), *common]
        self.admin_headers = [(b"content-security-policy", admin_csp.encode("latin-1")), *common]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        ours = self.admin_headers if path.startswith("/admin") else self.page_headers

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _SET_BY_US]
                message = {**message, "headers": kept + ours}
            await send(message)

        # The visitor page has no file input, so nothing may be uploaded through Gradio's upload route: refused
        # before the body is read, so nothing reaches the disk.
        if path.rstrip("/").endswith(UPLOAD_ROUTE):
            payload = json.dumps({"error": "uploads are not accepted by this page"}).encode()
            await send_with_headers({"type": "http.response.start", "status": 403,
                                     "headers": [(b"content-type", b"application/json"),
                                                 (b"content-length", str(len(payload)).encode())]})
            await send_with_headers({"type": "http.response.body", "body": payload})
            return
        await self.app(scope, receive, send_with_headers)

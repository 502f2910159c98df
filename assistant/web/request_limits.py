"""Request bodies a public widget accepts: bounded size and JSON nesting, refused with a clear 413/400.

A pure ASGI middleware: the body is read (at most `max_bytes` + 1 bytes) before the app sees it, so an oversize
request is refused without being stored, and the app then reads the same bytes. JSON nesting is checked by a scan
that skips string contents, before any parser recurses into it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

BODY_METHODS = {"POST", "PUT", "PATCH"}


def json_depth(body: bytes) -> int:
    """The deepest nesting of [ and { in a JSON text (characters inside strings don't count)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        ch = chr(byte)
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


class BodyLimits:
    """`door(scope, body)` is asked about every request to join the answer queue; a message it returns refuses it
    with 429 before it takes a place in the queue."""

    def __init__(self, app: Any, max_bytes: int, max_depth: int,
                 door: Callable[[dict, bytes], str | None] | None = None,
                 streamed: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.door = door
        # Paths whose bodies (file uploads) go to their route unbuffered, with a declared length up to a limit
        # of their own; the route checks who is asking before it reads them.
        self.streamed = streamed or {}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "")
        streamed_limit = self.streamed.get(scope["path"].rstrip("/"))
        if streamed_limit is not None:
            if not declared.isdigit():
                await _refuse(send, 411, "a file upload must declare its Content-Length")
            elif int(declared) > streamed_limit:
                await _refuse(send, 413, f"upload too large ({declared} bytes, at most {streamed_limit})")
            else:
                await self.app(scope, receive, send)
            return
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(send, 413, f"request body too large ({declared} bytes, at most {self.max_bytes})")
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(send, 413, f"request body too large (more than {self.max_bytes} bytes)")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if "json" in headers.get("content-type", "") and json_depth(body) > self.max_depth:
            await _refuse(send, 400, f"JSON nested too deeply (at most {self.max_depth} levels)")
            return
        if self.door is not None and scope["path"].rstrip("/").endswith("/queue/join"):
            refusal = self.door(scope, body)
            if refusal:
                await _refuse(send, 429, refusal)
                return
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Any, status: int, message: str) -> None:
    payload = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})

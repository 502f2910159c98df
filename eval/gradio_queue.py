"""A light client for Gradio's queue protocol, as the chat page's own JavaScript speaks it.

A call is `POST gradio_api/queue/join` (the inputs, the endpoint's fn_index, the session hash), then the session's
server-sent events from `GET gradio_api/queue/data` until `process_completed` for that event. The session hash is
what ties a conversation together on the server (its `gr.State`), so one hash per visitor.

The load test uses this instead of gradio_client: a gradio_client `Client` opens a new HTTP connection and a
reader thread per call and costs the loopback machine about three times the CPU the server spends on the answer,
so a load test driving it measured mostly itself. All visitors here share one event loop and one connection pool.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

JOIN_PATH = "/gradio_api/queue/join"
DATA_PATH = "/gradio_api/queue/data"


class QueueCallError(RuntimeError):
    """The server turned the call away (queue full, rate limit) or reported an error for it."""


async def endpoint_indexes(client: httpx.AsyncClient, url: str) -> dict[str, int]:
    """api_name -> fn_index, from the app's /config (what the page reads when it loads)."""
    response = await client.get(url.rstrip("/") + "/config")
    response.raise_for_status()
    config = response.json()
    return {d["api_name"]: d.get("id", i) for i, d in enumerate(config["dependencies"]) if d.get("api_name")}


def new_session_hash() -> str:
    return uuid.uuid4().hex[:11]


async def call(client: httpx.AsyncClient, url: str, fn_index: int, data: list[Any], session_hash: str) -> list[Any]:
    """One call of endpoint `fn_index` in `session_hash`'s session: the final output values."""
    base = url.rstrip("/")
    joined = await client.post(base + JOIN_PATH, json={"data": data, "fn_index": fn_index,
                                                       "session_hash": session_hash, "event_data": None,
                                                       "trigger_id": None})
    if joined.status_code != 200:
        raise QueueCallError(f"join refused: HTTP {joined.status_code}: {joined.text[:200]}")
    event_id = joined.json()["event_id"]
    async with client.stream("GET", base + DATA_PATH, params={"session_hash": session_hash}) as stream:
        if stream.status_code != 200:
            raise QueueCallError(f"event stream refused: HTTP {stream.status_code}")
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            kind = message.get("msg")
            if kind == "close_stream":
                break
            if message.get("event_id") != event_id or kind != "process_completed":
                continue  # heartbeats, queue estimates, streamed partial outputs
            output = message.get("output") or {}
            if not message.get("success", True):
                raise QueueCallError(f"the app reported an error: {output.get('error')!r}")
            return list(output.get("data", []))
    raise QueueCallError(f"the event stream closed before event {event_id} completed")

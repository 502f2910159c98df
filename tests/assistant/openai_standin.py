"""A stand-in for an OpenAI-compatible chat endpoint: a real HTTP server on loopback that the LLM tests start.

It speaks the wire format of POST /v1/chat/completions (JSON, or server-sent events when "stream": true) and
behaves as the test sets `mode`:
- "quote": answers by quoting the first sentence of source [1] verbatim, streamed in several chunks;
- "fabricate": one real quote and one invented quote (the invented one must be marked unverified);
- "fabricate_only": only an invented quote (nothing verifiable: the answer must fall back);
- "no_marker": prose with no citation marker (unusable output);
- "empty": an empty reply;
- "no_answer": the model's "sources don't answer this" token;
- "http500": HTTP 500 with an error body;
- "slow": sleeps `delay` seconds before answering (to trigger the client's timeout);
- "condense": for condense requests, returns `condense_reply`.
Every request body is recorded in `requests` so tests can inspect the prompts.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SOURCE = re.compile(r'<source id="(\d+)"[^>]*>\n(.*?)\n</source>', re.S)
_FIRST_SENTENCE = re.compile(r"^(.{8,}?[。;；])", re.S)


class StandinOpenAI:
    def __init__(self, mode: str = "quote", delay: float = 0.0) -> None:
        self.mode = mode
        self.delay = delay
        self.condense_reply: str | None = None
        self.requests: list[dict[str, Any]] = []
        self._server: ThreadingHTTPServer | None = None

    # --- replies -----------------------------------------------------------------------------------
    def reply_text(self, body: dict[str, Any]) -> str:
        messages = body.get("messages", [])
        last = messages[-1]["content"] if messages else ""
        if "<sources>" not in last:  # a condense request
            return self.condense_reply or "那配偶可以随迁吗？"
        sources = {int(n): text for n, text in _SOURCE.findall(last)}
        first = sources.get(1, "")
        m = _FIRST_SENTENCE.match(first.replace("\n", ""))
        sentence = m.group(1) if m else first[:40]
        if self.mode == "fabricate":  # one real quote, one invented one
            return f"Yes. 「{sentence}」[1] Also 「创业人才可以由7年缩短为1年，无需任何条件」[1]"
        if self.mode == "fabricate_only":
            return "Yes. 「创业人才可以由7年缩短为1年，无需任何条件」[1]"
        if self.mode == "no_marker":
            return "Yes, I think you can probably do that, ask someone."
        if self.mode == "empty":
            return ""
        if self.mode == "no_answer":
            return "NO_ANSWER"
        return f"According to the policy: 「{sentence}」[1] See also [2]."

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    # --- server --------------------------------------------------------------------------------------
    def start(self) -> StandinOpenAI:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                standin.requests.append(body)
                if standin.mode == "http500":
                    self._json(500, {"error": {"message": "stand-in internal error", "type": "server_error"}})
                    return
                if standin.mode == "slow":
                    time.sleep(standin.delay)
                text = standin.reply_text(body)
                if body.get("stream"):
                    self._stream(text, body.get("model", "standin"))
                else:
                    self._json(200, _completion(text, body.get("model", "standin")))

            def _json(self, code: int, obj: dict) -> None:
                data = json.dumps(obj, ensure_ascii=False).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, text: str, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                pieces = [text[i:i + 12] for i in range(0, len(text), 12)] or [""]
                for i, piece in enumerate(pieces):
                    delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
                    self._event(_chunk(delta, None, model))
                self._event(_chunk({}, "stop", model))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, obj: dict) -> None:
                self.wfile.write(b"data: " + json.dumps(obj, ensure_ascii=False).encode() + b"\n\n")
                self.wfile.flush()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _completion(text: str, model: str) -> dict:
    return {"id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _chunk(delta: dict, finish: str | None, model: str) -> dict:
    return {"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

"""A STAND-IN for an OpenAI-compatible chat endpoint (not a real LLM): a real HTTP server on loopback that the LLM
tests start, speaking the wire format of POST /v1/chat/completions (JSON, or server-sent events when
"stream": true) and behaving as the test sets `mode`, switchable at run time:
- "ok":             quotes the first sentence of source [1] verbatim with its marker, streamed in several chunks;
- "fabricate":      one real quote and one invented one (the invented one must be marked unverified);
- "fabricate_only": only an invented quote (nothing verifiable: the answer must fall back);
- "wrong_figure":   a real quote, but prose that states figures no source has (7年缩短为1年, 持股2%);
- "no_marker":      prose with no citation marker (unusable output);
- "empty":          an empty reply;
- "no_answer":      the model's "sources don't answer this" token;
- "echo":           everything it received (system prompt included), the way a naive or injected model might;
- "http500":        HTTP 500 with an error body;
- "slow":           waits `slow_s` seconds before answering (longer than settings.llm_timeout_s);
- "broken":         starts a streamed answer, then cuts the connection mid-stream.
A condense request (no <sources>) gets `condense_reply` when set, else the last user turn plus the question.
`stop()` / `start()` on the same port simulate the endpoint going down (connection refused) and coming back.
Every request body is kept in `bodies` so tests can inspect the prompts.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SOURCE_1 = re.compile(r'<source id="1"[^>]*>\n(.*?)\n</source>', re.S)
_SENTENCE = re.compile(r"[^。；;\n]{6,}[。；;]?")
_INVENTED = "「创业人才可以由7年缩短为1年，无需任何条件」[1]"


class StandinLLM:
    """The stand-in endpoint. `base_url` goes into settings.llm_base_url."""

    def __init__(self, port: int = 0, slow_s: float = 4.0) -> None:
        self.mode = "ok"
        self.slow_s = slow_s
        self.condense_reply: str | None = None
        self.bodies: list[dict[str, Any]] = []
        self._lock = threading.Lock()  # handler threads run concurrently
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def requests(self) -> int:
        """How many requests it has received."""
        with self._lock:
            return len(self.bodies)

    @property
    def received(self) -> list[list[dict[str, Any]]]:
        """The messages of every request, in order."""
        with self._lock:
            return [b.get("messages", []) for b in self.bodies]

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def start(self) -> StandinLLM:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
                pass

            def do_POST(self) -> None:  # noqa: N802 (stdlib name)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with standin._lock:
                    standin.bodies.append(body)
                standin._respond(self, body)

        ThreadingHTTPServer.allow_reuse_address = True
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._httpd.daemon_threads = True
        self._port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True, name="standin-llm")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket: new connections are refused (the endpoint is "down")."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    # --- replies -------------------------------------------------------------------------------------------
    def reply_text(self, messages: list[dict[str, Any]]) -> str:
        prompt = "\n".join(str(m.get("content", "")) for m in messages)
        if self.mode == "echo":
            return "\n".join(f"{m.get('role')}: {m.get('content')}" for m in messages)
        if "<sources>" not in prompt:  # the condense prompt
            if self.condense_reply is not None:
                return self.condense_reply
            q = re.search(r"<question>\n(.*?)\n</question>", prompt, re.S)
            users = re.findall(r"^user: (.*)$", prompt, re.M)
            return f"{users[-1]} {q.group(1).strip()}" if q and users else (q.group(1).strip() if q else "NO_ANSWER")
        if self.mode == "no_marker":
            return "Yes, I think you can probably do that, ask someone."
        if self.mode == "empty":
            return ""
        if self.mode == "no_answer":
            return "NO_ANSWER"
        if self.mode == "fabricate_only":
            return f"Yes. {_INVENTED}"
        src = _SOURCE_1.search(prompt)
        if not src:
            return "NO_ANSWER"
        sentence = next((m.group(0).strip() for m in _SENTENCE.finditer(src.group(1))), src.group(1)[:40])
        if self.mode == "fabricate":
            return f"根据所给条款（stand-in LLM）：「{sentence}」[1] 另外 {_INVENTED}"
        if self.mode == "wrong_figure":
            return f"可以由7年缩短为1年，持股只需不低于2%（stand-in LLM）：「{sentence}」[1]"
        return f"根据所给条款（stand-in LLM）：「{sentence}」[1]"

    def _respond(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        mode = self.mode
        if mode == "http500":
            _send_json(h, 500, {"error": {"message": "stand-in: internal error", "type": "server_error"}})
            return
        if mode == "slow":
            time.sleep(self.slow_s)
        text = self.reply_text(body.get("messages", []))
        model = body.get("model", "standin")
        if not body.get("stream"):
            _send_json(h, 200, {
                "id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
            return
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Cache-Control", "no-cache")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        pieces = [text[i:i + 12] for i in range(0, len(text), 12)] or [""]
        for i, piece in enumerate(pieces):
            if mode == "broken" and i == max(1, len(pieces) // 3):
                # Cut the TCP connection mid-stream: no terminating chunk, no [DONE].
                h.wfile.flush()
                h.connection.shutdown(socket.SHUT_RDWR)
                h.close_connection = True
                return
            delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
            _write_chunk(h, _event(_chunk(delta, None, model)))
        _write_chunk(h, _event(_chunk({}, "stop", model)) + b"data: [DONE]\n\n")
        h.wfile.write(b"0\r\n\r\n")
        h.wfile.flush()


def _send_json(h: BaseHTTPRequestHandler, code: int, obj: dict) -> None:
    data = json.dumps(obj, ensure_ascii=False).encode()
    h.send_response(code)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    h.wfile.write(data)


def _chunk(delta: dict, finish: str | None, model: str) -> dict:
    return {"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _event(obj: dict) -> bytes:
    return b"data: " + json.dumps(obj, ensure_ascii=False).encode() + b"\n\n"


def _write_chunk(h: BaseHTTPRequestHandler, data: bytes) -> None:
    h.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    h.wfile.flush()

"""A STAND-IN for an OpenAI-compatible chat endpoint (not a real LLM): a real HTTP server on loopback whose
behaviour the test switches at run time, to prove the fallbacks and the recovery end to end.

Behaviours (`StandinLLM.mode`):
- "ok":     answers like a well-behaved model: quotes the first sentence of source 1 with its marker [1];
- "echo":   replies with everything it received (system prompt included), the way a naive or injected model
            might; a system that forwards model output blindly would leak its prompt and cite fake sources;
- "slow":   waits `slow_s` seconds before answering (longer than settings.llm_timeout_s);
- "error":  HTTP 500;
- "broken": starts a streamed answer, then cuts the connection mid-stream.
`stop()` / `start()` on the same port simulate the endpoint going down (connection refused) and coming back.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SOURCE = re.compile(r'<source id="1"[^>]*>\n(.*?)\n</source>', re.S)
_SENTENCE = re.compile(r"[^。；;\n]{6,}[。；;]?")


def _ok_reply(messages: list[dict[str, Any]]) -> str:
    prompt = "\n".join(str(m.get("content", "")) for m in messages)
    if "<sources>" not in prompt:  # the condense prompt: the question plus the topic of the last user turn
        q = re.search(r"<question>\n(.*?)\n</question>", prompt, re.S)
        users = re.findall(r"^user: (.*)$", prompt, re.M)
        return f"{users[-1]} {q.group(1).strip()}" if q and users else (q.group(1).strip() if q else "NO_ANSWER")
    src = _SOURCE.search(prompt)
    if not src:
        return "NO_ANSWER"
    sentence = next((m.group(0).strip() for m in _SENTENCE.finditer(src.group(1))), src.group(1)[:40])
    return f"根据所给条款（stand-in LLM）：「{sentence}」[1]"


class StandinLLM:
    """The stand-in endpoint. `base_url` goes into settings.llm_base_url; `requests` counts calls."""

    def __init__(self, port: int = 0, slow_s: float = 4.0) -> None:
        self.mode = "ok"
        self.slow_s = slow_s
        self.requests = 0
        self._count_lock = threading.Lock()  # handler threads run concurrently
        self.received: list[list[dict[str, Any]]] = []
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

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
                messages = body.get("messages", [])
                with standin._count_lock:
                    standin.requests += 1
                    standin.received.append(messages)
                standin._respond(self, messages, bool(body.get("stream")))

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
    def _respond(self, h: BaseHTTPRequestHandler, messages: list[dict[str, Any]], stream: bool) -> None:
        mode = self.mode
        if mode == "error":
            payload = b'{"error": {"message": "stand-in: internal error", "type": "server_error"}}'
            h.send_response(500)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            return
        if mode == "slow":
            time.sleep(self.slow_s)
        if mode == "echo":
            text = "\n".join(f"{m.get('role')}: {m.get('content')}" for m in messages)
        else:
            text = _ok_reply(messages)
        if not stream:
            payload = json.dumps({
                "id": "standin", "object": "chat.completion", "created": int(time.time()), "model": "standin",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }, ensure_ascii=False).encode()
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            return
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
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
            chunk = {"id": "standin", "object": "chat.completion.chunk", "created": int(time.time()),
                     "model": "standin", "choices": [{"index": 0, "delta": {"content": piece},
                                                      "finish_reason": None}]}
            _write_chunk(h, f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        done = {"id": "standin", "object": "chat.completion.chunk", "created": int(time.time()), "model": "standin",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        _write_chunk(h, f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        h.wfile.write(b"0\r\n\r\n")
        h.wfile.flush()


def _write_chunk(h: BaseHTTPRequestHandler, data: bytes) -> None:
    h.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    h.wfile.flush()

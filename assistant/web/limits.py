"""Per-visitor limits for a public widget: how often one visitor may ask, and how many answers may run for them.

Two moving windows (the `limits` library) per question: one per conversation (Gradio session) and one per client
address, so a script that opens new sessions is still held by its address and one busy visitor behind a shared
address doesn't block the others. On a kiosk every visitor comes from the same address, so there only the
conversation's window applies. Behind a reverse proxy the address is taken from `X-Forwarded-For`, and only when
the connection comes from one of `TRUSTED_PROXIES` — anyone else could claim any address.

A visitor over a limit gets a polite answer ("please wait a moment"), not an error page. Limit events are logged
with a hash of the client key and a count — never the question.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from assistant.settings import parse_limits

log = logging.getLogger(__name__)

Refusal = Literal["rate", "busy"]


def _networks(entries: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip()]


def _loopback(host: str) -> bool:
    """This machine itself (a local load test, the kiosk browser): not a public client address."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class VisitorLimits:
    """Thread-safe; one per server. `admit()` before answering, `running()` around the answer."""

    def __init__(self, session_limit: str, address_limit: str | None, max_running: int,
                 trusted_proxies: list[str], door_limit: str | None = None) -> None:
        self.session_windows = parse_limits(session_limit)
        self.door_windows = parse_limits(door_limit) if door_limit else []
        self.address_windows = parse_limits(address_limit) if address_limit else []
        self.max_running = max_running
        self.trusted = _networks(trusted_proxies)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()  # per client hash, for the log and /healthz

    @classmethod
    def from_settings(cls, settings: Any) -> VisitorLimits:
        return cls(settings.rate_limit, None if settings.kiosk else settings.address_rate_limit,
                   settings.max_answers_per_visitor, settings.trusted_proxies, settings.queue_rate_limit)

    def address(self, request: Any) -> str:
        """The client's address: the connection's, or the last untrusted hop of X-Forwarded-For when the
        connection comes from a trusted proxy."""
        peer = getattr(getattr(request, "client", None), "host", None) or "unknown"
        if not self._trusted(peer):
            return peer
        headers = getattr(request, "headers", None) or {}
        forwarded = [h.strip() for h in (headers.get("x-forwarded-for") or "").split(",") if h.strip()]
        for hop in reversed(forwarded):  # the nearest hop that is not one of our proxies is the client
            if not self._trusted(hop):
                return hop
        return peer

    def _trusted(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted)

    def keys(self, request: Any) -> tuple[str, str]:
        session = getattr(request, "session_hash", None) or "no-session"
        return f"session:{session}", f"address:{self.address(request)}"

    def admit(self, request: Any) -> Refusal | None:
        """None when this question may be answered now; otherwise why not."""
        session, address = self.keys(request)
        with self._lock:
            if self._running[session] >= self.max_running:
                return self._refuse("busy", session)
            by_address = self.address_windows if not _loopback(address.split(":", 1)[1]) else []
            checks = [(w, session) for w in self.session_windows] + [(w, address) for w in by_address]
            for window, key in checks:
                if not self.limiter.test(window, key):
                    return self._refuse("rate", key)
            for window, key in checks:
                self.limiter.hit(window, key)
        return None

    def at_the_door(self, scope: dict, body: bytes) -> str | None:
        """Before a request joins the answer queue: a session far over its window (a script, not a person) is
        turned away with a message, so a flood never takes the queue places real visitors need."""
        if not self.door_windows:
            return None
        try:
            session = json.loads(body or b"{}").get("session_hash") or "no-session"
        except (ValueError, AttributeError):
            session = "no-session"
        key = f"door:{session}"
        with self._lock:
            if all(self.limiter.test(w, key) for w in self.door_windows):
                for w in self.door_windows:
                    self.limiter.hit(w, key)
                return None
            self._refuse("rate", key)
        return "too many questions from this session; please wait a moment / 提问过于频繁，请稍后再试"

    def _refuse(self, kind: Refusal, key: str) -> Refusal:
        client = hashlib.sha256(key.encode()).hexdigest()[:10]
        self.refused[client] += 1
        log.info("visitor limit (%s): client %s refused %d time(s)", kind, client, self.refused[client])
        return kind

    @contextmanager
    def running(self, request: Any) -> Iterator[None]:
        session, _ = self.keys(request)
        with self._lock:
            self._running[session] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[session] -= 1
                if self._running[session] <= 0:
                    del self._running[session]

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {"answers_running": sum(self._running.values()), "refused_total": sum(self.refused.values()),
                    "clients_refused": len(self.refused)}

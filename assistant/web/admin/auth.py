"""Staff login: the password hash on disk, signed session cookies, CSRF tokens and the lockout.

- The password is stored as an argon2id hash (memory-hard, salted) in `DATA_DIR/admin-password`; the console is off
  while that file is missing. Setting a password also draws a new cookie-signing secret, which ends every session.
- A session is a random id kept in memory (so a restart logs everyone out) with its CSRF token and its expiry;
  the cookie carries the id signed with the secret (itsdangerous), HttpOnly and SameSite=Strict.
- After `attempts` wrong passwords from one client address, logins from it are refused for `lockout` minutes,
  whether or not the next password is right.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer

PASSWORD_FILE = "admin-password"
SECRET_FILE = "admin-secret"
MIN_PASSWORD_CHARS = 10
COOKIE_NAME = "pa_admin"


class PasswordProblem(ValueError):
    """A password that can't be used; the message says why."""


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


class PasswordStore:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / PASSWORD_FILE
        self.secret_path = Path(data_dir) / SECRET_FILE
        self._hasher = PasswordHasher()

    @property
    def is_set(self) -> bool:
        return self.path.is_file()

    def set(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_CHARS:
            raise PasswordProblem(f"the password is {len(password)} characters long; use at least "
                                  f"{MIN_PASSWORD_CHARS}")
        if password != password.strip():
            raise PasswordProblem("the password starts or ends with a space; remove it")
        _write_private(self.path, self._hasher.hash(password) + "\n")
        _write_private(self.secret_path, secrets.token_urlsafe(32) + "\n")

    def verify(self, password: str) -> bool:
        """argon2's verify compares in constant time; a missing or damaged hash never matches."""
        try:
            return self._hasher.verify(self.path.read_text(encoding="utf-8").strip(), password)
        except (OSError, VerificationError, InvalidHashError):
            return False

    def secret(self) -> str:
        try:
            return self.secret_path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""


@dataclass
class StaffSession:
    id: str
    csrf: str
    expires_at: float


class Sessions:
    """Staff sessions in memory; the cookie value is the session id signed with the current secret."""

    def __init__(self, passwords: PasswordStore, minutes: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.passwords = passwords
        self.seconds = minutes * 60
        self.clock = clock
        self._sessions: dict[str, StaffSession] = {}
        self._lock = threading.Lock()

    def _signer(self) -> URLSafeSerializer | None:
        secret = self.passwords.secret()
        return URLSafeSerializer(secret, salt="policy-assistant-admin") if secret else None

    def start(self) -> tuple[StaffSession, str]:
        """A new session and the cookie value that names it."""
        signer = self._signer()
        if signer is None:
            raise PasswordProblem("no staff password is set")
        session = StaffSession(secrets.token_urlsafe(24), secrets.token_urlsafe(24), self.clock() + self.seconds)
        with self._lock:
            self._drop_expired()
            self._sessions[session.id] = session
        return session, signer.dumps(session.id)

    def current(self, cookie: str | None) -> StaffSession | None:
        """The live session the cookie names (its idle time restarts), or None."""
        signer = self._signer()
        if not cookie or signer is None:
            return None
        try:
            sid = signer.loads(cookie)
        except BadSignature:
            return None
        with self._lock:
            session = self._sessions.get(sid) if isinstance(sid, str) else None
            if session is None or session.expires_at <= self.clock():
                if isinstance(sid, str):
                    self._sessions.pop(sid, None)
                return None
            session.expires_at = self.clock() + self.seconds
            return session

    def end(self, session: StaffSession) -> None:
        with self._lock:
            self._sessions.pop(session.id, None)

    def count(self) -> int:
        with self._lock:
            self._drop_expired()
            return len(self._sessions)

    def _drop_expired(self) -> None:
        now = self.clock()
        for sid in [s for s, v in self._sessions.items() if v.expires_at <= now]:
            del self._sessions[sid]


def csrf_ok(session: StaffSession, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf.encode(), str(token).encode())


class LoginGuard:
    """Counts wrong passwords per client address and locks the address out after too many."""

    def __init__(self, attempts: int, lockout_minutes: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.lockout = lockout_minutes * 60
        self.clock = clock
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_for(self, client: str) -> float:
        """Seconds the client stays locked out (0 when it may try)."""
        with self._lock:
            left = self._locked_until.get(client, 0.0) - self.clock()
            if left <= 0:
                self._locked_until.pop(client, None)
                return 0.0
            return left

    def failed(self, client: str) -> bool:
        """Record a wrong password; True when this one locked the client out."""
        now = self.clock()
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < self.lockout] + [now]
            if len(recent) >= self.attempts:
                self._failures.pop(client, None)
                self._locked_until[client] = now + self.lockout
                return True
            self._failures[client] = recent
            return False

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

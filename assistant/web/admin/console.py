"""The staff console's state and its gatekeeping: who is logged in, CSRF, the lockout, rendering a page.

`StaffConsole` is built once per server (assistant.web.server) and handed to the routes (assistant.web.admin.routes).
Every page is rendered by Jinja2 with autoescaping on, so policy text, file names and visitor feedback are
always shown as text.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from assistant.settings import Settings
from assistant.web.admin.audit import AuditLog
from assistant.web.admin.auth import COOKIE_NAME, LoginGuard, PasswordStore, Sessions, StaffSession, csrf_ok

TEMPLATES = Path(__file__).parent / "templates"
LOGIN_COOKIE = "pa_admin_login"  # double-submit token of the login form (no session exists yet)
NO_STORE = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}


class NotLoggedIn(Exception):
    """Raised by `staff()`; the server turns it into a redirect to the login page."""


@dataclass
class Flash:
    kind: str  # ok | bad
    text: str


class StaffConsole:
    def __init__(self, settings: Settings, assistant: Any, address: Any) -> None:
        self.settings = settings
        self.assistant = assistant
        self.address = address  # request → client address (trusted proxies honoured), from VisitorLimits
        self.passwords = PasswordStore(settings.data_dir)
        self.sessions = Sessions(self.passwords, settings.admin_session_minutes)
        self.guard = LoginGuard(settings.admin_login_attempts, settings.admin_lockout_minutes)
        self.audit = AuditLog(settings.data_dir)
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    @property
    def root(self) -> str:
        return f"{self.settings.root_path.rstrip('/')}/admin"

    # --- gatekeeping -------------------------------------------------------------------------------------
    def available(self) -> None:
        """404 while no password is set: the console does not exist until staff turn it on."""
        if not self.passwords.is_set:
            raise HTTPException(status_code=404, detail="Not Found")

    def staff(self, request: Request) -> StaffSession:
        self.available()
        session = self.sessions.current(request.cookies.get(COOKIE_NAME))
        if session is None:
            raise NotLoggedIn()
        return session

    def checked(self, request: Request, form: Any) -> StaffSession:
        """The session of a state-changing request whose CSRF token matches; 403 otherwise."""
        session = self.staff(request)
        if not csrf_ok(session, form.get("csrf")):
            raise HTTPException(status_code=403, detail="the form is out of date (CSRF check failed); reload the "
                                                        "page and try again")
        return session

    def client(self, request: Request) -> str:
        return self.address(request)

    # --- responses ---------------------------------------------------------------------------------------
    def page(self, template: str, session: StaffSession | None, http_status: int = 200,
             **context: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(root=self.root, csrf=session.csrf if session else "",
                                                       logged_in=session is not None, **context)
        return HTMLResponse(html, status_code=http_status, headers=NO_STORE)

    def login_page(self, message: str = "", status: int = 200) -> Response:
        token = secrets.token_urlsafe(16)
        response = self.page("login.html", None, http_status=status, login_token=token, message=message)
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path=self.root)
        return response

    def redirect(self, path: str) -> RedirectResponse:
        return RedirectResponse(f"{self.root}{path}", status_code=303, headers=NO_STORE)

    def start_session(self, request: Request) -> Response:
        session, cookie = self.sessions.start()
        response = self.redirect("/documents")
        response.set_cookie(COOKIE_NAME, cookie, httponly=True, samesite="strict", path=self.root,
                            secure=request.url.scheme == "https", max_age=int(self.sessions.seconds))
        response.delete_cookie(LOGIN_COOKIE, path=self.root)
        return response

"""Helpers for the staff console tests: the test password, reading a form's token, logging in over HTTP."""

from __future__ import annotations

import re

import httpx

PASSWORD = "correct horse battery staple"


def form_token(html: str, name: str = "csrf") -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, f"no {name} field in the page"
    return found.group(1)


def login(client: httpx.Client, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/admin/login")
    return client.post("/admin/login", data={"login_token": form_token(page.text, "login_token"),
                                             "password": password})

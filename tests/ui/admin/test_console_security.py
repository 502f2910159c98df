"""The staff console's locks, tried from outside over HTTP against the real app: the password, the lockout, sessions,
CSRF, hostile uploads, kiosk and no-password modes, and the visitor API."""

from __future__ import annotations

import io
import json
import re
import socket
import time
import zipfile

import httpx
import pytest
from console_helpers import PASSWORD, form_token, login

pytestmark = pytest.mark.slow


def test_right_password_logs_in_and_the_cookie_is_locked_down(console_server):
    with httpx.Client(base_url=console_server.url) as client:
        assert client.get("/admin/documents").status_code == 303  # not logged in: to the login page
        response = login(client)
        assert response.status_code == 303 and response.headers["location"].endswith("/admin/documents")
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
        page = client.get("/admin/documents")
        assert page.status_code == 200 and "关于测试园区青年人才生活补贴的通知" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_wrong_password_is_refused(console_server):
    with httpx.Client(base_url=console_server.url) as client:
        response = login(client, "not the password")
        assert response.status_code == 401 and "Wrong password" in response.text
        assert client.get("/admin/documents").status_code == 303


def test_five_wrong_passwords_lock_the_client_out_until_the_lockout_ends(server_with, staff_settings):
    server = server_with(admin_lockout_minutes=0.05)  # 3 s, so the test can see the end of it
    with httpx.Client(base_url=server.url) as client:
        codes = [login(client, f"wrong {i}").status_code for i in range(5)]
        assert codes == [401] * 5
        locked = login(client)  # the right password, but locked out
        assert locked.status_code == 429 and "Too many wrong passwords" in locked.text
        time.sleep(3.5)
        assert login(client).status_code == 303
    audit = [json.loads(line) for line in (staff_settings.data_dir / "audit.jsonl").read_text("utf-8").splitlines()]
    actions = [e["action"] for e in audit[-7:]]
    assert actions == ["login_failed"] * 5 + ["login_locked", "login"]
    assert audit[-3]["detail"] == {"locked": True} and "wrong" not in json.dumps(audit)  # no password text

def test_an_idle_session_expires(server_with):
    server = server_with(admin_session_minutes=0.05)
    with httpx.Client(base_url=server.url) as client:
        assert login(client).status_code == 303
        assert client.get("/admin/documents").status_code == 200
        time.sleep(3.5)
        assert client.get("/admin/documents").status_code == 303  # back to the login page


def test_a_forged_or_foreign_cookie_is_not_a_session(console_server, server_with):
    with httpx.Client(base_url=console_server.url) as client:
        client.cookies.set("pa_admin", "eyJmb3JnZWQiOiJ5ZXMifQ.forged", path="/admin")
        assert client.get("/admin/documents").status_code == 303
    other = server_with()  # same secret, but the session lives only in the server that started it
    with httpx.Client(base_url=console_server.url) as a, httpx.Client(base_url=other.url) as b:
        assert login(a).status_code == 303
        b.cookies.set("pa_admin", a.cookies.get("pa_admin"), path="/admin")
        assert b.get("/admin/documents").status_code == 303


def test_state_changes_need_the_session_csrf_token(staff, staff_settings):
    client, csrf = staff
    docs = client.get("/admin/documents").text
    doc_id = form_token(docs, "old")
    marks = staff_settings.data_dir / "staff-marks.json"
    before = marks.read_text(encoding="utf-8") if marks.exists() else None
    for token in (None, "forged-token"):
        data = {"old": doc_id, "new": ""} | ({"csrf": token} if token else {})
        assert client.post("/admin/replace", data=data).status_code == 403
        assert client.post("/admin/rules/check", data={"key": "x", "doc_id": doc_id, "checked": "1"}
                           | ({"csrf": token} if token else {})).status_code == 403
        assert client.post("/admin/remove", data={"source": "青年人才生活补贴.md"}
                           | ({"csrf": token} if token else {})).status_code == 403
        upload = client.post("/admin/upload", data={"csrf": token or ""},
                             files={"files": ("x.md", b"# t\n\n\xe7\xac\xac\xe4\xb8\x80\xe6\x9d\xa1 x", "text/markdown")})
        assert upload.status_code == 403
    assert (marks.read_text(encoding="utf-8") if marks.exists() else None) == before
    assert "关于测试园区青年人才生活补贴的通知" in client.get("/admin/documents").text
    assert not (staff_settings.data_dir / "uploads" / "x.md").exists()
    assert csrf  # the real token exists; the forged ones above were refused


def _upload(client, csrf, *files, accept_json=True) -> httpx.Response:
    return client.post("/admin/upload", data={"csrf": csrf}, files=[("files", f) for f in files],
                       headers={"Accept": "application/json"} if accept_json else {})


def _raw_upload(client, csrf: str, filename: bytes, content: bytes) -> httpx.Response:
    """A multipart body written by hand: an HTTP client library would percent-encode an odd file name, a hostile
    client sends the bytes as they are."""
    b = b"pa-boundary"
    body = (b"--" + b + b'\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + csrf.encode() + b"\r\n"
            b"--" + b + b'\r\nContent-Disposition: form-data; name="files"; filename="' + filename + b'"\r\n'
            b"Content-Type: text/markdown\r\n\r\n" + content + b"\r\n--" + b + b"--\r\n")
    return client.post("/admin/upload", content=body, headers={"Accept": "application/json",
                                                               "Content-Type": "multipart/form-data; boundary=" + b.decode()})


@pytest.mark.parametrize("name", [b"../escape.md", b"/etc/escape.md", b"..\\escape.md", b"sub/escape.md",
                                  b"nul\x00escape.md", b"tab\tescape.md", b".hidden.md", b"escape.exe"])
def test_hostile_file_names_are_refused_and_nothing_lands_outside_uploads(staff, staff_settings, name):
    client, csrf = staff
    response = _raw_upload(client, csrf, name, "# 标题\n\n第一条 内容。".encode())
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert not result["ok"] and result["message"]
    root = staff_settings.data_dir.parent
    assert not [p for p in root.rglob("*escape*")] and not (root / "etc").exists()
    assert not (staff_settings.data_dir / "uploads" / ".hidden.md").exists()


def test_an_oversize_file_is_refused_with_the_limit_named(server_with):
    server = server_with(max_file_mb=0.01)  # 10 KB
    with httpx.Client(base_url=server.url, timeout=120) as client:
        login(client)
        csrf = form_token(client.get("/admin/documents").text)
        big = ("第一条 " + "很长的政策文本。" * 2000).encode()
        [result] = _upload(client, csrf, ("big.md", big, "text/markdown")).json()["results"]
        assert not result["ok"] and "over the 0.01 MB limit" in result["message"]
    # A body larger than the whole upload allowance is refused from its headers, before any of it is read.
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"POST /admin/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    b"Content-Length: 2147483648\r\n\r\n")
        assert raw.recv(200).startswith(b"HTTP/1.1 413")


def test_a_docx_zip_bomb_is_refused_before_it_is_expanded(server_with):
    server = server_with(max_file_mb=0.5)  # a .docx may expand to 10× that
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))  # 20 MB of zeros, ~20 KB compressed
    assert len(buf.getvalue()) < 100_000
    with httpx.Client(base_url=server.url, timeout=300) as client:
        login(client)
        csrf = form_token(client.get("/admin/documents").text)
        [result] = _upload(client, csrf, ("bomb.docx", buf.getvalue(), "application/octet-stream")).json()["results"]
    assert not result["ok"] and "would expand to 20 MB" in result["message"]


def test_an_html_policy_with_scripts_is_shown_as_text(staff, staff_settings):
    client, csrf = staff
    page = ("<html><head><script>alert('head')</script></head><body><h1>关于测试园区脚本样例的通知</h1>"
            "<p>第一条 本通知原文引用了 &lt;script&gt;alert('x')&lt;/script&gt; 与 &lt;img src=x onerror=alert(1)&gt; 字样。</p>"
            "<script>alert('body')</script><p>第二条 本通知自2026年1月1日起施行。</p></body></html>")
    [result] = _upload(client, csrf, ("script-sample.html", page.encode(), "text/html")).json()["results"]
    assert result["ok"], result
    docs = client.get("/admin/documents").text
    doc_id = re.search(r'<a href="/admin/documents/(\w+)">关于测试园区脚本样例的通知</a>', docs).group(1)
    shown = client.get(f"/admin/documents/{doc_id}").text
    assert "&lt;script&gt;alert(" in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "<script>alert" not in shown and "<img src=x" not in shown
    assert "alert('body')" not in shown  # the page's own scripts were dropped at ingest


def test_without_a_password_the_console_does_not_exist(server_with, staff_settings, tmp_path):
    from ui_helpers import start_app, stop_app

    from assistant.service import PolicyAssistant

    bare = staff_settings.model_copy(update={"data_dir": tmp_path / "no-password"})
    running = start_app(PolicyAssistant(bare), bare)
    try:
        with httpx.Client(base_url=running.url) as client:
            for path in ("/admin", "/admin/login", "/admin/documents", "/admin/health"):
                assert client.get(path).status_code == 404, path
            assert client.post("/admin/login", data={"password": PASSWORD}).status_code == 404
    finally:
        stop_app(running)


def test_a_kiosk_has_no_console_unless_asked(server_with):
    kiosk = server_with(kiosk=True)
    with httpx.Client(base_url=kiosk.url) as client:
        assert client.get("/admin/login").status_code == 404
    opted_in = server_with(kiosk=True, admin_in_kiosk=True)
    with httpx.Client(base_url=opted_in.url) as client:
        assert client.get("/admin/login").status_code == 200


def test_the_visitor_api_lists_no_console_function(console_server):
    from gradio_client import Client

    api = Client(console_server.url + "/", verbose=False).view_api(print_info=False, return_format="dict")
    text = json.dumps(api, ensure_ascii=False).lower()
    named = list(api["named_endpoints"]) + [str(k) for k in api.get("unnamed_endpoints", {})]
    assert named, "the visitor API should list the chat endpoints"
    for word in ("admin", "upload", "remove", "replace", "password", "audit", "rule"):
        assert not [n for n in named if word in n.lower()], (word, named)
    assert "/admin" not in text

"""The visitor app takes no files: Gradio's upload route is refused before the body is read, and nothing is
written to Gradio's temporary folder (real app on loopback, real HTTP)."""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


def _multipart(payload: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.bin\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _post(url: str, payload: bytes) -> int | None:
    """The HTTP status, or None when the server closed the connection before taking the whole body."""
    body, content_type = _multipart(payload)
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        assert b"uploads are not accepted" in exc.read()
        return exc.code
    except (urllib.error.URLError, ConnectionError):
        return None


def test_uploads_are_refused_and_nothing_is_written(chat_server) -> None:
    gradio_tmp = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")
    before = _files(gradio_tmp)
    small, large = os.urandom(64) * 64, os.urandom(64) * 16_384  # 4 KB, and 1 MB of random bytes
    for path in ("/gradio_api/upload", "/gradio_api/upload/", "/gradio_api/upload?upload_id=x"):
        assert _post(chat_server.url + path, small) == 403, path
        # refused before the body is read: a 403, or the connection closed under the sender
        assert _post(chat_server.url + path, large) in (403, None), path
    new = _files(gradio_tmp) - before
    assert not any(small[:64] in p.read_bytes() or large[:64] in p.read_bytes() for p in new), new
    # the page itself still answers
    with urllib.request.urlopen(chat_server.url + "/healthz", timeout=10) as response:
        assert response.status == 200

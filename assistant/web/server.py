"""The HTTP server around the Gradio app: embedding headers, the local gradio.js URL, and the one `serve()`.

Embedding (offline): the app serves Gradio's own web-component bundle at `<root>/gradio.js`, so a host page can use
`<script type="module" src="http://HOST:PORT/gradio.js"></script><gradio-app src="http://HOST:PORT/"></gradio-app>`
without the CDN; or it can use `<iframe src="http://HOST:PORT/">`. Who may embed: same origin, localhost, and
`settings.allowed_embed_origins` (CSP frame-ancestors for iframes, CORS for the web component).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response

from assistant.web.app import _theme, build_app
from assistant.web.kiosk import page_css, page_js
from assistant.web.limits import VisitorLimits
from assistant.web.page_headers import PageHeaders
from assistant.web.request_limits import BodyLimits

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger(__name__)

LOCAL_ORIGIN_REGEX = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
LOCAL_FRAME_SOURCES = ["http://localhost:*", "http://127.0.0.1:*", "https://localhost:*", "https://127.0.0.1:*"]


def gradio_js_module() -> str:
    """Gradio's own loader for the `<gradio-app>` element (it imports ./assets/index-*.js, served by Gradio)."""
    path = Path(gr.__file__).resolve().parent / "templates" / "frontend" / "gradio.js"
    return path.read_text(encoding="utf-8")


def content_security_policy(settings: Settings) -> str:
    extra = [o.rstrip("/") for o in settings.allowed_embed_origins if re.match(r"^https?://[^\s;,']+$", o)]
    ancestors = " ".join(["'self'", *LOCAL_FRAME_SOURCES, *extra])
    # Everything from this server only: no CDN, no third-party fonts, no beacon. Gradio needs inline script/eval.
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        "media-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; "
        f"frame-ancestors {ancestors}; base-uri 'self'; form-action 'self'"
    )


def admin_console_served(settings: Settings) -> bool:
    """The console's routes exist except on a kiosk (unless asked for); they answer 404 until a password is set."""
    return not settings.kiosk or settings.admin_in_kiosk


# Gradio's queue summarises its past events after every request (a pandas DataFrame over up to 10,000 of them: 4 ms
# of CPU per request at first, 12 ms once the server has served 10,000) for a /monitoring page this app doesn't
# serve. Summarise rarely and remember fewer events; an operator's own values win (docs/performance.md).
QUIET_QUEUE_ANALYTICS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "100000", "GRADIO_ANALYTICS_MAX_EVENTS": "1000"}


def create_server(assistant: Any, settings: Settings) -> FastAPI:
    """FastAPI app with the Gradio app mounted at "/" plus `/gradio.js` and `/healthz`."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    for name, value in QUIET_QUEUE_ANALYTICS.items():  # read when the Blocks' queue is made, just below
        os.environ.setdefault(name, value)
    limits = VisitorLimits.from_settings(settings)
    blocks = build_app(assistant, settings, limits)
    app = FastAPI(title="policy-assistant", docs_url=None, redoc_url=None, openapi_url=None)
    csp = content_security_policy(settings)
    # The staff console can't be framed by anyone, unlike the visitor page.
    admin_csp = re.sub(r"frame-ancestors [^;]+", "frame-ancestors 'none'", csp)
    upload_limit = int(settings.admin_upload_max_files * settings.max_file_mb * 1024 * 1024) + 1024 * 1024
    app.add_middleware(BodyLimits, max_bytes=settings.max_request_bytes, max_depth=settings.max_json_depth,
                       door=limits.at_the_door, streamed={"/admin/upload": upload_limit})
    if admin_console_served(settings):
        from assistant.web.admin.console import NotLoggedIn, StaffConsole
        from assistant.web.admin.routes import build_router, not_logged_in_handler

        console = StaffConsole(settings, assistant, limits.address)
        app.include_router(build_router(console))
        app.add_exception_handler(NotLoggedIn, not_logged_in_handler(console))

    app.add_middleware(PageHeaders, csp=csp, admin_csp=admin_csp)

    # A parent CORSMiddleware makes Gradio skip its own CORS handling, so this allowlist is the one that applies.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[o.rstrip("/") for o in settings.allowed_embed_origins],
        allow_origin_regex=LOCAL_ORIGIN_REGEX,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

    loader = gradio_js_module()

    @app.get("/gradio.js", include_in_schema=False)
    def gradio_js() -> Response:
        return Response(loader, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        queue = getattr(blocks, "_queue", None)  # Gradio's queue: questions waiting for a worker
        return JSONResponse({"ok": True, "kiosk": settings.kiosk, "queue_waiting": len(queue) if queue else 0,
                             "queue_max": settings.max_queue, **limits.snapshot()})

    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        footer_links=[] if settings.kiosk else ["api"],
        run_history=False,  # the browser must not keep a visitor's questions
        root_path=settings.root_path or None,
        show_error=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        theme=_theme(),
        css=page_css(settings.kiosk),
        js=page_js(settings.kiosk, settings.idle_reset_seconds),
    )


def preload_event_imports() -> None:
    """Gradio switches matplotlib's backend around every event it runs (`gradio.utils.MatplotlibBackendMananger`),
    so the first answer after a start would pay for importing matplotlib: 0.5 s of a 0.55 s first answer, against
    0.04 s for the next one (docs/performance.md). Paid here, while the server starts, instead."""
    import matplotlib

    matplotlib.get_backend()


def serve(settings: Settings) -> None:
    """Load the assistant and serve until interrupted. Never shares publicly (no Gradio share tunnel)."""
    import uvicorn

    from assistant.service import PolicyAssistant

    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from ingest.store import StoreUnavailable

    assistant = PolicyAssistant(settings)
    try:
        assistant.warm_up()  # load models and index now, so the first visitor doesn't wait
    except StoreUnavailable as exc:
        # Keep serving: each question retries the store and the page shows a clear message meanwhile.
        log.warning("starting without the index: %s", exc)
    app = create_server(assistant, settings)
    preload_event_imports()
    log.info("serving on http://%s:%s%s (kiosk=%s)", settings.host, settings.port, settings.root_path, settings.kiosk)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")

"""The staff console's pages under /admin: plain FastAPI routes beside the visitor's Gradio app, so no console
function is part of the visitor page's Gradio API.

Every GET shows something; every POST changes something and is CSRF-checked. Long work (indexing an upload)
runs in a worker thread, in a child process (assistant.web.admin.uploads).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response

from assistant.web.admin import feedback as fb
from assistant.web.admin.console import LOGIN_COOKIE, NO_STORE, NotLoggedIn, StaffConsole
from assistant.web.admin.health import health_rows
from assistant.web.admin.uploads import FileResult, ingest_files, name_problem, remove_source, uploads_dir
from assistant.web.admin.views import BADGES, SORT_KEYS, document_rows, retrieval_test, rule_rows, select_rows
from ingest.manifest import now_iso
from ingest.staff_marks import Replacement, load_marks, save_marks

STATIC = Path(__file__).parent / "static"


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def build_router(console: StaffConsole) -> APIRouter:  # noqa: C901 — one closure per page
    router = APIRouter(prefix="/admin", include_in_schema=False)
    settings = console.settings

    def documents():
        try:
            return console.assistant.documents(), None
        except Exception as e:  # noqa: BLE001 — no index yet, or the store is down: the page says which
            return [], str(e)

    @router.get("")
    @router.get("/")
    def home(request: Request) -> Response:
        console.staff(request)
        return console.redirect("/documents")

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        path = STATIC / name
        if name not in {p.name for p in STATIC.iterdir()}:
            raise HTTPException(status_code=404)
        return FileResponse(path, headers={"Cache-Control": "no-cache"})

    # --- login ---------------------------------------------------------------------------------------------
    @router.get("/login")
    def login_form(request: Request) -> Response:
        console.available()
        return console.login_page()

    @router.post("/login")
    async def login(request: Request) -> Response:
        console.available()
        form = await request.form()
        client = console.client(request)
        token = request.cookies.get(LOGIN_COOKIE) or ""
        if not token or not hmac.compare_digest(token, str(form.get("login_token") or "")):
            return console.login_page("The login form expired; please try again. / 登录页面已过期，请重试。", 403)
        locked = console.guard.locked_for(client)
        if locked:
            console.audit.record("login_locked", client, ok=False)
            return console.login_page(f"Too many wrong passwords: try again in {int(locked // 60) + 1} minutes. / "
                                      f"密码错误次数过多，请{int(locked // 60) + 1}分钟后再试。", 429)
        password = str(form.get("password") or "")
        if await run_in_threadpool(console.passwords.verify, password):
            console.guard.succeeded(client)
            console.audit.record("login", client)
            return console.start_session(request)
        now_locked = console.guard.failed(client)
        console.audit.record("login_failed", client, ok=False, locked=now_locked)
        return console.login_page("Wrong password. / 密码错误。", 401)

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        session = console.checked(request, await request.form())
        console.sessions.end(session)
        console.audit.record("logout", console.client(request))
        response = console.redirect("/login")
        response.delete_cookie("pa_admin", path=console.root)
        return response

    # --- documents -----------------------------------------------------------------------------------------
    @router.get("/documents")
    def documents_page(request: Request, on: str = "", q: str = "", status: str = "", sort: str = "title",
                       desc: int = 0) -> Response:
        session = console.staff(request)
        day = _day(on) or settings.effective_today()
        docs, problem = documents()
        marks = load_marks(settings.data_dir)
        every = document_rows(docs, day, marks)
        rows = select_rows(every, q, status, sort, bool(desc))
        summary = [(key, sum(r.status == key for r in every)) for key in BADGES]
        return console.page("documents.html", session, rows=rows, summary=[(k, n) for k, n in summary if n], all_docs=docs, day=day.isoformat(),
                            today=settings.effective_today().isoformat(), q=q, status=status, sort=sort,
                            desc=bool(desc), badges=BADGES, sort_keys=SORT_KEYS, problem=problem,
                            max_mb=settings.max_file_mb, max_files=settings.admin_upload_max_files,
                            marked={old: r.new_title for old, r in marks.replacements.items()})

    @router.get("/documents/{doc_id}")
    def document_page(request: Request, doc_id: str) -> Response:
        session = console.staff(request)
        retriever = console.assistant.current_retriever()
        doc = retriever.index.docs.get(doc_id)
        if doc is None:
            raise HTTPException(status_code=404, detail="no such document")
        units = [u for u in retriever.index.units if u.doc_id == doc_id]
        rules = rule_rows(retriever.rules.rules, doc.title, load_marks(settings.data_dir))
        return console.page("document.html", session, doc=doc, units=units, rules=rules)

    @router.post("/upload")
    async def upload(request: Request) -> Response:
        session = console.staff(request)  # before the body is read: strangers can't make us parse files
        form = await request.form(max_files=settings.admin_upload_max_files, max_fields=5)
        console.checked(request, form)
        limit = int(settings.max_file_mb * 1024 * 1024)
        staging = uploads_dir(settings) / ".incoming" / secrets.token_hex(8)
        results: list[FileResult] = []
        staged: list[tuple[str, Path]] = []
        try:
            for item in form.getlist("files"):
                if isinstance(item, str):
                    continue
                name = item.filename or ""
                problem = name_problem(name)
                if problem is None and (item.size or 0) > limit:
                    problem = (f"file is {(item.size or 0) / 1024 / 1024:.1f} MB, over the {settings.max_file_mb:g} "
                               "MB limit; split it, or raise POLICY_ASSISTANT_MAX_FILE_MB")
                if problem is None and name in {n for n, _ in staged}:
                    problem = "the same file name twice in one upload; upload it once"
                if problem:
                    results.append(FileResult(name, False, problem))
                    continue
                staging.mkdir(parents=True, exist_ok=True)
                tmp = staging / f"{len(staged)}{Path(name).suffix.lower()}"
                tmp.write_bytes(await item.read())
                staged.append((name, tmp))
            if staged:
                results += await run_in_threadpool(ingest_files, settings, staged)
        finally:
            await form.close()
            for leftover in staging.glob("*") if staging.exists() else []:
                leftover.unlink(missing_ok=True)
            if staging.exists():
                staging.rmdir()
        if not results:
            results.append(FileResult("", False, "no file was chosen; choose one or more policy files"))
        for r in results:
            console.audit.record("upload", console.client(request), ok=r.ok, file=r.name, result=r.message)
        console.assistant.pick_up_changes()
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"results": [r.to_json() for r in results]}, headers=NO_STORE)
        return console.page("upload.html", session, results=results)

    @router.get("/remove")
    def remove_confirm(request: Request, source: str) -> Response:
        session = console.staff(request)
        docs = [d for d in documents()[0] if d.source == source]
        if not docs:
            raise HTTPException(status_code=404, detail="no indexed source of that name")
        return console.page("remove.html", session, source=source, docs=docs)

    @router.post("/remove")
    async def remove(request: Request) -> Response:
        form = await request.form()
        session = console.checked(request, form)
        source = str(form.get("source") or "")
        try:
            removed = (await run_in_threadpool(remove_source, settings, source)).get("removed", {})
            ok = source in removed
            message = f"removed {source}: {removed[source]} units" if ok else f"{source} was not indexed"
        except RuntimeError as e:
            ok, message = False, f"could not remove {source}: {e}"
        console.audit.record("remove", console.client(request), ok=ok, file=source)
        console.assistant.pick_up_changes()
        return console.page("done.html", session, ok=ok, message=message)

    @router.post("/replace")
    async def replace(request: Request) -> Response:
        form = await request.form()
        console.checked(request, form)
        old, new = str(form.get("old") or ""), str(form.get("new") or "")
        by_id = {d.doc_id: d for d in documents()[0]}
        marks = load_marks(settings.data_dir)
        if old not in by_id or (new and new not in by_id) or old == new:
            raise HTTPException(status_code=400, detail="choose an indexed document and a different one that "
                                                        "replaces it")
        if new:
            marks.replacements[old] = Replacement(new, by_id[old].title, by_id[new].title, now_iso())
            console.audit.record("replace", console.client(request), old=by_id[old].title, new=by_id[new].title)
        else:
            marks.replacements.pop(old, None)
            console.audit.record("unreplace", console.client(request), old=by_id[old].title)
        save_marks(settings.data_dir, marks)
        console.assistant.pick_up_changes()
        return console.redirect("/documents")

    @router.post("/rules/check")
    async def check_rule(request: Request) -> Response:
        form = await request.form()
        console.checked(request, form)
        key, doc_id, checked = str(form.get("key") or ""), str(form.get("doc_id") or ""), form.get("checked") == "1"
        marks = load_marks(settings.data_dir)
        if checked:
            marks.checked_rules[key] = now_iso()
        else:
            marks.checked_rules.pop(key, None)
        save_marks(settings.data_dir, marks)
        console.audit.record("rule_check" if checked else "rule_uncheck", console.client(request), rule=key)
        console.assistant.pick_up_changes()
        return console.redirect(f"/documents/{doc_id}#rules")

    # --- retrieval test, feedback, audit, health ---------------------------------------------------------------
    @router.get("/retrieval")
    def retrieval(request: Request, q: str = "") -> Response:
        session = console.staff(request)
        q = q.strip()[: settings.max_question_chars]
        ranked = retrieval_test(console.assistant.current_retriever(), q) if q else []
        return console.page("retrieval.html", session, q=q, ranked=ranked)

    def _feedback(since: str, until: str, vote: str, doc: str) -> list[fb.FeedbackRow]:
        rows = fb.read_feedback(settings.resolved_feedback_path)
        return fb.filter_feedback(rows, _day(since), _day(until), vote, doc.strip())

    @router.get("/feedback")
    def feedback(request: Request, since: str = "", until: str = "", vote: str = "", doc: str = "") -> Response:
        session = console.staff(request)
        rows = _feedback(since, until, vote, doc)
        return console.page("feedback.html", session, rows=rows, since=since, until=until, vote=vote, doc=doc)

    @router.get("/feedback.csv")
    def feedback_csv(request: Request, since: str = "", until: str = "", vote: str = "", doc: str = "") -> Response:
        console.staff(request)
        rows = _feedback(since, until, vote, doc)
        console.audit.record("feedback_export", console.client(request), rows=len(rows))
        return Response(fb.feedback_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={**NO_STORE, "Content-Disposition": 'attachment; filename="feedback.csv"'})

    @router.get("/audit")
    def audit(request: Request) -> Response:
        session = console.staff(request)
        return console.page("audit.html", session, entries=console.audit.entries())

    @router.get("/health")
    def health(request: Request) -> Response:
        session = console.staff(request)
        return console.page("health.html", session, rows=health_rows(settings, console.assistant,
                                                                      console.sessions.count()))

    return router


def not_logged_in_handler(console: StaffConsole):
    async def handler(request: Request, exc: NotLoggedIn) -> Response:
        if request.method == "GET":
            return console.redirect("/login")
        return JSONResponse({"error": "log in first"}, status_code=401, headers=NO_STORE)

    return handler

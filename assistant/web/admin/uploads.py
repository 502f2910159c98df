"""Files staff upload, and the index changes they make: each runs the same `policy-assistant` command a shell
user would (`ingest --json`, `remove --json`) in a child process, so the console reports exactly what the CLI
reports, a crash of that process can't take the server down, and the ingest guarantees (nothing indexed is lost
when a run fails or is interrupted) hold unchanged. The running server picks the change up as it does after any
ingest (assistant.service).

Uploaded files are kept in `DATA_DIR/uploads/` under their own names, so re-uploading a file of the same name
updates that source. A name with a folder part, a control character or an unsupported extension is refused.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from ingest.load import SUPPORTED_EXTS

log = logging.getLogger(__name__)

UPLOADS = "uploads"
MAX_NAME_CHARS = 120
CHILD_TIMEOUT_S = 900


@dataclass(frozen=True)
class FileResult:
    """One uploaded file: indexed (with its counts) or rejected (with the reason and what to do)."""

    name: str
    ok: bool
    message: str
    documents: int = 0
    units: int = 0

    def to_json(self) -> dict:
        return {"name": self.name, "ok": self.ok, "message": self.message, "documents": self.documents,
                "units": self.units}


def name_problem(name: str) -> str | None:
    """Why an uploaded file name can't be used, or None. Names are never cleaned up silently: a name with a
    folder part is refused, so no upload can land outside the uploads folder."""
    if not name or not name.strip():
        return "the file has no name; give it a name such as policy.md"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "the file name contains control characters; rename the file"
    if "/" in name or "\\" in name or name in (".", ".."):
        return "the file name contains a folder part (/ or \\); upload the file itself, not a path"
    if name.startswith("."):
        return "the file name starts with a dot (a hidden file); rename it"
    if len(name) > MAX_NAME_CHARS:
        return f"the file name is {len(name)} characters long; shorten it to at most {MAX_NAME_CHARS}"
    ext = Path(name).suffix.lower()
    if ext not in SUPPORTED_EXTS:
        return f"unsupported file type '{ext or '(none)'}'; supported: {' '.join(sorted(SUPPORTED_EXTS))}"
    return None


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / UPLOADS


def child_env(settings: Settings) -> dict[str, str]:
    """This server's settings as POLICY_ASSISTANT_* variables, so the child process indexes the same data dir,
    collection and embedding model (settings given in code, as tests do, included)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_ASSISTANT_")}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value)
        env[f"POLICY_ASSISTANT_{name.upper()}"] = text
    return env


def _run_cli(settings: Settings, *args: str) -> dict:
    # Not `-m assistant.cli.main`: run as __main__ the module would be imported twice and its commands split.
    cmd = [sys.executable, "-c", "from assistant.cli.main import main; main()", *args, "--json", "--data-dir", str(settings.data_dir)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, env=child_env(settings),
                          check=False)
    if done.stdout.strip().startswith("{"):
        return json.loads(done.stdout)
    # The CLI's own message (e.g. "Error: the Chroma server … is not reachable") is the reason staff need.
    message = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
    raise RuntimeError(message)


def ingest_files(settings: Settings, staged: list[tuple[str, Path]]) -> list[FileResult]:
    """Index staged uploads (name → temporary file). A file replaces an earlier upload of the same name only if
    it was indexed; otherwise the earlier file (and what was indexed from it) stays as it was."""
    target = uploads_dir(settings)
    target.mkdir(parents=True, exist_ok=True)
    backups: dict[str, Path] = {}
    placed: list[tuple[str, Path]] = []
    for name, tmp in staged:
        final = target / name
        if final.exists():
            backup = tmp.with_name(tmp.name + ".previous")
            shutil.move(final, backup)
            backups[name] = backup
        shutil.move(tmp, final)
        placed.append((name, final))
    try:
        report = _run_cli(settings, "ingest", *[str(p) for _, p in placed])
        error = None
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
        report, error = {}, f"indexing failed ({e}); nothing indexed before was removed — try again"
    skipped = {s["name"]: s["reason"] for s in report.get("skipped", [])}
    sources = {s["name"]: s for s in report.get("sources", [])}
    results = []
    for name, final in placed:
        if error or name in skipped or name not in sources:
            final.unlink(missing_ok=True)
            if name in backups:
                shutil.move(backups.pop(name), final)
            results.append(FileResult(name, False, error or skipped.get(name, "not indexed; check the file")))
            continue
        s = sources[name]
        results.append(FileResult(name, True, f"indexed: {s['status']}", s["documents"], s["units"]))
        if name in backups:
            backups.pop(name).unlink(missing_ok=True)
    return results


def remove_source(settings: Settings, source: str) -> dict:
    """Delete one source file's units from the index (and its uploaded copy); the CLI's `remove --json` report."""
    report = _run_cli(settings, "remove", source)
    if source in report.get("removed", {}) and name_problem(source) is None:
        (uploads_dir(settings) / source).unlink(missing_ok=True)
    return report

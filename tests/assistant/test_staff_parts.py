"""The staff console's parts on their own: the password file, the lockout's clock, replacements staff mark,
feedback for staff, and the CLI commands the console runs (`ingest --json`, `remove --json`, `replace`)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import date

import pytest

from assistant.answer.validity import document_statuses, validity_label
from assistant.settings import Settings
from assistant.web.admin.auth import LoginGuard, PasswordProblem, PasswordStore, Sessions
from assistant.web.admin.feedback import FeedbackRow, feedback_csv, filter_feedback
from assistant.web.admin.uploads import child_env, name_problem
from ingest.records import DocumentInfo
from ingest.staff_marks import StaffMarks, load_marks, marks_path

CLI = [sys.executable, "-c", "from assistant.cli.main import main; main()"]


class FakeClock:
    """A fake clock for the lockout and session timers (the real-server tests wait out short real ones)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_password_is_stored_as_a_private_argon2id_hash(tmp_path):
    store = PasswordStore(tmp_path)
    assert not store.is_set
    store.set("a long enough password")
    stored = store.path.read_text(encoding="utf-8")
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.secret_path.stat().st_mode) == 0o600
    assert store.verify("a long enough password") and not store.verify("a long enough passwore")
    with pytest.raises(PasswordProblem, match="at least 10"):
        store.set("short")


def test_a_new_password_ends_every_session(tmp_path):
    store = PasswordStore(tmp_path)
    store.set("first password here")
    sessions = Sessions(store, minutes=30)
    _, cookie = sessions.start()
    assert sessions.current(cookie) is not None
    store.set("second password here")
    assert sessions.current(cookie) is None  # signed with the old secret


def test_sessions_expire_after_idle_minutes(tmp_path):
    clock = FakeClock()
    store = PasswordStore(tmp_path)
    store.set("a long enough password")
    sessions = Sessions(store, minutes=30, clock=clock)
    _, cookie = sessions.start()
    clock.now += 29 * 60
    assert sessions.current(cookie) is not None  # use restarts the idle time
    clock.now += 29 * 60
    assert sessions.current(cookie) is not None
    clock.now += 31 * 60
    assert sessions.current(cookie) is None


def test_the_lockout_counts_per_client_and_ends():
    clock = FakeClock()
    guard = LoginGuard(attempts=5, lockout_minutes=15, clock=clock)
    assert [guard.failed("10.0.0.1") for _ in range(4)] == [False] * 4
    assert guard.locked_for("10.0.0.1") == 0 and guard.locked_for("10.0.0.2") == 0
    assert guard.failed("10.0.0.1") is True
    assert 14 * 60 < guard.locked_for("10.0.0.1") <= 15 * 60
    assert guard.locked_for("10.0.0.2") == 0  # another client is not locked out
    clock.now += 15 * 60 + 1
    assert guard.locked_for("10.0.0.1") == 0


def test_set_password_from_stdin_turns_the_console_on(tmp_path):
    done = subprocess.run([*CLI, "admin", "set-password", "--password-stdin", "--data-dir", str(tmp_path)],
                          input="hall staff password\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert PasswordStore(tmp_path).verify("hall staff password")
    short = subprocess.run([*CLI, "admin", "set-password", "--password-stdin", "--data-dir", str(tmp_path / "b")],
                           input="short\n", capture_output=True, text=True, timeout=120)
    assert short.returncode == 1 and "at least 10" in short.stderr
    assert not PasswordStore(tmp_path / "b").is_set


def _doc(doc_id: str, title: str, effective: date | None = None, expires: date | None = None) -> DocumentInfo:
    return DocumentInfo(doc_id, title, None, None, effective, expires, None, 1, f"{doc_id}.md")


def test_a_staff_replacement_supersedes_from_the_successors_effective_date():
    old = _doc("a", "关于测试甲的通知", date(2025, 1, 1), date(2028, 1, 1))
    new = _doc("b", "关于测试乙的通知", date(2026, 10, 1), date(2029, 1, 1))
    before, after = date(2026, 9, 30), date(2026, 10, 1)
    assert document_statuses([old, new], before, {"a": "b"})[0].status == "in_force"
    v = document_statuses([old, new], after, {"a": "b"})[0]
    assert v.status == "superseded" and v.replaced_by_title == "关于测试乙的通知"
    assert validity_label(v, "zh") == "已被《关于测试乙的通知》取代（自2026年10月1日起）"
    assert validity_label(v, "en") == "replaced by 《关于测试乙的通知》 from 2026-10-01"
    assert document_statuses([old, new], after)[0].status == "in_force"  # no mark, different titles: unrelated
    assert document_statuses([old], after, {"a": "b"})[0].status == "in_force"  # the successor was removed


def test_unreadable_staff_marks_are_no_marks(tmp_path):
    marks_path(tmp_path).write_text("{not json", encoding="utf-8")
    assert load_marks(tmp_path) == StaffMarks()


def test_feedback_for_staff_puts_thumbs_down_first_and_keeps_formulas_text():
    rows = [FeedbackRow("2026-12-01T09:00:00+00:00", "up", "q1", "a1", ("甲",), False),
            FeedbackRow("2026-12-02T09:00:00+00:00", "down", "=1+1", "a2", ("乙",), False),
            FeedbackRow("2026-12-03T09:00:00+00:00", "up", "q3", "a3", ("甲",), False),
            FeedbackRow("2026-11-30T09:00:00+00:00", "down", "@cmd", "-a4", (), True)]
    assert [r.question for r in filter_feedback(rows)] == ["=1+1", "@cmd", "q3", "q1"]
    assert [r.question for r in filter_feedback(rows, since=date(2026, 12, 1))] == ["=1+1", "q3", "q1"]
    assert [r.question for r in filter_feedback(rows, document="甲", vote="up")] == ["q3", "q1"]
    csv_text = feedback_csv(filter_feedback(rows))
    assert "'=1+1" in csv_text and "'@cmd" in csv_text and "'-a4" in csv_text


@pytest.mark.parametrize(("name", "fine"), [("policy.md", True), ("2026年人才政策.DOCX", True), ("a/b.md", False),
                                            ("..", False), ("x.md\x00.txt", False), ("run.sh", False)])
def test_upload_names(name, fine):
    assert (name_problem(name) is None) == fine


@pytest.mark.slow
def test_ingest_and_remove_report_as_json(tmp_path):
    policy = tmp_path / "parking.md"
    policy.write_text("# 关于测试园区停车的通知\n\n第一条 园区企业员工可以申请停车补贴，每月200元。\n", encoding="utf-8")
    env = child_env(Settings(data_dir=tmp_path / "data"))
    ingest = subprocess.run([*CLI, "ingest", str(policy), str(tmp_path / "missing.md"), "--json"], env=env,
                            capture_output=True, text=True, timeout=300)
    report = json.loads(ingest.stdout)
    assert report["documents"] == 1 and report["index_units"] == report["units"] >= 1
    assert [s["name"] for s in report["sources"]] == ["parking.md"]
    assert report["skipped"][0]["name"] == "missing.md" and "does not exist" in report["skipped"][0]["reason"]
    unknown = subprocess.run([*CLI, "remove", "nothing.md", "--json"], env=env, capture_output=True, text=True,
                             timeout=300)
    assert unknown.returncode == 1 and json.loads(unknown.stdout)["unknown"] == ["nothing.md"]
    removed = subprocess.run([*CLI, "remove", "parking.md", "--json"], env=env, capture_output=True, text=True,
                             timeout=300)
    assert json.loads(removed.stdout) == {"removed": {"parking.md": report["units"]}, "unknown": [],
                                          "index_units": 0}

"""A member of staff in a real browser: log in, add a policy, see visitors answered from it, replace it with a newer
one, remove it, check a rule, read feedback and the audit log. Each console page is saved as a screenshot
(test-artifacts/screenshots/admin-*.png)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from console_helpers import PASSWORD
from ui_helpers import ask, open_page, screenshot, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OLD_TITLE = "关于测试园区共享单车停车补助的通知"
NEW_TITLE = "关于测试园区绿色出行补助的通知"
OLD_POLICY = f"""# {OLD_TITLE}

第一条 在测试园区注册的企业，为员工购买共享单车月卡的，可以申请停车补助，每人每月最高50元。

第二条 本通知自2026年1月1日起施行，有效期至2027年6月30日。
"""
NEW_POLICY = f"""# {NEW_TITLE}

第一条 在测试园区注册的企业，为员工购买共享单车月卡的，可以申请绿色出行补助，每人每月最高80元。

第二条 本通知自2026年10月1日起施行，有效期至2028年9月30日。
"""
QUESTION = "园区企业给员工买共享单车月卡，每人每月能补助多少钱？"


def _log_in(page, url: str) -> None:
    page.goto(url + "/admin/login")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/documents")


def _upload(page, path) -> str:
    page.set_input_files("#upload input[type=file]", str(path))
    page.click("#upload button[type=submit]")
    page.wait_for_function("document.getElementById('upload-state').textContent.includes('完成')", timeout=300_000)
    return page.locator("#upload-results").inner_text()


def _row(page, title: str):
    """The document's row (its title link, not the other rows' "replaced by" lists naming it)."""
    return page.locator("table.docs tbody tr").filter(has=page.locator("td:first-child a", has_text=title))


def _visitor_reply(browser, url: str) -> tuple[str, list[str], int]:
    """Ask the visitor page; the reply's text, the quoted clauses, and how many quotes are marked unverified."""
    watch = open_page(browser, 1100, 900)
    page = watch.page
    page.goto(url + "/")
    wait_ready(page)
    ask(page, QUESTION, 1)
    reply = page.locator(".pa-chat .pa-bot").last
    quotes = [q.inner_text() for q in reply.locator(".pa-quote").all()]
    text, unverified = reply.inner_text(), reply.locator(".pa-unverified").count()
    page.context.close()
    return text, quotes, unverified


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_staff_add_replace_and_remove_a_policy(browser, console_server, staff_settings, tmp_path):
    url = console_server.url
    old_file, new_file = tmp_path / "bike-2026.md", tmp_path / "green-2026.md"
    old_file.write_text(OLD_POLICY, encoding="utf-8")
    new_file.write_text(NEW_POLICY, encoding="utf-8")
    page = open_page(browser, 1280, 900).page
    _log_in(page, url)
    screenshot(page, "admin-documents")

    # Add: the file is indexed and listed with its dates and status.
    results = _upload(page, old_file)
    assert "bike-2026.md" in results and "indexed: new" in results
    screenshot(page, "admin-upload")
    page.reload()
    row = _row(page, OLD_TITLE)
    assert "2026-01-01" in row.inner_text() and "2027-06-30" in row.inner_text()
    assert "现行有效 In force" in row.inner_text()

    # Visitors are answered from it, with quotes found word for word in the file staff uploaded.
    text, quotes, unverified = _visitor_reply(browser, url)
    assert OLD_TITLE in text and unverified == 0 and quotes
    assert all(_squash(q.strip("「」")) in _squash(OLD_POLICY) for q in quotes)

    # Replace: a newer policy with another title; the old one is marked as replaced by it.
    assert "indexed: new" in _upload(page, new_file)
    page.reload()
    old_row = _row(page, OLD_TITLE)
    old_row.locator("select[name=new]").select_option(label=NEW_TITLE)
    old_row.locator("form.replace button").click()
    page.wait_for_url("**/admin/documents")
    old_row = _row(page, OLD_TITLE)
    assert "已被取代 Replaced" in old_row.inner_text() and NEW_TITLE in old_row.inner_text()
    screenshot(page, "admin-replaced")
    text, quotes, unverified = _visitor_reply(browser, url)
    assert NEW_TITLE in text and "80元" in "".join(quotes) and unverified == 0
    assert f"取代《{OLD_TITLE}》" in text  # the answer names what the cited policy replaced
    assert "50元" not in "".join(quotes)  # the replaced policy is not quoted for today's rules

    # Remove the new file after a confirmation: it is gone from the list and from answers.
    _row(page, NEW_TITLE).locator("a.danger").click()
    page.wait_for_url("**/admin/remove**")
    assert NEW_TITLE in page.inner_text("main")
    screenshot(page, "admin-remove-confirm")
    page.click("button.danger")
    assert "removed green-2026.md" in page.inner_text("main")
    page.goto(url + "/admin/documents")
    assert _row(page, NEW_TITLE).count() == 0
    text, _, _ = _visitor_reply(browser, url)
    assert NEW_TITLE not in text
    assert not (staff_settings.data_dir / "uploads" / "green-2026.md").exists()

    audit = [json.loads(line) for line in (staff_settings.data_dir / "audit.jsonl").read_text("utf-8").splitlines()]
    actions = {(e["action"], e["ok"]) for e in audit}
    assert {("login", True), ("upload", True), ("replace", True), ("remove", True)} <= actions
    assert "共享单车月卡" not in (staff_settings.data_dir / "audit.jsonl").read_text("utf-8")  # no visitor text


def test_staff_check_a_rule_and_the_small_print_goes(browser, console_server, staff_settings):
    url = console_server.url
    question = "我在园区企业连续工作了2年，今年30岁，社保交了1年，能申请生活补贴吗？"
    visitor = open_page(browser, 1100, 900).page
    visitor.goto(url + "/")
    wait_ready(visitor)
    ask(visitor, question, 1)
    reply = visitor.locator(".pa-chat .pa-bot").last
    assert reply.locator(".pa-verdict").count() == 1
    assert "尚未经工作人员核对" in reply.locator(".pa-smallprint").inner_text()

    page = open_page(browser, 1280, 900).page
    _log_in(page, url)
    _row(page, "关于测试园区青年人才生活补贴的通知").locator("a").first.click()
    page.wait_for_url("**/admin/documents/**")
    rule = page.locator("table.rules tbody tr", has_text="可以申请一次性生活补贴5000元")
    assert "在园区企业连续工作满1年" in rule.inner_text() and "not checked" in rule.inner_text()
    rule.locator("button").click()
    page.wait_for_url("**/admin/documents/**")
    assert "✓ checked" in page.locator("table.rules tbody tr", has_text="可以申请一次性生活补贴5000元").inner_text()
    screenshot(page, "admin-document-rules")
    audit = (staff_settings.data_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(audit[-1])["action"] == "rule_check" and question not in "".join(audit)

    fresh = open_page(browser, 1100, 900).page
    fresh.goto(url + "/")
    wait_ready(fresh)
    ask(fresh, question, 1)
    reply = fresh.locator(".pa-chat .pa-bot").last
    assert reply.locator(".pa-verdict").count() == 1 and reply.locator(".pa-smallprint").count() == 0

    # A rule re-read from unchanged text keeps its mark: re-ingesting the same file changes nothing.
    from assistant.web.admin.uploads import child_env
    from ingest.staff_marks import load_marks

    before = dict(load_marks(staff_settings.data_dir).checked_rules)
    subprocess.run([sys.executable, "-c", "from assistant.cli.main import main; main()", "ingest",
                    *map(str, staff_settings.corpus_paths)], env=child_env(staff_settings), check=True,
                   capture_output=True, timeout=300)
    page.reload()
    assert "✓ checked" in page.locator("table.rules tbody tr", has_text="可以申请一次性生活补贴5000元").inner_text()
    assert load_marks(staff_settings.data_dir).checked_rules == before


def test_staff_pages_retrieval_feedback_audit_health(browser, console_server, staff_settings):
    url = console_server.url
    feedback = [{"time": "2026-12-01T09:00:00+00:00", "vote": "up", "question": "生活补贴有多少？",
                 "answer": "5000元", "mode": "extractive", "refused": False,
                 "citations": [{"doc_title": "关于测试园区青年人才生活补贴的通知"}]},
                {"time": "2026-12-02T10:00:00+00:00", "vote": "down", "question": "=HYPERLINK(\"x\") 补贴呢？",
                 "answer": "<b>不知道</b>", "mode": "extractive", "refused": True, "citations": []}]
    staff_settings.resolved_feedback_path.write_text(
        "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in feedback), encoding="utf-8")
    page = open_page(browser, 1280, 900).page
    _log_in(page, url)

    page.goto(url + "/admin/retrieval?q=" + "青年人才生活补贴申请条件")
    first = page.locator("table.ranked tbody tr").first
    assert "关于测试园区青年人才生活补贴的通知" in first.inner_text() and "bm25 #" in first.inner_text()
    screenshot(page, "admin-retrieval")

    page.goto(url + "/admin/feedback")
    rows = page.locator("table.feedback tbody tr")
    assert "👎" in rows.nth(0).inner_text() and "<b>不知道</b>" in rows.nth(0).inner_text()  # text, not markup
    assert "👍" in rows.nth(1).inner_text()
    screenshot(page, "admin-feedback")
    page.goto(url + "/admin/feedback?doc=青年人才")
    assert page.locator("table.feedback tbody tr").count() == 1
    csv_text = page.request.get(url + "/admin/feedback.csv").text()
    assert "'=HYPERLINK" in csv_text  # a spreadsheet must not run visitor text as a formula

    page.goto(url + "/admin/audit")
    assert "login" in page.locator("table.audit").inner_text()
    assert "青年人才生活补贴申请条件" not in page.content()  # staff queries and visitor text stay out of it
    screenshot(page, "admin-audit")

    page.goto(url + "/admin/health")
    health = page.locator("table.health").inner_text()
    assert "documents" in health and "Embedding model" in health and "reachable" in health
    assert "not configured" in health  # no LLM in these tests
    screenshot(page, "admin-health")

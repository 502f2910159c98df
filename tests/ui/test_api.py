"""The API from gradio_client against the running app: named endpoints, per-client conversations, JSON answer."""

from __future__ import annotations

import pytest
from ui_helpers import FOUNDER_Q_ZH, IMPL_TITLE

FOLLOW_UP = "那如果首轮投资是200万元呢？"


@pytest.fixture(scope="module")
def client_factory(chat_server):
    from gradio_client import Client

    clients = []

    def make() -> Client:
        client = Client(chat_server.url + "/", verbose=False, download_files=False)
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


def test_endpoint_names(client_factory) -> None:
    info = client_factory().view_api(print_info=False, return_format="dict")
    names = set(info["named_endpoints"])
    assert {"/chat", "/chat_json", "/reset", "/ask"} <= names, names
    assert [p["parameter_name"] for p in info["named_endpoints"]["/chat"]["parameters"]] == ["question"]


def test_chat_keeps_history_per_client(client_factory) -> None:
    alice, bob = client_factory(), client_factory()
    text = alice.predict(FOUNDER_Q_ZH, api_name="/chat")
    assert IMPL_TITLE in text and "[1]" in text
    followed = alice.predict(FOLLOW_UP, api_name="/chat_json")
    assert followed["standalone_query"] != FOLLOW_UP and "500" in followed["standalone_query"], \
        "Alice's follow-up is read with her own history"
    assert any(IMPL_TITLE in c["doc_title"] for c in followed["citations"])
    fresh = bob.predict(FOLLOW_UP, api_name="/chat_json")
    assert fresh["standalone_query"] == FOLLOW_UP, "Bob never sees Alice's conversation"
    alice.predict(api_name="/reset")
    after_reset = alice.predict(FOLLOW_UP, api_name="/chat_json")
    assert after_reset["standalone_query"] == FOLLOW_UP


def test_ask_returns_json_answer(client_factory) -> None:
    data = client_factory().predict(FOLLOW_UP, [{"role": "user", "content": FOUNDER_Q_ZH},
                                                {"role": "assistant", "content": "…"}], api_name="/ask")
    assert set(data) >= {"answer", "citations", "refused", "validity", "mode", "notice", "sources"}
    assert data["mode"] == "extractive" and not data["refused"]
    source = next(s for s in data["sources"] if IMPL_TITLE in s["doc_title"])
    assert source["verified"] is True
    assert "".join(source["quote"].split()) in "".join(source["unit_text"].split())
    assert source["validity"]["status"] == "expired"


def test_bad_input_is_a_clear_error(client_factory, chat_server) -> None:
    client = client_factory()
    limit = chat_server.settings.max_question_chars
    with pytest.raises(Exception, match=str(limit)):
        client.predict("长" * (limit + 1), api_name="/chat")
    with pytest.raises(Exception, match="history"):
        client.predict("问题", "not a list", api_name="/ask")

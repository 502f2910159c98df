"""A flood against the public widget: one client sends 200 questions as fast as it can while 10 other sessions ask
3 questions each. Measured in the same run without and with the flood (real app on loopback, gradio_client)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.settings import Settings
from eval.load_test import run_load

pytestmark = pytest.mark.slow

FLOOD = 200


def _ask_index(url: str) -> int:
    with urllib.request.urlopen(url + "/config", timeout=30) as response:
        config = json.loads(response.read())
    return next(d.get("id", i) for i, d in enumerate(config["dependencies"]) if d.get("api_name") == "ask")


def _join(url: str, fn_index: int, session_hash: str) -> int:
    """One raw request to join the answer queue for /ask, as a script would send it: the HTTP status."""
    body = json.dumps({"data": ["留学生落户要什么条件", []], "fn_index": fn_index, "session_hash": session_hash,
                       "event_data": None, "trigger_id": None}).encode()
    request = urllib.request.Request(url + "/gradio_api/queue/join", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _flooded(server, rel_assistant, settings: Settings):
    """The 10 sessions' load report while one script sends FLOOD requests to join the queue, and their statuses."""
    statuses: list[int] = []
    flooder, ask = uuid.uuid4().hex[:10], _ask_index(server.url)

    def flood() -> None:
        with ThreadPoolExecutor(max_workers=60) as pool:  # 60 at a time, as fast as they go
            statuses.extend(pool.map(lambda _: _join(server.url, ask, flooder), range(FLOOD)))

    thread = threading.Thread(target=flood)
    thread.start()
    report = run_load(rel_assistant, server.url, settings, sessions=10, timeout_s=120)
    thread.join(120)
    return report, statuses


def test_a_flood_is_turned_away_and_other_visitors_are_served_as_before(rel_assistant, indexed_settings: Settings,
                                                                         app_factory) -> None:
    server = app_factory(rel_assistant, indexed_settings)  # the default limits
    quiet = run_load(rel_assistant, server.url, indexed_settings, sessions=10, timeout_s=120)
    assert quiet.errors == [] and quiet.mismatches == []
    busy, statuses = _flooded(server, rel_assistant, indexed_settings)
    # The same flood against the same app with the limits switched off, for the figures beside them.
    open_settings = indexed_settings.model_copy(update={"rate_limit": "100000 per minute",
                                                        "queue_rate_limit": "100000 per minute"})
    unlimited, open_statuses = _flooded(app_factory(rel_assistant, open_settings), rel_assistant, open_settings)
    print(f"\nwithout the flood: {quiet.format()}\nwith the flood, default limits: {busy.format()}\n"
          f"flood: {statuses.count(200)} admitted, {statuses.count(429)} turned away of {len(statuses)}\n"
          f"with the flood, no limits: {unlimited.format()}\n"
          f"flood: {open_statuses.count(200)} admitted, {open_statuses.count(429)} turned away")
    assert len(statuses) == FLOOD
    assert statuses.count(429) >= FLOOD - 20 and statuses.count(200) >= 1  # the queue window's 10 per 10 s got in
    assert busy.errors == [] and busy.mismatches == []  # every other visitor's answer, in its own session
    assert busy.p95_ms <= 2 * quiet.p95_ms, (quiet.p95_ms, busy.p95_ms)
    assert open_statuses.count(429) == 0  # without the limits nothing holds the script back

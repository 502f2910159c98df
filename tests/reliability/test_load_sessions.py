"""Concurrent sessions through the Gradio API: zero errors, no answer or history in the wrong session.

The bounded CI form of `policy-assistant loadtest` (eval/load_test.py): 10 sessions x 3 questions (topic,
follow-up, another question), half on /chat_json, half on the streamed /chat, all at once.
"""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from eval.load_test import run_load

pytestmark = pytest.mark.slow


def _check(report, sessions: int) -> None:
    print("\n" + report.format())  # the figures, visible with -s and in the CI log on failure
    assert report.errors == []
    assert report.mismatches == []
    assert report.requests == 3 * sessions
    # The wrong-session check has teeth: each pair's follow-up answer is distinct and depends on its history.
    assert report.distinct_followups >= report.followup_pairs - 1
    assert report.followups_needing_history >= report.followup_pairs * 0.7
    assert report.p95_ms < 60_000


def test_ten_concurrent_sessions_through_the_gradio_api(rel_assistant, indexed_settings: Settings,
                                                       app_factory) -> None:
    server = app_factory(rel_assistant, indexed_settings)
    # More sessions than Gradio's concurrency limit, so the queue really queues.
    assert indexed_settings.concurrency_limit < 10
    _check(run_load(rel_assistant, server.url, indexed_settings, sessions=10, timeout_s=120), 10)

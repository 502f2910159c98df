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


def test_the_load_command_serves_the_app_in_a_process_of_its_own(indexed_settings: Settings) -> None:
    """`policy-assistant loadtest`'s own path: `serve` started as a separate process, visitors from this one, and
    the server's CPU time and peak memory read from that process."""
    from eval.load_test import run_load_test
    from eval.served_app import process_cpu_seconds

    report = run_load_test(indexed_settings, sessions=4, timeout_s=120)
    print("\n" + report.format())
    assert report.errors == [] and report.mismatches == [] and report.requests == 12
    assert report.server_cpu_s is not None and report.server_cpu_s > 0
    assert report.driver_cpu_s is not None
    assert report.server_peak_mb is not None and report.server_peak_mb > 100  # a loaded model and index
    assert "ms per answer" in report.format()
    served_pid = report.server_pid
    assert served_pid is not None and process_cpu_seconds(served_pid) is None  # stopped afterwards

"""Fixtures for the assistant's tests: the real PolicyAssistant over the real index of the default corpus."""

from __future__ import annotations

import pytest

from assistant.service import PolicyAssistant


@pytest.fixture(scope="module")
def assistant(indexed_settings) -> PolicyAssistant:
    """One assistant per test module (its retriever, embedder and answer chain load once, on first use)."""
    return PolicyAssistant(indexed_settings)

"""Small helpers shared by the reliability tests."""

from __future__ import annotations

from typing import Any

from assistant.types import Answer


def client_for(url: str) -> Any:
    """A gradio_client Client: one visitor session of the app at `url`."""
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False)


def api(client: Any, endpoint: str, *args: Any, timeout: float = 60) -> Any:
    """Call an API endpoint with a timeout (gradio_client's predict has none)."""
    return client.submit(*args, api_name=endpoint).result(timeout=timeout)


def index_ids(assistant: Any) -> dict[str, str]:
    """Unit id -> unit text of every indexed unit (what citations may point to)."""
    return {u.id: u.text for u in assistant._load().retriever.index.units}


def assert_quotes_verified(answer: Answer, units: dict[str, str]) -> None:
    """Every citation points to a real unit, and every quote is a verbatim span of that unit."""
    from assistant.citations import is_verbatim

    for c in answer.citations:
        assert c.id in units, f"citation of a unit that is not in the index: {c}"
        if c.quote:
            assert c.verified and is_verbatim(c.quote, units[c.id]), f"unverified quote: {c.quote!r}"

"""Small helpers shared by the reliability tests."""

from __future__ import annotations

from typing import Any

from assistant.types import Answer

_OPEN: list[Any] = []


def client_for(url: str) -> Any:
    """A gradio_client Client: one visitor session of the app at `url` (closed by `close_clients`)."""
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False)
    _OPEN.append(client)
    return client


def close_clients() -> None:
    """Close every client opened by `client_for`, so the app server can shut down without waiting on them."""
    while _OPEN:
        _OPEN.pop().close()


def api(client: Any, endpoint: str, *args: Any, timeout: float = 60) -> Any:
    """Call an API endpoint with a timeout (gradio_client's predict has none)."""
    return client.submit(*args, api_name=endpoint).result(timeout=timeout)


def index_ids(assistant: Any) -> dict[str, str]:
    """Unit id -> unit text of every indexed unit (what citations may point to)."""
    return {u.id: u.text for u in assistant._load().retriever.index.units}


def assert_quotes_verified(answer: Answer, units: dict[str, str]) -> None:
    """Every citation points to a real unit, and every quote is a verbatim span of that unit."""
    from assistant.answer.citations import is_verbatim

    for c in answer.citations:
        assert c.id in units, f"citation of a unit that is not in the index: {c}"
        if c.quote:
            assert c.verified and is_verbatim(c.quote, units[c.id]), f"unverified quote: {c.quote!r}"

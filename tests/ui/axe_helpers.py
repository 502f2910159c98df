"""axe-core in the browser tests: run it on a page, print what it found, fail on serious or critical violations.

The engine is the axe.min.js bundled in the `axe-playwright-python` wheel (a test dependency), injected into the
page by Playwright, so nothing is fetched at test time.
"""

from __future__ import annotations

from typing import Any

BLOCKING = {"serious", "critical"}


def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def run_axe(page_or_frame: Any) -> list[dict]:
    """axe's violations on the whole page as it is now (every rule axe runs by default, best practices included;
    Gradio's own markup too: nothing needed excluding)."""
    if not page_or_frame.evaluate("() => typeof window.axe !== 'undefined'"):
        page_or_frame.evaluate(axe_script())
    results = page_or_frame.evaluate("(options) => axe.run(document, options)", {"resultTypes": ["violations"]})
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} ({len(v['nodes'])}) {v['help']}")
        for node in v["nodes"][:6]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def counts(violations: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in violations:
        out[v["impact"]] = out.get(v["impact"], 0) + len(v["nodes"])
    return out


# While Gradio updates a component it fades it (and an overlay) for a moment: axe would measure the faded colours.
SETTLED = """() => !document.querySelector('.pending, .wrap.translucent, .wrap.generating')
    && [...document.querySelectorAll('.html-container, .block')].every(e => getComputedStyle(e).opacity === '1')"""


def settle(page_or_frame: Any, timeout: float = 30_000) -> None:
    """Wait until no Gradio component is pending or fading."""
    page_or_frame.wait_for_function(SETTLED, timeout=timeout)


def assert_accessible(page_or_frame: Any, name: str) -> list[dict]:
    """No serious or critical violation on the page; the milder ones are printed (pytest -s shows them)."""
    settle(page_or_frame)
    violations = run_axe(page_or_frame)
    print(f"\naxe on {name}: {counts(violations) or 'no violations'}\n{describe(violations)}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe on {name}:\n{describe(blocking)}"
    return violations

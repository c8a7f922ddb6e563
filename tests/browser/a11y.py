"""What every visited page goes through: axe-core's WCAG 2.1 A/AA rules, and a screenshot."""
from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import SCREENSHOTS

WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()  # axe-core bundled by the PyPI package: no npm, no CDN


def assert_accessible(page, what: str) -> None:
    """Zero axe violations on the page as it is now (injected after load, through CDP,
    so the page's CSP stays as strict as in production)."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG21_AA},
                                      "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, f"axe on {what} ({page.url}):\n" + _describe(violations)


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def screenshot(page, name: str) -> None:
    """For a reviewer to look at; written under test-output/ (gitignored, not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 0}
    kind = "phone" if size["width"] < 600 else "desktop"
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower())
    page.screenshot(path=str(SCREENSHOTS / f"{safe}-{kind}.png"), full_page=True)


def visit(page, what: str, shot: str | None = None) -> None:
    """Check the page the browser is on; take a screenshot when asked."""
    assert_accessible(page, what)
    if shot:
        screenshot(page, shot)

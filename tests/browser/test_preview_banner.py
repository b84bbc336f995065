"""The preview's content-error banner (generator/preview.py) in a browser: axe finds nothing
wrong inside it, and the Tab key reaches its diagnostics first.

A page of the built site is served with the banner added, as `briefs serve` serves it
while generation fails: the tab's request for that page is answered with the page through
`inject_banner`; its styles and scripts come from the session's server as usual.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.preview import BANNER_ID, MAX_LINES, inject_banner

from .conftest import Site

pytestmark = pytest.mark.browser

PAGE = "glossary/hegemony/"  # any built page; this one has no diagram to wait for
LINES = (
    "briefs/xi-lavrov-beijing-talks.yaml:3:7: error[bad-date]: date: '2024-13-45' is not "
    "a real calendar date",
    "briefs/xi-lavrov-beijing-talks.yaml:4:1: error[unknown-key]: unknown key "
    "'<script>alert(1)</script>'",
    *(f"briefs/actors/a{i}.yaml:{i + 1}:1: error[missing-field]: 'summary' is required "
      "(every actor has a one to three sentence summary)" for i in range(MAX_LINES)),
)
# Every violation (any impact) whose element lies inside the banner.
RUN_AXE_ON_BANNER = """async (id) => {
  const result = await axe.run(document, {resultTypes: ['violations'], elementRef: true});
  return result.violations.flatMap(v => v.nodes
    .filter(n => n.element && n.element.closest('#' + id))
    .map(n => ({id: v.id, impact: v.impact, help: v.help, target: n.target.map(String),
                summary: n.failureSummary})));
}"""


def open_with_banner(page: Any, site: Site) -> None:
    url = site.page_url(PAGE)
    body = inject_banner((site.folder / PAGE / "index.html").read_bytes(), LINES)
    page.route(url, lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=body))
    page.goto(url)
    page.locator(f"#{BANNER_ID}").wait_for(state="visible")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_banner_has_no_axe_violations(*, site: Site, axe_js: Path, artifacts: Path,
                                          contexts: Callable[[str], Any], scheme: str) -> None:
    page = contexts(scheme).new_page()
    page.bring_to_front()
    try:
        open_with_banner(page, site)
        page.screenshot(path=str(artifacts / f"preview-banner-{scheme}.png"))
        page.add_script_tag(path=str(axe_js))
        violations = page.evaluate(RUN_AXE_ON_BANNER, BANNER_ID)
    finally:
        page.close()
    assert violations == [], json.dumps(violations, indent=2)


def test_tab_from_the_top_reaches_the_diagnostics_first(site: Site, page: Any) -> None:
    """The diagnostics scroll (at most 40% of the window), so a keyboard user must be able
    to focus them: the first Tab from the top of the page lands on them, and the banner is
    a landmark region named by its heading."""
    page.set_viewport_size({"width": 360, "height": 800})
    open_with_banner(page, site)
    focused_before = page.evaluate("() => document.activeElement === document.body")
    assert focused_before, "something has focus before any key is pressed"
    page.keyboard.press("Tab")
    focused = page.evaluate("""(id) => {
      const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), inBanner: !!el.closest('#' + id),
              scrolls: el.scrollHeight > el.clientHeight,
              text: (el.textContent || '').slice(0, 60)};
    }""", BANNER_ID)
    assert focused["tag"] == "pre" and focused["inBanner"], focused
    assert focused["scrolls"], "the diagnostics do not scroll: the test lines are too few"
    page.keyboard.press("PageDown")  # keyboard scrolling may be animated: wait for it
    page.wait_for_function("() => document.activeElement.scrollTop > 0", timeout=3_000)
    banner = page.locator(f"#{BANNER_ID}")
    assert banner.get_attribute("role") == "region"
    title = page.locator(f"#{banner.get_attribute('aria-labelledby')}")
    assert title.evaluate("el => el.tagName") == "H2"
    assert "Content errors" in title.inner_text()

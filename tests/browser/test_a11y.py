"""axe-core finds no serious or critical accessibility violations, in light and dark.

axe-core comes from npm (tests/browser/install_axe.sh puts it in .cache/npm). Each page is
checked with the colour scheme Material picks from prefers-color-scheme (the palette has a
light and a dark entry with `media` queries). Counts per page and scheme, and every
violation found (any impact), are written to tests/artifacts/axe.json.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import BRIEF_ID, MISSING_PAGE, RUNNING_TEXT_URL, Site, wait_for_diagrams

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "brief": f"briefs/{BRIEF_ID}/",
    "actor": "actors/sergei-lavrov/",
    "term": "glossary/hegemony/",
    "glossary": "glossary/",
    "timeline": "timeline/",
    "404": MISSING_PAGE,
    "search": "",  # the home page with the search dialog open, results and filters shown
}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material scheme
BLOCKING = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 12).map(n => n.target.map(String).join(' >>> ')),
    summary: (v.nodes[0] && v.nodes[0].failureSummary || '').split('\\n').slice(0, 3)
      .join(' ').replace(/\\s+/g, ' ').trim(),
  }));
}"""


@pytest.fixture(scope="module")
def axe_report(artifacts: Path) -> Iterator[dict[str, dict[str, Any]]]:
    report: dict[str, dict[str, Any]] = {}
    yield report
    (artifacts / "axe.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n",
                                        encoding="utf-8")


@pytest.fixture(scope="module")
def scheme_page(contexts: Callable[[str], Any]) -> Iterator[Callable[[str], Any]]:
    """One tab per colour scheme, reused across the pages checked."""
    pages: dict[str, Any] = {}

    def get(scheme: str) -> Any:
        if scheme not in pages:
            pages[scheme] = contexts(scheme).new_page()
        pages[scheme].bring_to_front()  # a background tab renders far slower
        return pages[scheme]

    yield get
    for page in pages.values():
        page.close()


def open_search(page: Any) -> None:
    """Open the search dialog with `/` and search, so axe sees results and filters."""
    page.locator("[data-briefs-search-open]").wait_for(state="visible")
    page.keyboard.press("/")
    page.keyboard.type("Lavrov")
    page.locator(".briefs-search__result").first.wait_for(state="visible")
    page.locator("select[data-filter=kind]").focus()  # the filters' values load when reached
    page.locator("select[data-filter=kind] option").nth(1).wait_for(state="attached")


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} ({v['nodes']} element(s))\n"
        f"      first: {v['summary']}\n"
        + "".join(f"      {t}\n" for t in v["targets"][:6]) for v in violations)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_no_serious_axe_violations(*, site: Site, axe_js: Path, scheme_page: Callable[[str], Any],
                                   axe_report: dict[str, dict[str, Any]], name: str,
                                   scheme: str) -> None:
    page = scheme_page(scheme)
    response = page.goto(site.page_url(PAGES[name]))
    assert response is not None
    assert response.status == (404 if name == "404" else 200)
    if name != "404" and site.soup(PAGES[name]).select_one("pre.mermaid"):
        wait_for_diagrams(page)
    if name == "search":
        open_search(page)
    shown = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    assert shown == SCHEMES[scheme], f"prefers-color-scheme {scheme} gave scheme {shown}"
    page.add_script_tag(path=str(axe_js))
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    counts = dict.fromkeys(("critical", "serious", "moderate", "minor"), 0)
    for v in violations:
        counts[v["impact"] or "minor"] = counts.get(v["impact"] or "minor", 0) + v["nodes"]
    axe_report.setdefault(name, {})[scheme] = {
        "url": PAGES[name] or "/", "counts": counts, "violations": violations}
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    if blocking:
        print(f"\naxe: {name} ({scheme}):\n{describe(violations)}")
    assert not blocking, f"{name} page ({scheme}):\n{describe(blocking)}"


def test_links_in_running_text_are_underlined(*, site: Site, scheme_page: Callable[[str], Any]
                                               ) -> None:
    """A plain Markdown link inside a paragraph is told apart without colour (the axe run
    above covers the brief page that holds it, in light and dark)."""
    link = site.soup(PAGES["brief"]).select_one(f'p a[href="{RUNNING_TEXT_URL}"]')
    assert link is not None, "the test content lost its link in running text"
    for scheme in SCHEMES:
        page = scheme_page(scheme)
        page.goto(site.page_url(PAGES["brief"]))
        line = page.eval_on_selector(f'a[href="{RUNNING_TEXT_URL}"]',
                                     "a => getComputedStyle(a).textDecorationLine")
        assert "underline" in line, f"{scheme}: {line}"

"""Relationship diagrams: Mermaid (served from the site) renders each `<pre class="mermaid">`
into an SVG whose nodes are the actors, linked to their pages; a text list sits next to it.

Material replaces each `pre.mermaid` by a `div.mermaid` holding the SVG in a closed shadow
root; the session's browser contexts force shadow roots open (see conftest). The rendered
diagrams come from the session's walk over every page (the `walk` fixture), so no page is
loaded twice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import BRIEF_ID, Site, Walk, wait_for_diagrams

pytestmark = pytest.mark.browser

MERMAID_SCRIPT = "assets/vendor/mermaid/mermaid.min.js"
MIN_LABEL_PX = 12
# The brief's diagram, the widest (the actors index: up to 30 actors) and an actor's
READABLE_PAGES = {"brief": f"briefs/{BRIEF_ID}/", "actors": "actors/", "actor": "actors/china/"}
READABLE_VIEWPORTS = {"phone": (360, 800), "desktop": (1280, 900)}
# Every label text (node and edge) with its computed font size and the SVG's on-screen
# scale (drawn width / viewBox width); the host's box; and whether the page scrolls sideways.
READ_LABEL_SIZES = """() => ({
  pageScrollWidth: document.documentElement.scrollWidth,
  viewportWidth: document.documentElement.clientWidth,
  diagrams: Array.from(document.querySelectorAll('div.mermaid')).map(host => {
    const svg = host.shadowRoot.querySelector('svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const own = el => Array.from(el.childNodes)
      .filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join('').trim();
    const labels = Array.from(svg.querySelectorAll('g.node *, g.edgeLabel *'))
      .filter(el => own(el))
      .map(el => ({text: own(el), px: parseFloat(getComputedStyle(el).fontSize) * scale}));
    const box = host.getBoundingClientRect();
    return {scale, labels, left: box.left, right: box.right,
            scrolls: host.scrollWidth > host.clientWidth + 1,
            overflowX: getComputedStyle(host).overflowX,
            tabindex: host.getAttribute('tabindex')};
  }),
})"""


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pages_with_diagrams(site: Site) -> list[str]:
    return [rel for rel in site.pages if site.soup(rel).select("pre.mermaid")]


def actor_at(site: Site, url: str) -> str | None:
    match = re.fullmatch(re.escape(site.url) + r"actors/([a-z0-9-]+)/", url)
    return match.group(1) if match else None


def relations(site: Site, brief_id: str) -> list[dict[str, str]]:
    rels: list[dict[str, str]] = site.briefs[brief_id].get("relations", [])
    return rels


def test_brief_and_actor_pages_have_diagrams(site: Site) -> None:
    found = pages_with_diagrams(site)
    assert f"briefs/{BRIEF_ID}/" in found, "the brief page has no <pre class=\"mermaid\">"
    in_relations = {r[end] for r in relations(site, BRIEF_ID) for end in ("from", "to")}
    missing = sorted(a for a in in_relations if f"actors/{a}/" not in found)
    assert not missing, f"actors in the brief's relations without a diagram: {missing}"


def test_mermaid_is_served_from_the_site(site: Site) -> None:
    assert (site.folder / MERMAID_SCRIPT).is_file(), f"{MERMAID_SCRIPT} missing from site/"
    for rel in pages_with_diagrams(site):
        sources = [s.get("src", "") for s in site.soup(rel).select("script[src]")]
        assert any(src.endswith(MERMAID_SCRIPT) for src in sources), (
            f"{rel or 'home'} has a diagram but does not load {MERMAID_SCRIPT}: {sources}")


def test_diagram_text_alternative(site: Site) -> None:
    """Every diagram has a `.diagram-alt` list next to it with the same relations."""
    for rel in pages_with_diagrams(site):
        for pre in site.soup(rel).select("pre.mermaid"):
            alt = None
            for container in (pre.parent, pre.parent and pre.parent.parent):
                alt = container.select_one(".diagram-alt") if container else None
                if alt is not None:
                    break
            assert alt is not None, f"{rel}: a diagram without a .diagram-alt next to it"
            assert alt.select("li"), f"{rel}: the .diagram-alt lists no relations"
    alt_text = norm(site.soup(f"briefs/{BRIEF_ID}/").select_one(".diagram-alt").get_text(" "))
    for r in relations(site, BRIEF_ID):
        line = " ".join([norm(site.actors[r["from"]]["name"]), norm(r["label"]),
                         norm(site.actors[r["to"]]["name"])])
        assert line in alt_text, f"relation missing from the text alternative: {line}"


def test_brief_diagram_shows_relations(site: Site, walk: Walk) -> None:
    rel = f"briefs/{BRIEF_ID}/"
    diagrams = walk.diagrams.get(rel, [])
    assert len(diagrams) == 1, f"{rel}: expected one rendered diagram, got {diagrams}"
    diagram = diagrams[0]
    assert diagram["svg"] and not diagram["error"], diagram
    rels = relations(site, BRIEF_ID)
    ids = {r[end] for r in rels for end in ("from", "to")}
    names = {norm(site.actors[a]["name"]) for a in ids}
    assert set(diagram["nodes"]) == names
    for r in rels:
        assert norm(r["label"]) in diagram["labels"], f"edge label {r['label']!r} not drawn"
    linked = {actor_at(site, link["href"]): link["text"] for link in diagram["links"]}
    for actor_id in ids:
        assert actor_id in linked, f"diagram node for {actor_id} is not a link to its page"
        assert linked[actor_id] == norm(site.actors[actor_id]["name"])


@pytest.mark.parametrize("actor_id", ["sergei-lavrov", "china"])
def test_actor_diagram_shows_neighbours(site: Site, walk: Walk, actor_id: str) -> None:
    diagrams = walk.diagrams.get(f"actors/{actor_id}/", [])
    assert diagrams, f"no rendered diagram on actors/{actor_id}/"
    nodes = {node for d in diagrams for node in d["nodes"]}
    neighbours = {r["to"] if r["from"] == actor_id else r["from"]
                  for r in relations(site, BRIEF_ID) if actor_id in (r["from"], r["to"])}
    expected = {norm(site.actors[a]["name"]) for a in {actor_id, *neighbours}}
    assert expected <= nodes, f"missing nodes: {sorted(expected - nodes)}"


def test_every_diagram_renders_with_linked_nodes(site: Site, walk: Walk) -> None:
    """Each diagram on each page becomes an SVG; every node links to the actor it names.

    Uses the diagrams recorded by the session's walk over every page (see conftest)."""
    problems = []
    for rel in pages_with_diagrams(site):
        expected = len(site.soup(rel).select("pre.mermaid"))
        diagrams = walk.diagrams.get(rel, [])
        if len(diagrams) != expected:
            problems.append(f"{rel}: {expected} diagram(s) in the HTML, {len(diagrams)} drawn")
        for d in diagrams:
            if not d["svg"] or d["error"]:
                problems.append(f"{rel}: diagram did not render ({d})")
                continue
            if len(d["links"]) != len(d["nodes"]):
                problems.append(f"{rel}: {len(d['nodes'])} nodes but {len(d['links'])} links")
            for link in d["links"]:
                actor_id = actor_at(site, link["href"])
                if actor_id is None or site.file_for(link["href"]) is None:
                    problems.append(f"{rel}: node {link['text']!r} links to {link['href']}")
                elif link["text"] != norm(site.actors[actor_id]["name"]):
                    problems.append(f"{rel}: node {link['text']!r} links to {actor_id}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport", list(READABLE_VIEWPORTS))
@pytest.mark.parametrize("name", list(READABLE_PAGES))
def test_diagram_labels_are_readable(site: Site, page: Any, artifacts: Path, name: str,
                                     viewport: str) -> None:
    """Every node and edge label is drawn at least 12 px high on screen (its computed font
    size times the SVG's scale), on a 360 px phone as on a desktop, and the page does not
    scroll sideways: a diagram too wide for the column at that size scrolls inside its own
    box (assets/diagrams.js gives the SVG a minimum width, briefs.css the scale), which the
    keyboard can then reach and scroll."""
    width, height = READABLE_VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(site.page_url(READABLE_PAGES[name]))
    wait_for_diagrams(page)
    seen = page.evaluate(READ_LABEL_SIZES)
    page.locator("div.mermaid").first.screenshot(
        path=str(artifacts / f"diagram-{name}-{viewport}-{width}.png"))
    assert seen["diagrams"], f"{name}: no diagram drawn"
    for diagram in seen["diagrams"]:
        assert diagram["labels"], f"{name}: no label text found in the diagram"
        small = [f"{label['text']!r} at {label['px']:.1f} px" for label in diagram["labels"]
                 if label["px"] < MIN_LABEL_PX]
        assert not small, (f"{name} at {width} px (SVG scale {diagram['scale']:.2f}): "
                           + ", ".join(small))
        assert diagram["right"] <= seen["viewportWidth"], f"{name}: the diagram box overflows"
        # A box that scrolls is a Tab stop (the arrow keys scroll it); one that fits is not.
        if diagram["scrolls"]:
            assert diagram["overflowX"] in ("auto", "scroll"), diagram["overflowX"]
            assert diagram["tabindex"] == "0", f"{name}: the scrolling diagram is no Tab stop"
        else:
            assert diagram["tabindex"] is None, f"{name}: a diagram that fits is a Tab stop"
    assert seen["pageScrollWidth"] <= seen["viewportWidth"], (
        f"{name} scrolls sideways at {width} px (scrollWidth {seen['pageScrollWidth']})")

"""Relationship diagrams: Mermaid flowchart source plus the same edges as a text alternative."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup

from .graph import Edge
from .text import mermaid_label

_ACC_UNSAFE = re.compile(r"[^\w ,.'’-]")
MAX_EDGES = 120
# The actors index draws the relations among this many actors at most: the most connected.
INDEX_ACTORS = 30
WIDE_NODES = 6  # beyond this a diagram stops being readable; the text list says so


@dataclass(frozen=True)
class DiagramEdge:
    source: str
    target: str
    label: str


@dataclass(frozen=True)
class Diagram:
    source: Markup  # Mermaid flowchart, every label escaped
    edges: tuple[DiagramEdge, ...]  # the text alternative, in the same order
    omitted: int  # edges left out of a very large diagram


def unique_edges(edges: Iterable[Edge]) -> list[DiagramEdge]:
    """Each labelled edge once; an affiliation or membership edge only where no relation
    written in a brief already joins the same two actors (two arrows would overlap)."""
    edges = list(edges)
    related = {(e.source, e.target) for e in edges if e.brief is not None}
    seen: dict[tuple[str, str, str], None] = {}
    for e in edges:
        if e.brief is None and (e.source, e.target) in related:
            continue
        seen.setdefault((e.source, e.target, e.label))
    return [DiagramEdge(*key) for key in seen]


def most_connected(edges: list[DiagramEdge], most: int
                   ) -> tuple[list[DiagramEdge], int, int]:
    """The edges among the `most` actors with the most edges (ties: by id), in their order,
    then how many actors and edges that leaves out; every edge when no more than `most`
    actors take part."""
    degree: dict[str, int] = {}
    for edge in edges:
        for actor in {edge.source, edge.target}:
            degree[actor] = degree.get(actor, 0) + 1
    if len(degree) <= most:
        return edges, 0, 0
    top = set(sorted(degree, key=lambda a: (-degree[a], a))[:most])
    kept = [e for e in edges if e.source in top and e.target in top]
    drawn = {a for e in kept for a in (e.source, e.target)}
    return kept, len(degree) - len(drawn), len(edges) - len(kept)


def flowchart(edges: list[DiagramEdge], name: Callable[[str], str],
              href: Callable[[str], str], title: str) -> Diagram | None:
    """A Mermaid flowchart whose nodes are actors (linked to their pages) and edges relations."""
    if not edges:
        return None
    shown = edges[:MAX_EDGES]
    nodes: dict[str, str] = {}
    for edge in shown:
        for actor in (edge.source, edge.target):
            nodes.setdefault(actor, f"n{len(nodes)}")
    # Wide left-to-right charts shrink to unreadable text; larger ones run top-down.
    direction = "LR" if len(nodes) <= WIDE_NODES else "TB"
    lines = [f"flowchart {direction}", f"  accTitle: {_ACC_UNSAFE.sub(' ', title)}"]
    for actor, node in nodes.items():
        lines.append(f'  {node}["{mermaid_label(name(actor))}"]')
    for edge in shown:
        lines.append(f'  {nodes[edge.source]} -->|"{mermaid_label(edge.label)}"| '
                     f"{nodes[edge.target]}")
    for actor, node in nodes.items():
        lines.append(f'  click {node} href "{_mermaid_url(href(actor))}" '
                     f'"{mermaid_label(name(actor))}"')
    return Diagram(Markup("\n".join(lines)), tuple(shown), len(edges) - len(shown))


def _mermaid_url(url: str) -> str:
    # Our hrefs are relative paths of id characters, slashes and dots; keep it that way.
    if any(c in url for c in '"\n\\<>'):  # pragma: no cover - urls.py never makes these
        raise ValueError(f"unexpected characters in diagram link {url!r}")
    return url

"""The resolved site as data: facets, the graph, and the indexes derived from facets alone.

`Facet` is all that any page other than an entity's own shows of it; `Graph` declares how
pages read each of its fields (`read_as`, recorded by render.recorded); `derive` computes
every index that spans entities from the facets' `DeriveInput`, and from nothing else.
"""

from __future__ import annotations

import datetime as dt
import heapq
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import TypeVar

from .load import Loc
from .models import PartialDate
from .text import Rich
from .urls import Kind
from .validate import Content

MAX_RELATED = 5
# A key (actor, term or tag) shared by more briefs than this says little about how two
# briefs relate, like a stop word; skipping it keeps related briefs linear in site size.
MAX_RELATED_FANOUT = 200

@dataclass(frozen=True)
class SiteEvent:
    """A timeline event with the brief it comes from (site-wide and actor timelines)."""

    date: PartialDate
    brief: str
    index: int
    actors: tuple[str, ...]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    brief: str | None  # None for membership and affiliation edges


@dataclass(frozen=True)
class EventFacet:
    date: PartialDate
    text: Rich  # with its mention links
    actors: tuple[str, ...]


@dataclass(frozen=True)
class Facet:
    """All that any page other than an entity's own shows of it or derives from it.

    Names and tooltips of links, brief cards, timeline events, the feed, the indexes and
    every derived index of the graph (appears-in lists, related briefs, tags, timelines,
    diagrams) are built from facets alone, never from another entity's model. So when an
    edit leaves an entity's facet as it was, only that entity's own page can change: the
    incremental path (generator/incremental.py) relies on it and the tests check it.
    """

    kind: Kind
    name: str
    tooltip: str  # plain text: a brief's dek, an actor's summary, a term's definition
    aliases: tuple[str, ...] = ()
    # briefs
    date: dt.date | None = None
    updated: dt.date | None = None
    tags: tuple[str, ...] = ()
    involved: tuple[str, ...] = ()  # actors and terms, in reading order
    events: tuple[EventFacet, ...] = ()
    relations: tuple[tuple[str, str, str], ...] = ()  # from, to, label
    updates: tuple[tuple[dt.date, str], ...] = ()  # date, plain note (the feed)
    # actors
    actor_kind: str = ""
    role: str = ""
    summary: Rich | None = None
    members: tuple[str, ...] = ()
    affiliation: str = ""
    # terms
    used_by: tuple[str, ...] = ()


# How pages read a field of the graph (see Graph).
_BY_KEY = {"read_as": "derived"}  # computed by `derive` from facets alone
_OWN = {"read_as": "entity"}  # each entity's own linked data


@dataclass
class Graph:
    """The resolved site. How pages read each field is declared here (`read_as`), and
    render/views.py records every read by it: `facet:<id>`; `entity:<id>` for an entity's
    own model and linked text; `<field>:<key>`, or `<field>:*` for the whole, for a
    derived index. The incremental path re-renders exactly the readers of what changed."""

    content: Content  # complete after a full run; the incremental path loads on demand
    facets: Mapping[str, Facet] = field(default_factory=dict, metadata={"read_as": "facet"})
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> id; pages never read it
    # id -> loc -> linked text
    rich: dict[str, dict[Loc, Rich]] = field(default_factory=dict, metadata=_OWN)
    brief_actors: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_OWN)
    brief_terms: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_OWN)
    related: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    # actor/term -> briefs
    appears_in: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    # actor -> terms
    used_by_terms: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    member_of: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    affiliated: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    # tag -> briefs
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    events: tuple[SiteEvent, ...] = field(default=(), metadata=_BY_KEY)
    events_by_actor: dict[str, tuple[SiteEvent, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    edges: tuple[Edge, ...] = field(default=(), metadata=_BY_KEY)
    edges_by_brief: dict[str, tuple[Edge, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    edges_by_actor: dict[str, tuple[Edge, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    briefs_by_date: tuple[str, ...] = field(default=(), metadata=_BY_KEY)

    def name_of(self, entity_id: str) -> str:
        return self.facets[entity_id].name

    def kind_of(self, entity_id: str) -> Kind:
        return self.content.known_ids[entity_id]

    def is_actor(self, entity_id: str) -> bool:
        return self.content.known_ids.get(entity_id) is Kind.ACTOR and entity_id in self.facets


READ_AS: dict[str, str | None] = {f.name: f.metadata.get("read_as") for f in fields(Graph)}
DERIVED = tuple(name for name, how in READ_AS.items() if how == "derived")


class EventKey(typing.NamedTuple):
    """What `derive` reads of a timeline event (not its text)."""

    date: PartialDate
    actors: tuple[str, ...]


@dataclass(frozen=True)
class DeriveInput:
    """All that `derive` reads of a facet. `derive` sees nothing else, so an edit that
    leaves these equal leaves every derived index as it was: the incremental path compares
    them, and no other list of fields exists."""

    kind: Kind
    name: str
    date: dt.date | None
    tags: tuple[str, ...]
    involved: tuple[str, ...]
    events: tuple[EventKey, ...]
    relations: tuple[tuple[str, str, str], ...]
    members: tuple[str, ...]
    affiliation: str
    used_by: tuple[str, ...]


def derive_input(facet: Facet) -> DeriveInput:
    return DeriveInput(facet.kind, facet.name, facet.date, facet.tags, facet.involved,
                       tuple(EventKey(e.date, e.actors) for e in facet.events),
                       facet.relations, facet.members, facet.affiliation, facet.used_by)


def derive(graph: Graph, facets: Mapping[str, Facet]) -> None:
    """Every index of the graph that spans entities (its `derived` fields), computed from
    the facets' DeriveInput alone."""
    inputs = {i: derive_input(f) for i, f in facets.items()}
    briefs = {i: f for i, f in inputs.items() if f.kind is Kind.BRIEF}
    actors = {i: f for i, f in inputs.items() if f.kind is Kind.ACTOR}
    terms = {i: f for i, f in inputs.items() if f.kind is Kind.TERM}
    graph.briefs_by_date = tuple(sorted(briefs, key=lambda b: (
        -_ordinal(briefs[b]), b)))
    order = {b: i for i, b in enumerate(graph.briefs_by_date)}
    appears: dict[str, list[str]] = defaultdict(list)
    for brief_id in graph.briefs_by_date:
        for entity_id in briefs[brief_id].involved:
            appears[entity_id].append(brief_id)
    graph.appears_in = {k: tuple(v) for k, v in appears.items()}
    graph.related = _related_briefs(briefs)
    graph.tags = _tags(briefs, order)
    graph.events = _events(briefs)
    graph.events_by_actor = _group(graph.events, lambda e: e.actors)
    graph.edges = _edges(briefs, actors)
    graph.edges_by_brief = _group(graph.edges, lambda e: (e.brief,) if e.brief else ())
    graph.edges_by_actor = _group(graph.edges, lambda e: (e.source, e.target))
    graph.member_of, graph.affiliated = _memberships(actors)
    used_by: dict[str, list[str]] = defaultdict(list)
    for term_id, term in sorted(terms.items(), key=lambda t: t[1].name.casefold()):
        for actor in term.used_by:
            used_by[actor].append(term_id)
    graph.used_by_terms = {k: tuple(v) for k, v in used_by.items()}


def _ordinal(facet: DeriveInput) -> int:
    assert facet.date is not None
    return facet.date.toordinal()


# ---------------------------------------------------------------- derived views


def _related_briefs(briefs: Mapping[str, DeriveInput]) -> dict[str, tuple[str, ...]]:
    keys: dict[str, set[str]] = {}
    for brief_id, brief in briefs.items():
        keys[brief_id] = set(brief.involved) | {f"tag:{t}" for t in brief.tags}
    recency = {b: -_ordinal(f) for b, f in briefs.items()}
    holders: dict[str, set[str]] = defaultdict(set)
    for brief_id, brief_keys in keys.items():
        for key in brief_keys:
            holders[key].add(brief_id)
    related = {}
    for brief_id, brief_keys in keys.items():
        scores: dict[str, int] = defaultdict(int)
        for key in brief_keys:
            if len(holders[key]) > MAX_RELATED_FANOUT:
                continue
            for other in holders[key]:
                if other != brief_id:
                    scores[other] += 2 if key.startswith("tag:") else 1
        ranked = heapq.nsmallest(MAX_RELATED, scores,
                                 key=lambda o: (-scores[o], recency[o], o))
        related[brief_id] = tuple(ranked)
    return related


T = TypeVar("T")


def _group(items: Iterable[T], keys: Callable[[T], Iterable[str]]) -> dict[str, tuple[T, ...]]:
    """Index items by each of their keys, keeping their order (one pass, no scans later)."""
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        for key in dict.fromkeys(keys(item)):
            groups[key].append(item)
    return {k: tuple(v) for k, v in groups.items()}


def _tags(briefs: Mapping[str, DeriveInput], order: Mapping[str, int]
          ) -> dict[str, tuple[str, ...]]:
    tags: dict[str, list[str]] = defaultdict(list)
    for brief_id, brief in briefs.items():
        for tag in brief.tags:
            tags[tag].append(brief_id)
    return {t: tuple(sorted(v, key=order.__getitem__)) for t, v in sorted(tags.items())}


def _events(briefs: Mapping[str, DeriveInput]) -> tuple[SiteEvent, ...]:
    events = [SiteEvent(e.date, brief_id, i, e.actors)
              for brief_id, brief in briefs.items()
              for i, e in enumerate(brief.events)]
    return tuple(sorted(events, key=lambda e: (e.date, e.brief, e.index)))


def _edges(briefs: Mapping[str, DeriveInput], actors: Mapping[str, DeriveInput]) -> tuple[Edge, ...]:
    edges = []
    for brief_id, brief in sorted(briefs.items()):
        for source, target, label in brief.relations:
            if source in actors and target in actors:
                edges.append(Edge(source, target, label, brief_id))
    for actor_id, actor in sorted(actors.items()):
        for member in actor.members:
            if member in actors:
                edges.append(Edge(member, actor_id, "member of", None))
        if actor.affiliation in actors:
            edges.append(Edge(actor_id, actor.affiliation, "affiliated with", None))
    return tuple(edges)


def _memberships(actors: Mapping[str, DeriveInput]) -> tuple[dict[str, tuple[str, ...]],
                                                      dict[str, tuple[str, ...]]]:
    member_of: dict[str, list[str]] = defaultdict(list)
    affiliated: dict[str, list[str]] = defaultdict(list)
    for actor_id, actor in sorted(actors.items()):
        for member in actor.members:
            member_of[member].append(actor_id)
        if actor.affiliation:
            affiliated[actor.affiliation].append(actor_id)
    return ({k: tuple(v) for k, v in member_of.items()},
            {k: tuple(v) for k, v in affiliated.items()})

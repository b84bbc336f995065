"""The resolved site as data: facets, the graph, and the indexes derived from facets alone.

`Facet` is all that any page other than an entity's own shows of it; `Graph` declares how
pages read each of its fields (`read_as`, recorded by render.recorded); `derive` computes
every index that spans entities from the facets' `DeriveInput`, and from nothing else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import typing
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from .load import Loc
from .models import Actor, ActorKind, Brief, PartialDate, Story, Term
from .text import Rich
from .urls import Kind

if typing.TYPE_CHECKING:
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


@dataclass(frozen=True, kw_only=True)
class Facet:
    """All that any page other than an entity's own shows of it or derives from it; one
    class per kind (the table of kinds names it).

    Names and tooltips of links, brief cards, timeline events, the feed, the indexes and
    every derived index of the graph (appears-in lists, related briefs, tags, timelines,
    diagrams) are built from facets alone, never from another entity's model. So when an
    edit leaves an entity's facet as it was, only that entity's own page can change: the
    incremental path (generator/incremental.py) relies on it and the tests check it.
    """

    kind: typing.ClassVar[Kind]
    # Fields no page reads from the facet itself, only through a derived index built from
    # them (a brief's `story`: pages read the story's developments). An edit of these alone
    # re-derives, but is not a change of what pages read as `facet:<id>` (shown()).
    derive_only: typing.ClassVar[tuple[str, ...]] = ()
    name: str
    tooltip: str  # plain text: a brief's dek, an actor's summary, a term's definition
    aliases: tuple[str, ...] = ()

    def shown(self) -> Facet:
        """The facet as pages read it: its derive-only fields at their defaults."""
        if not self.derive_only:
            return self
        defaults: dict[str, Any] = {f.name: f.default for f in fields(self)
                                    if f.name in self.derive_only}
        return dataclasses.replace(self, **defaults)

    def derive_input(self) -> DeriveInput:
        """All that `derive` reads of this entity."""
        return DeriveInput(self.kind, self.name)

    @classmethod
    def of(cls, model: Any, linked: Mapping[Loc, Rich], involved: tuple[str, ...],
           names: Mapping[str, str]) -> Facet:
        """The facet of a linked model (its linked text, what it involves; `names` turns
        references in plain text into names)."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class BriefFacet(Facet):
    kind = Kind.BRIEF
    derive_only = ("story",)
    date: dt.date
    updated: dt.date | None = None
    tags: tuple[str, ...] = ()
    involved: tuple[str, ...] = ()  # actors and terms, in reading order
    events: tuple[EventFacet, ...] = ()
    relations: tuple[tuple[str, str, str], ...] = ()  # from, to, label
    # date, plain note (the feeds and the corrections page), kind: update or correction
    updates: tuple[tuple[dt.date, str, str], ...] = ()
    story: str = ""  # the story it is a development of

    @classmethod
    def of(cls, model: Brief, linked: Mapping[Loc, Rich], involved: tuple[str, ...],
           names: Mapping[str, str]) -> BriefFacet:
        return cls(
            name=model.title, tooltip=model.dek, date=model.date, updated=model.updated,
            tags=tuple(model.tags), involved=involved,
            events=tuple(EventFacet(e.date, linked[("timeline", i, "event")], tuple(e.actors))
                         for i, e in enumerate(model.timeline)),
            relations=tuple((r.from_, r.to, r.label) for r in model.relations),
            updates=tuple((u.date, u.note.plain(names), u.kind) for u in model.updates),
            story=model.story or "")

    def derive_input(self) -> DeriveInput:
        return DeriveInput(self.kind, self.name, date=self.date, tags=self.tags,
                           involved=self.involved,
                           events=tuple(EventKey(e.date, e.actors) for e in self.events),
                           relations=self.relations, story=self.story,
                           corrections=tuple((u[0], i) for i, u in enumerate(self.updates)
                                             if u[2] == "correction"))

    def corrections(self) -> list[tuple[int, dt.date, str]]:
        """Its corrections: (index in its updates, date, plain note)."""
        return [(i, day, note) for i, (day, note, kind) in enumerate(self.updates)
                if kind == "correction"]

    def correction_anchor(self, index: int) -> str:
        """The anchor of the correction at `index` of its updates, on the brief's page and
        in the corrections feed's entry ids: its date and its rank among the corrections of
        that day (`correction-2024-07-02-1`), stable unless an editor reorders them."""
        day = self.updates[index][0]
        rank = sum(1 for i, d, _ in self.corrections() if d == day and i <= index)
        return f"correction-{day.isoformat()}-{rank}"


@dataclass(frozen=True, kw_only=True)
class ActorFacet(Facet):
    kind = Kind.ACTOR
    actor_kind: str
    role: str = ""
    summary: Rich
    members: tuple[str, ...] = ()
    affiliation: str = ""

    @classmethod
    def of(cls, model: Actor, linked: Mapping[Loc, Rich], involved: tuple[str, ...],
           names: Mapping[str, str]) -> ActorFacet:
        return cls(name=model.name, tooltip=model.summary.plain(names),
                   aliases=tuple(model.aliases), actor_kind=model.kind, role=model.role or "",
                   summary=model.summary, members=tuple(model.members),
                   affiliation=model.affiliation or "")

    def derive_input(self) -> DeriveInput:
        return DeriveInput(self.kind, self.name, members=self.members,
                           affiliation=self.affiliation, actor_kind=self.actor_kind)


@dataclass(frozen=True, kw_only=True)
class TermFacet(Facet):
    kind = Kind.TERM
    used_by: tuple[str, ...] = ()

    @classmethod
    def of(cls, model: Term, linked: Mapping[Loc, Rich], involved: tuple[str, ...],
           names: Mapping[str, str]) -> TermFacet:
        return cls(name=model.term, tooltip=model.definition, aliases=tuple(model.aliases),
                   used_by=tuple(model.used_by))

    def derive_input(self) -> DeriveInput:
        return DeriveInput(self.kind, self.name, used_by=self.used_by)


STORY_TOOLTIP_CHARS = 280


@dataclass(frozen=True, kw_only=True)
class StoryFacet(Facet):
    kind = Kind.STORY
    status: str
    updated: dt.date | None = None
    tags: tuple[str, ...] = ()

    @classmethod
    def of(cls, model: Story, linked: Mapping[Loc, Rich], involved: tuple[str, ...],
           names: Mapping[str, str]) -> StoryFacet:
        return cls(name=model.title, tooltip=_shortened(model.summary.plain(names)),
                   status=model.status, updated=model.updated, tags=tuple(model.tags))

    def derive_input(self) -> DeriveInput:
        return DeriveInput(self.kind, self.name, status=self.status)


def _shortened(text: str, most: int = STORY_TOOLTIP_CHARS) -> str:
    """The first paragraph of `text`, cut at a word before `most` characters (with …)."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= most:
        return first
    cut = first[:most - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


AnyFacet = BriefFacet | ActorFacet | TermFacet | StoryFacet
F = TypeVar("F", bound=Facet)


def facet_as(facets: Mapping[str, Facet], entity_id: str, cls: type[F]) -> F:
    """The facet of `entity_id`, which must be of class `cls` (a page asks for the kind
    it shows; anything else is a bug, never content: references are checked by kind)."""
    facet = facets[entity_id]
    if not isinstance(facet, cls):  # pragma: no cover - references are checked by kind
        raise TypeError(f"'{entity_id}' is {type(facet).__name__}, not {cls.__name__}")
    return facet


def facets_of(facets: Mapping[str, Facet], cls: type[F]) -> dict[str, F]:
    """The facets of every entity of one kind."""
    return {i: f for i, f in facets.items() if isinstance(f, cls)}


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
    # the actors index: actor kind -> actors by name; the glossary: letter -> terms A to Z
    actors_by_kind: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    terms_by_letter: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    # story -> its developments, oldest first (date, then id)
    developments: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=_BY_KEY)
    # every story: developing first, then by newest development, newest first
    stories: tuple[str, ...] = field(default=(), metadata=_BY_KEY)
    # every correction as (brief, index in its updates), newest first
    corrections: tuple[tuple[str, int], ...] = field(default=(), metadata=_BY_KEY)

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
    """All that `derive` reads of a facet (Facet.derive_input). `derive` sees nothing else,
    so an edit that leaves these equal leaves every derived index as it was: the
    incremental path compares them, and no other list of fields exists."""

    kind: Kind
    name: str
    date: dt.date | None = None
    tags: tuple[str, ...] = ()
    involved: tuple[str, ...] = ()
    events: tuple[EventKey, ...] = ()
    relations: tuple[tuple[str, str, str], ...] = ()
    members: tuple[str, ...] = ()
    affiliation: str = ""
    used_by: tuple[str, ...] = ()
    actor_kind: str = ""  # the actors index groups by it
    story: str = ""
    status: str = ""
    corrections: tuple[tuple[dt.date, int], ...] = ()


def derive(graph: Graph, facets: Mapping[str, Facet]) -> None:
    """Every index of the graph that spans entities (its `derived` fields), computed from
    the facets' DeriveInput alone."""
    inputs = {i: f.derive_input() for i, f in facets.items()}
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
    graph.actors_by_kind = _actors_by_kind(actors)
    graph.terms_by_letter = _terms_by_letter(terms)
    stories = {i: f for i, f in inputs.items() if f.kind is Kind.STORY}
    graph.developments, graph.stories = _stories(briefs, stories)
    graph.corrections = tuple((b, i) for _, b, i in sorted(
        (-day.toordinal(), b, i) for b, brief in briefs.items() for day, i in brief.corrections))


def _ordinal(facet: DeriveInput) -> int:
    assert facet.date is not None
    return facet.date.toordinal()


# ---------------------------------------------------------------- derived views

OTHER_LETTER = "Other"  # the glossary's group of terms that start with no letter A-Z


def sort_text(text: str) -> str:
    """A name as the indexes sort it: opening quotes and brackets dropped, case folded."""
    return text.lstrip("\"'“‘«(").casefold()


def base_letters(text: str) -> str:
    """`text` with its accents dropped (NFKD, combining marks removed): "État" -> "Etat".

    Only marks go: a non-Latin letter stays itself, so "Мир" is still filed under Other.
    """
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def glossary_letter(name: str) -> str:
    """The glossary group of a term: its initial without accents, A to Z, else Other."""
    first = base_letters(sort_text(name))[:1].upper()
    return first if "A" <= first <= "Z" else OTHER_LETTER


def _actors_by_kind(actors: Mapping[str, DeriveInput]) -> dict[str, tuple[str, ...]]:
    """The actors index's groups: each kind (in models.ActorKind order, which is
    kinds.ACTOR_KINDS order) with its actors by name, then id; no empty group."""
    groups: dict[str, list[str]] = defaultdict(list)
    for actor_id in sorted(actors, key=lambda a: (actors[a].name.casefold(), a)):
        groups[actors[actor_id].actor_kind].append(actor_id)
    return {k: tuple(groups[k]) for k in typing.get_args(ActorKind) if groups.get(k)}


def _terms_by_letter(terms: Mapping[str, DeriveInput]) -> dict[str, tuple[str, ...]]:
    """The glossary's groups: A to Z, then Other, each with its terms in alphabetical
    order (accents ignored, then kept, then by id); no empty group."""
    groups: dict[str, list[str]] = defaultdict(list)
    for term_id in sorted(terms, key=lambda t: (base_letters(sort_text(terms[t].name)),
                                                sort_text(terms[t].name), t)):
        groups[glossary_letter(terms[term_id].name)].append(term_id)
    return {k: tuple(groups[k]) for k in sorted(groups, key=lambda k: (k == OTHER_LETTER, k))}


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


def _stories(briefs: Mapping[str, DeriveInput], stories: Mapping[str, DeriveInput]
             ) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """Each story's developments, oldest first (date, then id), and every story in the
    order of the stories index: developing first, then the newest development first (a
    story without one last), then by id."""
    developments: dict[str, list[str]] = defaultdict(list)
    for brief_id, brief in sorted(briefs.items(), key=lambda b: (_ordinal(b[1]), b[0])):
        if brief.story in stories:
            developments[brief.story].append(brief_id)

    def order(story_id: str) -> tuple[bool, int, str]:
        newest = developments.get(story_id)
        return (stories[story_id].status != "developing",
                -_ordinal(briefs[newest[-1]]) if newest else 0, story_id)

    return ({k: tuple(v) for k, v in sorted(developments.items())},
            tuple(sorted(stories, key=order)))


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

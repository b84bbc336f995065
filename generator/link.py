"""The resolved graph: one id index, references checked by kind, mentions, backlinks, provenance.

Everything a page shows about another entity is computed here, before rendering.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from .diagnostics import Diagnostic, did_you_mean
from .kinds import ANY, references, rich_fields
from .load import Document, Loc
from .models import Actor, Brief, PartialDate, Term
from .provenance import verify_quote
from .text import BulletList, Emph, Inline, Mention, Paragraph, Ref, Rich, Strong, Text
from .urls import Kind
from .validate import Content, Entity, Seed

AnyEntity = Entity[Brief] | Entity[Actor] | Entity[Term]

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


@dataclass(frozen=True)
class Linked:
    """One entity after linking: its rich text with mention links, and what it involves."""

    rich: dict[Loc, Rich]
    involved: tuple[str, ...]
    problems: list[Diagnostic]


def link(content: Content) -> tuple[Graph, list[Diagnostic]]:
    graph = Graph(content)
    graph.aliases, problems = alias_claims(content)
    matcher = matcher_for(graph.aliases)
    entities = all_entities(content)
    linked: dict[str, Linked] = {}
    for entity in entities:
        linked[entity.id] = link_entity(entity, content, matcher)
        problems += linked[entity.id].problems
    names = {e.id: display_name(e) for e in entities}
    graph.facets = {e.id: facet_of(e, linked[e.id], names) for e in entities}
    for entity_id, item in linked.items():
        graph.rich[entity_id] = item.rich
        if entity_id in content.briefs:
            graph.brief_actors[entity_id], graph.brief_terms[entity_id] = split_involved(
                item.involved, content.known_ids)
    derive(graph, graph.facets)
    return graph, problems


def all_entities(content: Content) -> list[AnyEntity]:
    """Actors, terms, then briefs: the order links and checks run in."""
    return [*content.actors.values(), *content.terms.values(), *content.briefs.values()]


def split_involved(involved: tuple[str, ...], known_ids: Mapping[str, Kind]
                   ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A brief's actors and its terms."""
    return (tuple(i for i in involved if known_ids.get(i) is Kind.ACTOR),
            tuple(i for i in involved if known_ids.get(i) is Kind.TERM))


def display_name(entity: AnyEntity) -> str:
    model = entity.model
    if isinstance(model, Actor):
        return model.name
    if isinstance(model, Term):
        return model.term
    return model.title


def link_entity(entity: AnyEntity, content: Content, matcher: AliasMatcher) -> Linked:
    """Check one entity's references and link its mentions (briefs); reads no other model."""
    problems = _check_references(entity, content)
    rich: dict[Loc, Rich] = {}
    model = entity.model
    seen: dict[str, None] = {}
    for loc, text in rich_fields(model):
        problems += _check_rich_refs(entity.doc, loc, text, content)
        rich[loc] = _link_mentions(text, matcher, seen, content) if entity.kind is Kind.BRIEF \
            else text
    if isinstance(model, Brief):
        return Linked(rich, _brief_references(model, seen, content), problems)
    return Linked(rich, (), problems)


def facet_of(entity: AnyEntity, linked: Linked, names: Mapping[str, str]) -> Facet:
    model = entity.model
    if isinstance(model, Brief):
        return Facet(
            Kind.BRIEF, model.title, model.dek, date=model.date, updated=model.updated,
            tags=tuple(model.tags), involved=linked.involved,
            events=tuple(EventFacet(e.date, linked.rich[("timeline", i, "event")],
                                    tuple(e.actors)) for i, e in enumerate(model.timeline)),
            relations=tuple((r.from_, r.to, r.label) for r in model.relations),
            updates=tuple((u.date, u.note.plain(names)) for u in model.updates))
    if isinstance(model, Actor):
        return Facet(Kind.ACTOR, model.name, model.summary.plain(names),
                     aliases=tuple(model.aliases), actor_kind=model.kind, role=model.role or "",
                     summary=model.summary, members=tuple(model.members),
                     affiliation=model.affiliation or "")
    return Facet(Kind.TERM, model.term, model.definition, aliases=tuple(model.aliases),
                 used_by=tuple(model.used_by))


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


# ---------------------------------------------------------------- references


def _check_ref(doc: Document, loc: Loc, target: str, content: Content,
               kinds: tuple[Kind, ...], *, snippet: str = "", occurrence: int = 0
               ) -> list[Diagnostic]:
    kind = content.known_ids.get(target)
    if kind in kinds:
        return []
    # only a problem needs a position (a released document parses its text again for it)
    pos = doc.find_in(loc, snippet, occurrence) if snippet else doc.at(loc)
    if kind is None:
        hint = did_you_mean(target, content.known_ids)
        return [Diagnostic(doc.path, pos.line, pos.column, "bad-ref",
                           f"no brief, actor or term has the id '{target}'", hint)]
    wanted = " or ".join(_article(k.value) for k in kinds)
    return [Diagnostic(doc.path, pos.line, pos.column, "wrong-kind",
                       f"'{target}' is {_article(kind.value)}; this field takes {wanted}")]


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _check_rich_refs(doc: Document, loc: Loc, rich: Rich, content: Content) -> list[Diagnostic]:
    problems = []
    counts: dict[str, int] = defaultdict(int)
    for ref in rich.refs():
        problems += _check_ref(doc, loc, ref.target, content, ANY, snippet=ref.source,
                               occurrence=counts[ref.source])
        counts[ref.source] += 1
    return problems


def _check_references(entity: AnyEntity, content: Content) -> list[Diagnostic]:
    """Every reference field of the entity (the table of kinds says which), and the rules
    that name a field: an actor's own affiliation, a brief's seed and quotes."""
    model, doc = entity.model, entity.doc
    problems = []
    for loc, value, accepts in references(model):
        problems += _check_ref(doc, loc, value, content, accepts)
    if isinstance(model, Actor) and model.affiliation == entity.id:
        problems.append(doc.diagnostic(("affiliation",), "bad-value",
                                       "an actor cannot be affiliated with itself"))
    if isinstance(model, Brief):
        seed = model.source.seed
        if seed not in content.known_seeds:
            problems.append(doc.diagnostic(("source", "seed"), "missing-seed",
                                           f"no seed article seeds/{seed}.txt",
                                           did_you_mean(seed, content.known_seeds)))
        if seed in content.seeds:
            problems += _check_quotes(typing.cast("Entity[Brief]", entity), content.seeds[seed])
    return problems


def _check_quotes(entity: Entity[Brief], seed: Seed) -> list[Diagnostic]:
    problems = []
    for i, quote in enumerate(entity.model.quotes):
        verdict = verify_quote(quote.text, seed.text)
        if verdict.reason:
            problems.append(entity.doc.diagnostic(("quotes", i, "text"), "quote-not-in-source",
                                                  f"{verdict.reason}; nothing to verify"))
        elif not verdict.found:
            problems.append(entity.doc.diagnostic(
                ("quotes", i, "text"), "quote-not-in-source",
                f"quote does not occur in {seed.rel}; closest passage: "
                f"“{verdict.closest}”"))
    return problems


def _brief_references(brief: Brief, mentioned: dict[str, None],
                      content: Content) -> tuple[str, ...]:
    """Every actor and term a brief involves, in the order the reader meets them."""
    ids: dict[str, None] = dict(mentioned)
    ids.update((value, None) for _, value, _ in references(brief))
    return tuple(i for i in ids if content.known_ids.get(i) in (Kind.ACTOR, Kind.TERM))


# ---------------------------------------------------------------- mentions


@dataclass(frozen=True)
class AliasMatcher:
    """Finds aliases in text with one regular expression shaped as a trie of all aliases.

    Leftmost match first; at one position the longest alias wins (the trie tries longer
    continuations before stopping); matches are whole words and never overlap.
    """

    pattern: re.Pattern[str] | None
    owner: dict[str, str]  # alias -> entity id

    def find(self, text: str) -> Iterator[tuple[int, str, str]]:
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            yield match.start(), match.group(), self.owner[match.group()]


def _trie_regex(words: Iterable[str]) -> str:
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(trie)


def _trie_node(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [re.escape(char) + _trie_node(child)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:  # this prefix is itself an alias: the continuation is optional (greedy)
        return f"(?:{body})?"
    return body


def alias_claims(content: Content) -> tuple[dict[str, str], list[Diagnostic]]:
    """Which entity each alias (names included) names, and every alias claimed twice."""
    owners: dict[str, tuple[str, AnyEntity]] = {}
    problems = []
    entities: list[tuple[AnyEntity, list[tuple[Loc, str]]]] = []
    for actor in content.actors.values():
        entities.append((actor, [(("name",), actor.model.name)] +
                         [(("aliases", i), a) for i, a in enumerate(actor.model.aliases)]))
    for term in content.terms.values():
        entities.append((term, [(("term",), term.model.term)] +
                         [(("aliases", i), a) for i, a in enumerate(term.model.aliases)]))
    claimed: dict[str, tuple[str, AnyEntity]] = {}  # by lookalike key
    for entity, aliases in sorted(entities, key=lambda e: e[0].rel):
        for loc, alias in aliases:
            owner = claimed.get(alias_key(alias))
            if owner is None:
                owners[alias] = claimed[alias_key(alias)] = (entity.id, entity)
            elif owner[0] == entity.id:
                owners.setdefault(alias, owner)
            else:
                problems.append(entity.doc.diagnostic(
                    loc, "duplicate-alias",
                    f"alias '{alias}' is also claimed by {owner[1].rel}; an alias names one "
                    "entity"))
    return {alias: entity_id for alias, (entity_id, _) in owners.items()
            if alias.strip() == alias and alias}, problems


def alias_key(alias: str) -> str:
    """What two aliases share when a reader could not tell them apart: text is NFC from
    the loader and plain text has no invisible characters, so what is left to fold is
    white space (runs of spaces, no-break spaces)."""
    return " ".join(alias.split())


def matcher_for(owner_of: Mapping[str, str]) -> AliasMatcher:
    pattern = (re.compile(rf"(?<!\w)(?:{_trie_regex(owner_of)})(?!\w)") if owner_of else None)
    return AliasMatcher(pattern, dict(owner_of))


def matcher_for_text(owner_of: Mapping[str, str], text: str) -> AliasMatcher:
    """The matcher of all aliases narrowed to those that occur in `text`: finds the same
    matches in it, and is much quicker to build when only one file is linked."""
    return matcher_for({a: o for a, o in owner_of.items() if a in text})


def running_text(model: Brief | Actor | Term) -> Iterator[str]:
    """The text that mention linking searches: running text of every rich field."""
    for _, rich in rich_fields(model):
        for block in rich.blocks:
            rows = (block.children,) if isinstance(block, Paragraph) else block.items
            for row in rows:
                yield from _texts(row)


def _texts(nodes: tuple[Inline, ...]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, Text):
            yield node.value
        elif isinstance(node, Emph | Strong):
            yield from _texts(node.children)


def _link_mentions(rich: Rich, matcher: AliasMatcher, seen: dict[str, None],
                   content: Content) -> Rich:
    """Turn the first occurrence of each entity's alias into a Mention; refs count as seen.

    Only running text is searched: link texts and code are left as written.
    """
    def inlines(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, Text):
                out.extend(_split_text(node.value))
            elif isinstance(node, Emph):
                out.append(Emph(inlines(node.children)))
            elif isinstance(node, Strong):
                out.append(Strong(inlines(node.children)))
            else:
                if isinstance(node, Ref) and node.target in content.known_ids:
                    seen.setdefault(node.target)
                out.append(node)
        return tuple(out)

    def _split_text(value: str) -> list[Inline]:
        pieces: list[Inline] = []
        last = 0
        for start, alias, entity_id in matcher.find(value):
            if entity_id in seen:
                continue
            seen[entity_id] = None
            if start > last:
                pieces.append(Text(value[last:start]))
            pieces.append(Mention(entity_id, alias))
            last = start + len(alias)
        if last < len(value):
            pieces.append(Text(value[last:]))
        return pieces

    blocks: list[Paragraph | BulletList] = []
    for block in rich.blocks:
        if isinstance(block, Paragraph):
            blocks.append(Paragraph(inlines(block.children)))
        else:
            blocks.append(BulletList(tuple(inlines(item) for item in block.items)))
    return Rich(rich.source, tuple(blocks))


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

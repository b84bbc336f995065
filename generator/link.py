"""The resolved graph: one id index, references checked by kind, mentions, backlinks, provenance.

Everything a page shows about another entity is computed here, before rendering.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .diagnostics import Diagnostic, did_you_mean
from .load import Document, Loc
from .models import Actor, Brief, PartialDate, Term
from .provenance import verify_quote
from .text import BulletList, Emph, Inline, Mention, Paragraph, Ref, Rich, Strong, Text
from .urls import Kind
from .validate import Content, Entity, Seed

MAX_RELATED = 5
# A key (actor, term or tag) shared by more briefs than this says little about how two
# briefs relate, like a stop word; skipping it keeps related briefs linear in site size.
MAX_RELATED_FANOUT = 200

# The rich fields of a brief in the order a reader meets them on the page: automatic
# mention links go to the first occurrence in this order.
def brief_rich_fields(brief: Brief) -> Iterator[tuple[Loc, Rich]]:
    yield ("why_it_matters",), brief.why_it_matters
    for i, point in enumerate(brief.key_points):
        yield ("key_points", i), point
    yield ("what_happened",), brief.what_happened
    if brief.context:
        yield ("context",), brief.context
    for i, perspective in enumerate(brief.perspectives):
        yield ("perspectives", i, "view"), perspective.view
    for i, quote in enumerate(brief.quotes):
        if quote.note:
            yield ("quotes", i, "note"), quote.note
    for i, event in enumerate(brief.timeline):
        yield ("timeline", i, "event"), event.event
    if brief.whats_next:
        yield ("whats_next",), brief.whats_next
    for i, update in enumerate(brief.updates):
        yield ("updates", i, "note"), update.note


def actor_rich_fields(actor: Actor) -> Iterator[tuple[Loc, Rich]]:
    yield ("summary",), actor.summary
    if actor.profile:
        yield ("profile",), actor.profile


def term_rich_fields(term: Term) -> Iterator[tuple[Loc, Rich]]:
    if term.explanation:
        yield ("explanation",), term.explanation


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


@dataclass
class Graph:
    content: Content
    rich: dict[str, dict[Loc, Rich]] = field(default_factory=dict)  # id -> loc -> linked text
    brief_actors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    brief_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)
    appears_in: dict[str, tuple[str, ...]] = field(default_factory=dict)  # actor/term -> briefs
    used_by_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # actor -> terms
    member_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    affiliated: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # tag -> briefs
    events: tuple[SiteEvent, ...] = ()
    events_by_actor: dict[str, tuple[SiteEvent, ...]] = field(default_factory=dict)
    edges: tuple[Edge, ...] = ()
    edges_by_brief: dict[str, tuple[Edge, ...]] = field(default_factory=dict)
    edges_by_actor: dict[str, tuple[Edge, ...]] = field(default_factory=dict)
    briefs_by_date: tuple[str, ...] = ()

    def name_of(self, entity_id: str) -> str:
        c = self.content
        if entity_id in c.actors:
            return c.actors[entity_id].model.name
        if entity_id in c.terms:
            return c.terms[entity_id].model.term
        return c.briefs[entity_id].model.title

    def kind_of(self, entity_id: str) -> Kind:
        return self.content.known_ids[entity_id]


def link(content: Content) -> tuple[Graph, list[Diagnostic]]:
    graph = Graph(content)
    problems: list[Diagnostic] = []
    matcher, alias_problems = _alias_matcher(content)
    problems += alias_problems

    for entity in content.actors.values():
        problems += _check_actor(entity, content)
        for loc, rich in actor_rich_fields(entity.model):
            problems += _check_rich_refs(entity.doc, loc, rich, content)
            graph.rich.setdefault(entity.id, {})[loc] = rich
    for term in content.terms.values():
        problems += _check_term(term, content)
        for loc, rich in term_rich_fields(term.model):
            problems += _check_rich_refs(term.doc, loc, rich, content)
            graph.rich.setdefault(term.id, {})[loc] = rich

    appears: dict[str, set[str]] = defaultdict(set)
    for brief in content.briefs.values():
        problems += _check_brief(brief, content)
        seen: dict[str, None] = {}
        for loc, rich in brief_rich_fields(brief.model):
            problems += _check_rich_refs(brief.doc, loc, rich, content)
            linked = _link_mentions(rich, matcher, seen, content)
            graph.rich.setdefault(brief.id, {})[loc] = linked
        involved = _brief_references(brief.model, seen, content)
        graph.brief_actors[brief.id] = tuple(i for i in involved if i in content.actors)
        graph.brief_terms[brief.id] = tuple(i for i in involved if i in content.terms)
        for entity_id in involved:
            appears[entity_id].add(brief.id)

    graph.briefs_by_date = tuple(sorted(content.briefs, key=lambda b: (
        -content.briefs[b].model.date.toordinal(), b)))
    order = {b: i for i, b in enumerate(graph.briefs_by_date)}
    graph.appears_in = {k: tuple(sorted(v, key=order.__getitem__)) for k, v in appears.items()}
    graph.related = _related_briefs(graph)
    graph.tags = _tags(content, order)
    graph.events = _events(content)
    graph.events_by_actor = _group(graph.events, lambda e: e.actors)
    graph.edges = _edges(content)
    graph.edges_by_brief = _group(graph.edges, lambda e: (e.brief,) if e.brief else ())
    graph.edges_by_actor = _group(graph.edges, lambda e: (e.source, e.target))
    graph.member_of, graph.affiliated = _memberships(content)
    used_by: dict[str, list[str]] = defaultdict(list)
    for term in sorted(content.terms.values(), key=lambda t: t.model.term.casefold()):
        for actor in term.model.used_by:
            used_by[actor].append(term.id)
    graph.used_by_terms = {k: tuple(v) for k, v in used_by.items()}
    return graph, problems


# ---------------------------------------------------------------- references


def _check_ref(doc: Document, loc: Loc, target: str, content: Content,
               kinds: tuple[Kind, ...], *, snippet: str = "", occurrence: int = 0
               ) -> list[Diagnostic]:
    kind = content.known_ids.get(target)
    pos = doc.find_in(loc, snippet, occurrence) if snippet else doc.at(loc)
    if kind is None:
        hint = did_you_mean(target, content.known_ids)
        return [Diagnostic(doc.path, pos.line, pos.column, "bad-ref",
                           f"no brief, actor or term has the id '{target}'", hint)]
    if kind not in kinds:
        wanted = " or ".join(_article(k.value) for k in kinds)
        return [Diagnostic(doc.path, pos.line, pos.column, "wrong-kind",
                           f"'{target}' is {_article(kind.value)}; this field takes {wanted}")]
    return []


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


_ANY = (Kind.BRIEF, Kind.ACTOR, Kind.TERM)
_ACTOR = (Kind.ACTOR,)
_TERM = (Kind.TERM,)


def _check_rich_refs(doc: Document, loc: Loc, rich: Rich, content: Content) -> list[Diagnostic]:
    problems = []
    counts: dict[str, int] = defaultdict(int)
    for ref in rich.refs():
        problems += _check_ref(doc, loc, ref.target, content, _ANY, snippet=ref.source,
                               occurrence=counts[ref.source])
        counts[ref.source] += 1
    return problems


def _check_actor(entity: Entity[Actor], content: Content) -> list[Diagnostic]:
    actor, doc = entity.model, entity.doc
    problems = []
    if actor.affiliation:
        problems += _check_ref(doc, ("affiliation",), actor.affiliation, content, _ACTOR)
        if actor.affiliation == entity.id:
            problems.append(doc.diagnostic(("affiliation",), "bad-value",
                                           "an actor cannot be affiliated with itself"))
    for i, member in enumerate(actor.members):
        problems += _check_ref(doc, ("members", i), member, content, _ACTOR)
    return problems


def _check_term(entity: Entity[Term], content: Content) -> list[Diagnostic]:
    term, doc = entity.model, entity.doc
    problems = []
    for i, actor in enumerate(term.used_by):
        problems += _check_ref(doc, ("used_by", i), actor, content, _ACTOR)
    for i, other in enumerate(term.related):
        problems += _check_ref(doc, ("related", i), other, content, _ANY)
    return problems


def _check_brief(entity: Entity[Brief], content: Content) -> list[Diagnostic]:
    brief, doc = entity.model, entity.doc
    problems = []
    seed = brief.source.seed
    if seed not in content.known_seeds:
        problems.append(doc.diagnostic(("source", "seed"), "missing-seed",
                                       f"no seed article seeds/{seed}.txt",
                                       did_you_mean(seed, content.known_seeds)))
    for i, p in enumerate(brief.perspectives):
        problems += _check_ref(doc, ("perspectives", i, "actor"), p.actor, content, _ACTOR)
    for i, q in enumerate(brief.quotes):
        problems += _check_ref(doc, ("quotes", i, "speaker"), q.speaker, content, _ACTOR)
    for i, event in enumerate(brief.timeline):
        for j, actor in enumerate(event.actors):
            problems += _check_ref(doc, ("timeline", i, "actors", j), actor, content, _ACTOR)
    for i, actor in enumerate(brief.actors):
        problems += _check_ref(doc, ("actors", i), actor, content, _ACTOR)
    for i, term in enumerate(brief.terms):
        problems += _check_ref(doc, ("terms", i), term, content, _TERM)
    for i, relation in enumerate(brief.relations):
        problems += _check_ref(doc, ("relations", i, "from"), relation.from_, content, _ACTOR)
        problems += _check_ref(doc, ("relations", i, "to"), relation.to, content, _ACTOR)
    if seed in content.seeds:
        problems += _check_quotes(entity, content.seeds[seed])
    return problems


def _check_quotes(entity: Entity[Brief], seed: Seed) -> list[Diagnostic]:
    problems = []
    for i, quote in enumerate(entity.model.quotes):
        verdict = verify_quote(quote.text, seed.text)
        if not verdict.found:
            problems.append(entity.doc.diagnostic(
                ("quotes", i, "text"), "quote-not-in-source",
                f"quote does not occur in {seed.rel}; closest passage: “{verdict.closest}”"))
    return problems


def _brief_references(brief: Brief, mentioned: dict[str, None],
                      content: Content) -> tuple[str, ...]:
    """Every actor and term a brief involves, in the order the reader meets them."""
    ids: dict[str, None] = dict(mentioned)
    for p in brief.perspectives:
        ids[p.actor] = None
    for q in brief.quotes:
        ids[q.speaker] = None
    for event in brief.timeline:
        ids.update(dict.fromkeys(event.actors))
    for relation in brief.relations:
        ids[relation.from_] = None
        ids[relation.to] = None
    ids.update(dict.fromkeys(brief.actors))
    ids.update(dict.fromkeys(brief.terms))
    return tuple(i for i in ids if i in content.actors or i in content.terms)


# ---------------------------------------------------------------- mentions


@dataclass(frozen=True)
class _AliasMatcher:
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


def _alias_matcher(content: Content) -> tuple[_AliasMatcher, list[Diagnostic]]:
    owners: dict[str, tuple[str, Entity[Actor] | Entity[Term]]] = {}
    problems = []
    entities: list[tuple[Entity[Actor] | Entity[Term], list[tuple[Loc, str]]]] = []
    for actor in content.actors.values():
        entities.append((actor, [(("name",), actor.model.name)] +
                         [(("aliases", i), a) for i, a in enumerate(actor.model.aliases)]))
    for term in content.terms.values():
        entities.append((term, [(("term",), term.model.term)] +
                         [(("aliases", i), a) for i, a in enumerate(term.model.aliases)]))
    for entity, aliases in sorted(entities, key=lambda e: e[0].rel):
        for loc, alias in aliases:
            owner = owners.get(alias)
            if owner is None:
                owners[alias] = (entity.id, entity)
            elif owner[0] != entity.id:
                problems.append(entity.doc.diagnostic(
                    loc, "duplicate-alias",
                    f"alias '{alias}' is also claimed by {owner[1].rel}; an alias names one "
                    "entity"))
    owner_of = {alias: entity_id for alias, (entity_id, _) in owners.items()
                if alias.strip() == alias and alias}
    pattern = (re.compile(rf"(?<!\w)(?:{_trie_regex(owner_of)})(?!\w)") if owner_of else None)
    return _AliasMatcher(pattern, owner_of), problems


def _link_mentions(rich: Rich, matcher: _AliasMatcher, seen: dict[str, None],
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


def _related_briefs(graph: Graph) -> dict[str, tuple[str, ...]]:
    content = graph.content
    keys: dict[str, set[str]] = {}
    for brief_id, brief in content.briefs.items():
        keys[brief_id] = (set(graph.brief_actors[brief_id]) | set(graph.brief_terms[brief_id])
                          | {f"tag:{t}" for t in brief.model.tags})
    recency = {b: -e.model.date.toordinal() for b, e in content.briefs.items()}
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


def _tags(content: Content, order: dict[str, int]) -> dict[str, tuple[str, ...]]:
    tags: dict[str, list[str]] = defaultdict(list)
    for brief_id, brief in content.briefs.items():
        for tag in brief.model.tags:
            tags[tag].append(brief_id)
    return {t: tuple(sorted(v, key=order.__getitem__)) for t, v in sorted(tags.items())}


def _events(content: Content) -> tuple[SiteEvent, ...]:
    events = [SiteEvent(e.date, brief_id, i, tuple(e.actors))
              for brief_id, brief in content.briefs.items()
              for i, e in enumerate(brief.model.timeline)]
    return tuple(sorted(events, key=lambda e: (e.date, e.brief, e.index)))


def _edges(content: Content) -> tuple[Edge, ...]:
    edges = []
    for brief_id, brief in sorted(content.briefs.items()):
        for r in brief.model.relations:
            if r.from_ in content.actors and r.to in content.actors:
                edges.append(Edge(r.from_, r.to, r.label, brief_id))
    for actor_id, actor in sorted(content.actors.items()):
        for member in actor.model.members:
            if member in content.actors:
                edges.append(Edge(member, actor_id, "member of", None))
        if actor.model.affiliation in content.actors:
            edges.append(Edge(actor_id, actor.model.affiliation, "affiliated with", None))
    return tuple(edges)


def _memberships(content: Content) -> tuple[dict[str, tuple[str, ...]],
                                            dict[str, tuple[str, ...]]]:
    member_of: dict[str, list[str]] = defaultdict(list)
    affiliated: dict[str, list[str]] = defaultdict(list)
    for actor_id, actor in sorted(content.actors.items()):
        for member in actor.model.members:
            member_of[member].append(actor_id)
        if actor.model.affiliation:
            affiliated[actor.model.affiliation].append(actor_id)
    return ({k: tuple(v) for k, v in member_of.items()},
            {k: tuple(v) for k, v in affiliated.items()})

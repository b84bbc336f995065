"""Linking: references checked by kind, mentions linked, each entity's facet.

One entity at a time (`link_entity` reads no other model), then the graph's derived
indexes from the facets (graph.derive); alias matching lives in aliases.py.
"""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from .aliases import AliasMatcher, alias_claims, matcher_for
from .diagnostics import Diagnostic, did_you_mean
from .graph import Facet, Graph, derive
from .kinds import ANY, KINDS, references, rich_fields
from .load import Document, Loc
from .models import Actor, Brief, Term
from .provenance import verify_quote
from .text import BulletList, Emph, Inline, Mention, Paragraph, Ref, Rich, Strong, Text
from .urls import Kind
from .validate import AnyEntity, Content, Entity, Seed


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
    """What other pages show of a linked entity: its kind's facet (the table of kinds)."""
    return KINDS[entity.kind].facet.of(entity.model, linked.rich, linked.involved, names)


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
            problems += _check_source(typing.cast("Entity[Brief]", entity), content.seeds[seed])
    return problems


def _check_source(entity: Entity[Brief], seed: Seed) -> list[Diagnostic]:
    """The seed's metadata is the one place for the article's details: a brief's `source`
    field that says otherwise is an error naming both places."""
    meta, source = seed.meta, entity.model.source
    if meta is None:
        return []
    problems = []
    for name in ("outlet", "url", "published"):
        here, there = getattr(source, name), getattr(meta, name)
        if here is not None and there is not None and str(here) != str(there):
            problems.append(entity.doc.diagnostic(
                ("source", name), "source-mismatch",
                f"source.{name} is '{here}' but {seed.rel.removesuffix('.txt')}.yaml says "
                f"'{there}'; the seed's metadata is the one place for the article's details: "
                f"remove source.{name} here, or correct the seed"))
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



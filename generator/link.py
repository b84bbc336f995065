"""Linking: references checked by kind, mentions linked, each entity's facet.

One entity at a time (`link_entity` reads no other model but the names of a quote's
speaker, whose change is a full run: incremental.Reason.NAME_CHANGED and ALIAS_CHANGED),
then the graph's derived indexes from the facets (graph.derive); alias matching lives in
aliases.py.
"""

from __future__ import annotations

import typing
import weakref
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from .aliases import AliasMatcher, alias_claims, matcher_for, names_of
from .diagnostics import Diagnostic, did_you_mean
from .graph import Facet, Graph, derive
from .kinds import KINDS, RICH_REFS, references, rich_fields
from .load import Document, Loc
from .models import Actor, Brief, Term
from .provenance import Article, check_quote, is_elided, read_article
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
    """Every entity, briefs last (the order links and checks run in), the other kinds in
    the order of the table of kinds."""
    kinds = [kind for kind in KINDS if kind is not Kind.BRIEF] + [Kind.BRIEF]
    return [entity for kind in kinds for entity in content.of_kind(kind).values()]


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
    """Check one entity's references and link its mentions (briefs); of other models it
    reads only the names and aliases of its quotes' speakers (provenance)."""
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
                           f"no brief, actor, term or story has the id '{target}'", hint)]
    wanted = " or ".join(_article(k.value) for k in kinds)
    return [Diagnostic(doc.path, pos.line, pos.column, "wrong-kind",
                       f"'{target}' is {_article(kind.value)}; this field takes {wanted}")]


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _check_rich_refs(doc: Document, loc: Loc, rich: Rich, content: Content) -> list[Diagnostic]:
    problems = []
    counts: dict[str, int] = defaultdict(int)
    for ref in rich.refs():
        problems += _check_ref(doc, loc, ref.target, content, RICH_REFS, snippet=ref.source,
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
            problems += _check_quotes(typing.cast("Entity[Brief]", entity), content.seeds[seed],
                                      content)
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


# The part of every quote check that depends on the seed alone (its normalised text,
# paragraphs and quotations): computed once per seed, and let go with the seed.
_ARTICLES: weakref.WeakKeyDictionary[Seed, Article] = weakref.WeakKeyDictionary()
_MOST_NAMES = 6  # names listed in a message


def _article_of(seed: Seed) -> Article:
    article = _ARTICLES.get(seed)
    if article is None:
        article = _ARTICLES[seed] = read_article(seed.text)
    return article


def _speaker_names(speaker: str, content: Content) -> tuple[str, ...]:
    """The speaker's names and aliases; none when the speaker is no valid actor (its own
    file, or the reference, reports that)."""
    if content.known_ids.get(speaker) is not Kind.ACTOR:
        return ()
    try:
        actor = content.actors[speaker]  # the incremental path loads it here
    except KeyError:
        return ()
    return names_of(actor.model)


def _check_quotes(entity: Entity[Brief], seed: Seed, content: Content) -> list[Diagnostic]:
    """Provenance: each quote occurs in the seed, inside one of its quotations, near words
    that name its speaker (its names and aliases, or its `attribution`). One problem per
    quote: the first of these that fails."""
    problems = []
    doc, article = entity.doc, _article_of(seed)
    for i, quote in enumerate(entity.model.quotes):
        names = ((quote.attribution,) if quote.attribution is not None
                 else _speaker_names(quote.speaker, content))
        verdict = check_quote(quote.text, article, names)
        text_loc: Loc = ("quotes", i, "text")
        if verdict.reason:
            problems.append(doc.diagnostic(text_loc, "quote-not-in-source",
                                           f"{verdict.reason}; nothing to verify"))
        elif not verdict.found:
            problems.append(doc.diagnostic(
                text_loc, "quote-not-in-source",
                f"quote does not occur in {seed.rel}; closest passage: "
                f"“{verdict.closest}”"))
        elif verdict.unquoted:
            words = (f"a part of the elided quote, “{verdict.unquoted}”,"
                     if is_elided(quote.text) else f"“{verdict.unquoted}”")
            problems.append(doc.diagnostic(
                text_loc, "quote-not-quoted-in-source",
                f"{words} is not inside one quotation of {seed.rel} "
                f"(paragraph {verdict.paragraph}): a quote must be words the article puts "
                "between an opening and a closing quotation mark, not its own narration"))
        elif verdict.unattributed:
            where = (f"{_paragraphs(verdict.unattributed)} of {seed.rel}, the quote's "
                     "paragraph and the two before it")
            if quote.attribution is not None:
                problems.append(doc.diagnostic(
                    ("quotes", i, "attribution"), "quote-speaker-not-in-source",
                    f"the attribution “{quote.attribution}” does not occur in {where}",
                    "attribution gives the article's own words that name the speaker there"))
            else:
                problems.append(doc.diagnostic(
                    text_loc, "quote-speaker-not-in-source",
                    f"the speaker {quote.speaker} is not named near the quote: "
                    f"{_none_of(names)} in {where}",
                    "where the article names the speaker in other words, such as “said the "
                    "acting chief justice”, give them in the quote's attribution field"))
    return problems


def _paragraphs(windows: tuple[tuple[int, int], ...]) -> str:
    shown = [f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in windows]
    word = "paragraph" if len(windows) == 1 and windows[0][0] == windows[0][1] else "paragraphs"
    return f"{word} {' or '.join(shown)}"


def _none_of(names: tuple[str, ...]) -> str:
    if len(names) == 1:
        return f"its name “{names[0]}” does not occur"
    listed = ", ".join(f"“{n}”" for n in names[:_MOST_NAMES])
    more = f" and {len(names) - _MOST_NAMES} more" if len(names) > _MOST_NAMES else ""
    return f"none of its names and aliases ({listed}{more}) occurs"


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



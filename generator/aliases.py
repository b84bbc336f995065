"""Aliases: which entity each name or alias names, and finding them in running text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .diagnostics import Diagnostic
from .kinds import rich_fields
from .load import Loc
from .models import Actor, Brief, Term
from .text import Emph, Inline, Paragraph, Strong, Text
from .validate import AnyEntity, Content


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


def names_of(actor: Actor) -> tuple[str, ...]:
    """An actor's name and aliases, as alias_claims counts them (an alias with white space
    around it names nothing): what names it in text, as in a quote's attribution."""
    return tuple(a for a in (actor.name, *actor.aliases) if a and a.strip() == a)


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



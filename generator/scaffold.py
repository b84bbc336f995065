"""`briefs new`: commented YAML skeletons for a brief, an actor or a glossary term.

Every field of the model is written, each under a one-line hint taken from the model's
field description (so hints never drift from the schema). A brief's skeleton starts from its
seed article: the quotations found in it, and the names it mentions that have no page yet.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Iterator, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, WithJsonSchema
from pydantic.fields import FieldInfo

from . import models
from .diagnostics import Diagnostic, DiagnosticsError, did_you_mean
from .inventory import SEEDS_DIR, Inventory, content_rel, discover
from .kinds import ACTOR_KINDS, KINDS
from .load import LoadError, load_document, read_text
from .models import SeedMeta
from .schema import id_schema_path
from .text import text_problem
from .urls import Kind, id_problem

MAX_QUOTE_CHARS = 600


@dataclass
class Created:
    rel: str
    quotes: int = 0
    unknown_names: list[str] = field(default_factory=list)


def new_entity(root: Path, kind: Kind, entity_id: str, *, seed: str | None = None,
               actor_kind: str | None = None) -> Created:
    """Write the skeleton of a new entity; DiagnosticsError (nothing written) when it cannot."""
    inventory = discover(root)
    rel = content_rel(kind, entity_id)
    _refuse_bad_id(inventory, rel, entity_id)
    created = Created(rel)
    if kind is Kind.BRIEF:
        if seed is None:
            raise DiagnosticsError([Diagnostic(rel, 1, 1, "missing-seed",
                                               "a brief needs its seed: --seed SEED")])
        text = _brief_skeleton(root, inventory, rel, seed, created)
    elif kind is Kind.ACTOR:
        if actor_kind not in ACTOR_KINDS:
            raise DiagnosticsError([Diagnostic(
                rel, 1, 1, "bad-value", f"--kind must be one of {', '.join(ACTOR_KINDS)}; "
                f"found '{actor_kind}'", did_you_mean(str(actor_kind), ACTOR_KINDS))])
        text = _skeleton(KINDS[kind].model, rel, {"kind": [f"kind: {actor_kind}"]})
    else:
        text = _skeleton(KINDS[kind].model, rel, {})
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:  # never overwrite
            out.write(text)
    except FileExistsError:
        raise DiagnosticsError([Diagnostic(rel, 1, 1, "duplicate-id",
                                           "file already exists; it was left unchanged")]) from None
    return created


def _refuse_bad_id(inventory: Inventory, rel: str, entity_id: str) -> None:
    problem = id_problem(entity_id)
    if problem:
        raise DiagnosticsError([Diagnostic(rel, 1, 1, problem[0], problem[1])])
    for file in inventory.files:
        if file.id == entity_id:
            raise DiagnosticsError([Diagnostic(
                file.rel, 1, 1, "duplicate-id",
                f"id '{entity_id}' is already used by this {file.kind.value}; briefs, actors, "
                "terms and stories share one namespace: choose another id")])
    if (inventory.root / rel).exists():
        raise DiagnosticsError([Diagnostic(rel, 1, 1, "duplicate-id",
                                           "file already exists; it was left unchanged")])


# ---------------------------------------------------------------- the skeleton


def _header(model: type[BaseModel], rel: str) -> list[str]:
    depth = rel.count("/")
    kind = next(k.value for k, spec in KINDS.items() if spec.model is model)
    return [
        f"# yaml-language-server: $schema={'../' * depth}{id_schema_path(kind)}",
        f"# New {kind}. Fill in every field marked [required]; leave the others empty or",
        "# delete them. Long text: write `field: |` and indent the text on the lines below.",
        "# Then run `briefs check`.",
        "",
    ]


def _skeleton(model: type[BaseModel], rel: str, filled: dict[str, list[str]]) -> str:
    """`filled` maps a field key to the lines that replace its empty `key:` line."""
    lines = _header(model, rel)
    for key, info in _fields(model):
        lines.append(f"# {_hint(info)}")
        lines.extend(filled.get(key) or _empty_field(key, info, ""))
    return "\n".join(lines) + "\n"


def _fields(model: type[BaseModel]) -> Iterator[tuple[str, FieldInfo]]:
    for name, info in model.model_fields.items():
        yield info.alias or name, info


def _hint(info: FieldInfo) -> str:
    required = "required" if info.is_required() else "optional"
    return f"{info.description or ''} [{required}, {_kind_label(info)}]"


_KIND_LABELS: list[tuple[Any, str]] = [
    (models.Plain, "one line of text"), (models.RichText, "rich text"),
    (models.Date, "YYYY-MM-DD"), (models.PartialDateField, "YYYY, YYYY-MM or YYYY-MM-DD"),
    (models.Ref, "id"), (models.Refs, "list of ids"), (models.HttpUrl, "http(s) URL"),
]


def _json_schema_of(annotation: Any) -> dict[str, Any] | None:
    for extra in typing.get_args(annotation)[1:]:
        if isinstance(extra, WithJsonSchema):
            return extra.json_schema
    return None


def _kind_label(info: FieldInfo) -> str:
    annotation = _strip_optional(info.annotation)
    own = next((m.json_schema for m in info.metadata if isinstance(m, WithJsonSchema)), None)
    for kind, label in _KIND_LABELS:
        if own is not None and own == _json_schema_of(kind):
            return label
        if annotation == kind or _json_schema_of(annotation) == _json_schema_of(kind):
            return label
    if typing.get_origin(annotation) is Literal:
        choices = typing.get_args(annotation)
        if all(c in (info.description or "") for c in choices):
            return "one of the above"
        return "one of " + ", ".join(choices)
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if _is_model(item):
            return "list of mappings"
        return "list of " + ("rich texts" if item == models.RichText else "texts")
    if typing.get_origin(annotation) is dict:
        return "mapping of label to URL"
    return "mapping" if _is_model(annotation) else "text"


def _strip_optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _empty_field(key: str, info: FieldInfo, indent: str) -> list[str]:
    """`key:` with nothing after it (the loader reads it as absent), plus an example shape."""
    annotation = _strip_optional(info.annotation)
    if _is_model(annotation):
        return [f"{indent}{key}:", *_nested(annotation, indent + "  ", {})]
    lines = [f"{indent}{key}:"]
    if typing.get_origin(annotation) is list or _kind_label(info) == "list of ids":
        (item,) = typing.get_args(annotation) or (str,)
        if _is_model(item):
            lines.extend(_item_template(item, indent + "  "))
        else:
            lines.append(f"{indent}  # - ...")
    elif typing.get_origin(annotation) is dict:
        lines.append(f"{indent}  # wikipedia: https://...")
    return lines


def _nested(model: type[BaseModel], indent: str, values: dict[str, str]) -> list[str]:
    lines = []
    for key, info in _fields(model):
        lines.append(f"{indent}# {_hint(info)}")
        value = values.get(key)
        lines.append(f"{indent}{key}: {value}" if value else f"{indent}{key}:")
    return lines


def _item_template(model: type[BaseModel], indent: str) -> list[str]:
    """A commented-out list item showing each key with its hint."""
    keys = list(_fields(model))
    width = max(len(k) for k, _ in keys) + 2
    lines = []
    for index, (key, info) in enumerate(keys):
        lead = "- " if index == 0 else "  "
        lines.append(f"{indent}# {lead}{(key + ':').ljust(width)}# {_hint(info)}")
    return lines


# ---------------------------------------------------------------- briefs start from their seed


@dataclass(frozen=True)
class Found:
    text: str
    nearby: tuple[str, ...]  # actor ids named in the same paragraph, nearest first


def _brief_skeleton(root: Path, inventory: Inventory, rel: str, seed: str,
                    created: Created) -> str:
    if seed not in inventory.seeds:
        seed_rel = f"{SEEDS_DIR}/{seed}.txt"
        known = sorted(inventory.seeds)
        hint = did_you_mean(seed, known) or (f"known seeds: {', '.join(known)}" if known
                                             else "add the article to seeds/ first")
        raise DiagnosticsError([Diagnostic(seed_rel, 1, 1, "missing-seed",
                                           f"no seed '{seed}': {seed_rel} does not exist", hint)])
    files = inventory.seeds[seed]
    assert files.text_rel is not None
    try:
        article = read_text(root / files.text_rel, files.text_rel)
    except LoadError as exc:
        raise DiagnosticsError(exc.diagnostics) from exc
    meta = _seed_meta(root, files.meta_rel)
    names = _names(root, inventory)
    quotes = find_quotes(article, names.actor_aliases(), names.persons)
    unknown = unknown_names(article, names.every_alias())
    created.quotes, created.unknown_names = len(quotes), unknown

    source = {"seed": seed, **{k: _plain_scalar(v) for k, v in meta.items()}}
    filled: dict[str, list[str]] = {"source": ["source:", *_nested(models.Source, "  ", source)]}
    quote_lines = ["quotes:", *_item_template(models.Quote, "  ")]
    if quotes:
        quote_lines.append("  # Quotations found in the seed: name each speaker (an actor id), "
                           "delete those you do not use.")
    for quote in quotes:
        nearby = f"  # named nearby: {', '.join(quote.nearby)}" if quote.nearby else ""
        quote_lines += [f"  - speaker:{nearby}", f"    text: {_quoted(quote.text)}",
                        "    note:"]
    filled["quotes"] = quote_lines
    actor_lines = ["actors:", "  # - ..."]
    if unknown:
        actor_lines += ["  # Names in the seed with no actor or glossary term yet (add one with",
                        "  # `briefs new actor ID --kind KIND`, or ignore them):"]
        actor_lines += [f"  #   {name}" for name in unknown]
    filled["actors"] = actor_lines
    return _skeleton(KINDS[Kind.BRIEF].model, rel, filled)


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


_PLAIN_SAFE = re.compile(r"[A-Za-z0-9(][^\n]*")


def _plain_scalar(text: str) -> str:
    """`text` unquoted when YAML reads it back unchanged (the loader never guesses types)."""
    if (_PLAIN_SAFE.fullmatch(text) and text == text.strip() and ": " not in text
            and " #" not in text and not text.endswith(":")):
        return text
    return _quoted(text)


def _seed_meta(root: Path, meta_rel: str | None) -> dict[str, str]:
    """outlet, url and published from the seed's metadata, when it has valid ones."""
    if meta_rel is None:
        return {}
    try:
        data = load_document(root / meta_rel, meta_rel).data
    except LoadError:
        return {}
    try:
        meta = SeedMeta.model_validate({k: v for k, v in data.items() if v is not None})
    except ValueError:
        return {}
    values = {"outlet": meta.outlet, "url": meta.url,
              "published": meta.published.isoformat() if meta.published else None}
    return {k: v for k, v in values.items() if v}


@dataclass
class _Names:
    """Display names and aliases of every actor and term, read leniently (no validation)."""

    aliases: dict[tuple[Kind, str], list[str]] = field(default_factory=dict)
    persons: set[str] = field(default_factory=set)

    def actor_aliases(self) -> dict[str, str]:
        return {alias: entity_id for (kind, entity_id), aliases in self.aliases.items()
                if kind is Kind.ACTOR for alias in aliases}

    def every_alias(self) -> set[str]:
        return {alias for aliases in self.aliases.values() for alias in aliases}


def _names(root: Path, inventory: Inventory) -> _Names:
    names = _Names()
    for file in inventory.files:
        if file.kind is Kind.BRIEF:
            continue
        try:
            data = load_document(root / file.rel, file.rel).data
        except LoadError:
            continue
        main = data.get("name" if file.kind is Kind.ACTOR else "term")
        aliases = data.get("aliases")
        found = [main] + (aliases if isinstance(aliases, list) else [])
        names.aliases[(file.kind, file.id)] = [a for a in found if isinstance(a, str) and a.strip()]
        if data.get("kind") == "person":
            names.persons.add(file.id)
    return names


_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_SPACE = re.compile(r"\s+")


def find_quotes(article: str, actor_aliases: dict[str, str],
                persons: Set[str] = frozenset()) -> list[Found]:
    """Text between “ ” or " " in the article, in order, once each."""
    found: list[Found] = []
    seen: set[str] = set()
    for match in _QUOTED.finditer(article):
        # a comma, semicolon or colon before the closing mark is the sentence's, not the
        # speaker's ("“We will talk again,” she said"): left out of the quote
        text = _SPACE.sub(" ", match.group(1) or match.group(2) or "").strip().rstrip(",;:")
        if not text or len(text) > MAX_QUOTE_CHARS or text in seen:
            continue
        if text_problem(text, multiline=False):
            continue
        seen.add(text)
        nearby = _nearby(article, match.start(), match.end(), actor_aliases, persons)
        found.append(Found(text, nearby))
    return found


def _nearby(article: str, start: int, end: int, actor_aliases: dict[str, str],
            persons: Set[str]) -> tuple[str, ...]:
    """Actors named in the quote's paragraph (outside it): people first, nearest first, 3 at most."""
    para_start = article.rfind("\n", 0, start) + 1
    para_end = article.find("\n", end)
    para_end = len(article) if para_end < 0 else para_end
    distance: dict[str, int] = {}
    for alias, actor in actor_aliases.items():
        for hit in _whole_word(alias).finditer(article, para_start, para_end):
            if start <= hit.start() < end:
                continue
            gap = start - hit.end() if hit.end() <= start else hit.start() - end
            distance[actor] = min(distance.get(actor, gap), gap)
    return tuple(sorted(distance, key=lambda a: (a not in persons, distance[a], a))[:3])


def _whole_word(alias: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(alias)}(?![\w-])")


# ---------------------------------------------------------------- names without a page

_TOKEN = r"(?:[A-Z]\.|[A-Z][A-Za-z-]*[A-Za-z])"  # a capitalised word or an initial
_RUN = re.compile(rf"(?<![\w’']){_TOKEN}(?: {_TOKEN})*")
_SENTENCE_END = re.compile(r"[.!?:][\"'”’)]*\s+[\"“‘(]?$|\n\s*[\"“‘(]?$")
_HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Mr.", "Mrs.", "Ms.", "Dr."})
# Words that are capitalised because they start a sentence, or that name no one.
_NOT_NAMES = frozenset({
    "A", "An", "The", "In", "On", "At", "As", "By", "For", "From", "To", "Of", "With", "And",
    "But", "Or", "If", "It", "Its", "He", "She", "They", "We", "I", "This", "That", "These",
    "Those", "While", "When", "After", "Before", "During", "Since", "Although", "Earlier",
    "Later", "Then", "Meanwhile", "Together", "However", "Yet", "So", "There", "Here",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday"})


def unknown_names(article: str, known: set[str]) -> list[str]:
    """Capitalised names in the article that no actor or term name or alias covers."""
    parts = {" ".join(words[i:j]) for words in (alias.split() for alias in known)
             for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    candidates: dict[str, bool] = {}  # name -> seen where its capital shows it is a name
    for match in _RUN.finditer(article):
        words = [w for w in match.group(0).split(" ") if w not in _HONORIFICS]
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        while words and words[-1] in _NOT_NAMES:
            words = words[:-1]
        if not words or len(words[0]) < 2 or _covered(words, known) or " ".join(words) in parts:
            continue
        name = " ".join(words)
        before = article[max(0, match.start() - 8):match.start()]
        at_start = match.start() == 0 or bool(_SENTENCE_END.search(before))
        candidates[name] = candidates.get(name, False) or not at_start or len(words) > 1
    return [name for name, is_name in candidates.items() if is_name]


def _covered(words: list[str], known: set[str]) -> bool:
    """True when some known alias is a run of whole words inside `words` ("Mr Lavrov")."""
    for i in range(len(words)):
        for j in range(i + 1, len(words) + 1):
            if " ".join(words[i:j]) in known:
                return True
    return False

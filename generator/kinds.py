"""The table of kinds: each kind of content declared once, read by every stage.

A row says where a kind's files live (`folder` under briefs/), which model validates it,
which of its fields are rich text (in the order a reader meets them: the first mention of
an alias is linked there), which fields hold references with the kinds each accepts, its
facet (what other pages show of it: a class of graph.py that builds itself from the
model) and the builder of its own page (a method of the renderer's page families).
Inventory, validation, reference checks, mention linking, facets, routes and rendering,
the JSON Schemas, scaffolding and the CLI's choices read this table; a field path is
written with the YAML keys. A new kind is a model, a row, a facet, a page builder and
its templates.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .graph import ActorFacet, BriefFacet, Facet, StoryFacet, TermFacet
from .load import Loc
from .models import Actor, ActorKind, Brief, SeedMeta, Story, Term, model_in
from .text import Rich
from .urls import SECTION, Kind

EACH = "*"
# A step of a field path: a key, EACH (every item of a list), or several keys of one
# mapping in order (a relation's `from`, then its `to`).
Step = str | tuple[str, ...]
Path = tuple[Step, ...]


@dataclass(frozen=True)
class RefField:
    """A field holding ids of other entities."""

    path: Path
    accepts: tuple[Kind, ...]


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    folder: str  # under briefs/: "" for briefs themselves
    model: type[BaseModel]
    name_field: str  # the field shown as its name
    rich: tuple[Path, ...]  # rich-text fields, in reading order
    refs: tuple[RefField, ...]  # reference fields, in reading order
    facet: type[Facet]  # what other pages show of it (graph.py), built by `facet.of`
    page: str  # the page family's builder of its own page (render/), by name
    label: str  # what editors call one (the JSON Schema's title)

    @property
    def section(self) -> str:
        """The site section of its pages (routes live in urls.py)."""
        return SECTION[self.kind]


ANY = (Kind.BRIEF, Kind.ACTOR, Kind.TERM)
RICH_REFS = tuple(Kind)  # `[[id]]` in rich text: an entity of any kind, stories included
_ACTOR = (Kind.ACTOR,)

KINDS: dict[Kind, KindSpec] = {
    Kind.BRIEF: KindSpec(
        Kind.BRIEF, "", Brief, "title",
        rich=(("why_it_matters",), ("key_points", EACH), ("what_happened",), ("context",),
              ("perspectives", EACH, "view"), ("quotes", EACH, "note"),
              ("timeline", EACH, "event"), ("whats_next",), ("updates", EACH, "note")),
        refs=(RefField(("perspectives", EACH, "actor"), _ACTOR),
              RefField(("quotes", EACH, "speaker"), _ACTOR),
              RefField(("timeline", EACH, "actors", EACH), _ACTOR),
              RefField(("relations", EACH, ("from", "to")), _ACTOR),
              RefField(("actors", EACH), _ACTOR),
              RefField(("terms", EACH), (Kind.TERM,)),
              RefField(("story",), (Kind.STORY,))),
        facet=BriefFacet, page="brief_page", label="Brief",
    ),
    Kind.ACTOR: KindSpec(
        Kind.ACTOR, "actors", Actor, "name",
        rich=(("summary",), ("profile",)),
        refs=(RefField(("affiliation",), _ACTOR), RefField(("members", EACH), _ACTOR)),
        facet=ActorFacet, page="actor_page", label="Actor profile",
    ),
    Kind.TERM: KindSpec(
        Kind.TERM, "glossary", Term, "term",
        rich=(("explanation",),),
        refs=(RefField(("used_by", EACH), _ACTOR), RefField(("related", EACH), ANY)),
        facet=TermFacet, page="term_page", label="Glossary term",
    ),
    Kind.STORY: KindSpec(
        Kind.STORY, "stories", Story, "title",
        rich=(("summary",), ("questions", EACH), ("watch", EACH, "note")),
        refs=(RefField(("watch", EACH, "resolved_by"), (Kind.BRIEF,)),),
        facet=StoryFacet, page="story_page", label="Story",
    ),
}
_SPEC_OF_MODEL: dict[type, KindSpec] = {spec.model: spec for spec in KINDS.values()}

FOLDERS: dict[str, Kind] = {spec.folder: kind for kind, spec in KINDS.items()}

# Every model that has a file of its own (the kinds, and a seed's metadata), by name: the
# JSON Schemas and the "How to add content" tables are made from these.
MODELS: dict[str, type[BaseModel]] = {kind.value: spec.model for kind, spec in KINDS.items()}
MODELS["seed"] = SeedMeta


@dataclass(frozen=True)
class ActorKindSpec:
    heading: str  # the actors index groups them under this heading, in this order
    schema_type: str  # their schema.org type in JSON-LD


# An actor's `kind` (models.ActorKind): how each is listed and described to machines.
ACTOR_KINDS: dict[str, ActorKindSpec] = {
    "person": ActorKindSpec("People", "Person"),
    "country": ActorKindSpec("Countries", "Country"),
    "organization": ActorKindSpec("Organizations", "Organization"),
    "group": ActorKindSpec("Groups", "Organization"),
    "place": ActorKindSpec("Places", "Place"),
}
if tuple(ACTOR_KINDS) != typing.get_args(ActorKind):  # pragma: no cover - a programming error
    raise ImportError("ACTOR_KINDS must list models.ActorKind's values, in order")


def spec_of_model(model: BaseModel) -> KindSpec:
    return _SPEC_OF_MODEL[type(model)]


def values_at(model: BaseModel, path: Path) -> Iterator[tuple[Loc, Any]]:
    """Every value at `path` in `model`, with its location; absent optional values skipped."""
    yield from _walk(model, path, ())


def _walk(value: Any, path: Path, loc: Loc) -> Iterator[tuple[Loc, Any]]:
    if value is None:
        return
    if not path:
        yield loc, value
        return
    head, rest = path[0], path[1:]
    if head == EACH:
        for index, item in enumerate(value):
            yield from _walk(item, rest, (*loc, index))
        return
    for key in (head,) if isinstance(head, str) else head:
        yield from _walk(getattr(value, _attribute(type(value), key)), rest, (*loc, key))


def _attribute(model: type[BaseModel], key: str) -> str:
    """The attribute behind a YAML key (`from` is `from_`), looked up once per model."""
    found = _ATTRIBUTES.get((model, key))
    if found is None:
        found = key if key in model.model_fields else next(
            name for name, info in model.model_fields.items() if info.alias == key)
        _ATTRIBUTES[(model, key)] = found
    return found


_ATTRIBUTES: dict[tuple[type[BaseModel], str], str] = {}


def rich_fields(model: BaseModel) -> Iterator[tuple[Loc, Rich]]:
    """The rich-text fields of an entity, in reading order."""
    for path in spec_of_model(model).rich:
        yield from values_at(model, path)


def references(model: BaseModel) -> Iterator[tuple[Loc, str, tuple[Kind, ...]]]:
    """Every id an entity's reference fields hold: (location, id, kinds accepted)."""
    for field in spec_of_model(model).refs:
        for loc, value in values_at(model, field.path):
            yield loc, value, field.accepts


def reference_keys() -> Iterator[tuple[type[BaseModel], str, tuple[Kind, ...]]]:
    """Each reference field as (the model that holds the key, the key, kinds accepted):
    what the JSON Schemas need to offer the right ids for completion."""
    for spec in KINDS.values():
        for field in spec.refs:
            owner: type[BaseModel] = spec.model
            *steps, last = [step for step in field.path if step != EACH]
            for step in steps:
                assert isinstance(step, str)
                found = model_in(owner.model_fields[_attribute(owner, step)].annotation)
                assert found is not None, f"{spec.kind}: {field.path} names no model"
                owner = found
            for key in (last,) if isinstance(last, str) else last:
                yield owner, key, field.accepts

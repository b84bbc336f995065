"""Raw documents -> typed models, every schema problem located in its file."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .chars import nfc
from .diagnostics import CODES, Diagnostic, closest, did_you_mean
from .inventory import ContentFile, Inventory
from .kinds import KINDS
from .load import Document, LoadError, Loc, load_document, read_text
from .models import Actor, Brief, SeedMeta, Story, Term, model_in
from .progress import NO_PROGRESS, Progress
from .text import shown
from .urls import Kind

M = TypeVar("M", bound=BaseModel)
MAX_SEED_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Entity(Generic[M]):
    id: str
    kind: Kind
    rel: str
    model: M
    doc: Document


@dataclass(frozen=True)
class Seed:
    id: str
    rel: str
    text: str
    meta: SeedMeta | None


AnyEntity = Entity[Brief] | Entity[Actor] | Entity[Term] | Entity[Story]


@dataclass
class Content:
    """Everything that validated, plus every id that exists (valid or not) for references."""

    briefs: dict[str, Entity[Brief]] = field(default_factory=dict)
    actors: dict[str, Entity[Actor]] = field(default_factory=dict)
    terms: dict[str, Entity[Term]] = field(default_factory=dict)
    stories: dict[str, Entity[Story]] = field(default_factory=dict)
    seeds: dict[str, Seed] = field(default_factory=dict)
    known_ids: dict[str, Kind] = field(default_factory=dict)
    known_seeds: set[str] = field(default_factory=set)

    # The field holding each kind's entities.
    FIELDS: typing.ClassVar[dict[Kind, str]] = {
        Kind.BRIEF: "briefs", Kind.ACTOR: "actors", Kind.TERM: "terms", Kind.STORY: "stories"}

    def of_kind(self, kind: Kind) -> dict[str, Entity[Any]]:
        """The entities of one kind, by id."""
        entities: dict[str, Entity[Any]] = getattr(self, self.FIELDS[kind])
        return entities


def validate(inventory: Inventory, *, progress: Progress = NO_PROGRESS
             ) -> tuple[Content, list[Diagnostic]]:
    """Every content file and seed article loaded and checked, each counted on `progress`."""
    diagnostics = list(inventory.diagnostics)
    content = Content(known_ids=inventory.ids, known_seeds=set(inventory.seeds))
    for file in inventory.files:
        entity, problems = validate_file(inventory.root, file)
        progress.advance()
        diagnostics.extend(problems)
        if entity is None:
            continue
        content.of_kind(file.kind)[file.id] = entity
    for seed in inventory.seeds.values():
        loaded, problems = load_seed(inventory.root, seed.id, seed.text_rel, seed.meta_rel)
        progress.advance()
        diagnostics.extend(problems)
        if loaded is not None:
            content.seeds[seed.id] = loaded
    return content, diagnostics


def validate_file(root: Path, file: ContentFile) -> tuple[Entity[Any] | None, list[Diagnostic]]:
    try:
        doc = load_document(root / file.rel, file.rel)
    except LoadError as exc:
        return None, exc.diagnostics
    model_cls = KINDS[file.kind].model
    model, problems = validate_model(model_cls, doc)
    if model is None:
        return None, problems
    problems.extend(_local_rules(model, doc))
    doc.release()  # positions come back from the text if a later check needs one
    return Entity(file.id, file.kind, file.rel, model, doc), problems


def validate_model(model_cls: type[M], doc: Document) -> tuple[M | None, list[Diagnostic]]:
    try:
        return model_cls.model_validate(_drop_empty(doc.data)), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    # A misspelt required key is one mistake: report the unknown key (with its "did you
    # mean"), not also the missing field it was meant to be.
    misspelt = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = tuple(error["loc"])
            hint = _closest_field(model_cls, loc)
            if hint:
                misspelt.add((*loc[:-1], hint))
    kept = [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in misspelt)]
    return None, [d for error in kept for d in _to_diagnostics(error, doc, model_cls)]


def _closest_field(model_cls: type[BaseModel], loc: Loc) -> str | None:
    return closest(str(loc[-1]), _field_names(model_cls, loc[:-1]))


def _drop_empty(value: Any) -> Any:
    """`key:` with nothing after it means the field is absent (skeletons leave such keys)."""
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


def load_seed(root: Path, seed_id: str, text_rel: str | None,
               meta_rel: str | None) -> tuple[Seed | None, list[Diagnostic]]:
    assert text_rel is not None
    problems: list[Diagnostic] = []
    try:
        text = nfc(read_text(root / text_rel, text_rel, MAX_SEED_BYTES))
    except LoadError as exc:
        return None, exc.diagnostics
    meta = None
    if meta_rel is not None:
        try:
            doc = load_document(root / meta_rel, meta_rel)
            meta, problems = validate_model(SeedMeta, doc)
        except LoadError as exc:
            problems = exc.diagnostics
    return Seed(seed_id, text_rel, text, meta), problems


def _local_rules(model: BaseModel, doc: Document) -> list[Diagnostic]:
    """Rules between fields of one file (the schema cannot say them)."""
    problems = []
    if isinstance(model, Brief):
        if model.updated is not None and model.updated < model.date:
            problems.append(doc.diagnostic(("updated",), "bad-date-order",
                                           f"updated ({model.updated}) is before date "
                                           f"({model.date})"))
        for index, relation in enumerate(model.relations):
            if relation.from_ == relation.to:
                problems.append(doc.diagnostic(("relations", index, "to"), "bad-value",
                                               "a relation joins two different actors"))
    if isinstance(model, Actor) and model.as_of is not None and model.role is None:
        problems.append(doc.diagnostic(("as_of",), "missing-field",
                                       "as_of dates the role, but there is no role", key=True))
    return problems


# ---------------------------------------------------------------- pydantic errors -> diagnostics

_WRONG_TYPE = {"list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping",
               "model_attributes_type": "a mapping", "string_type": "text"}


def _to_diagnostics(error: Any, doc: Document,
                    model_cls: type[BaseModel]) -> Iterable[Diagnostic]:
    loc: Loc = tuple(error["loc"])
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
        yield doc.diagnostic(loc, _code(kind), f"key: {error['msg']}", key=True)
        return
    name = ".".join(str(p) for p in loc) or "document"
    if kind == "missing":
        field_name = str(loc[-1])
        parent = loc[:-1]
        if loc in doc.keys:  # written with nothing after it
            yield doc.diagnostic(loc, "missing-field", f"required field '{name}' is empty",
                                 key=True)
            return
        where = doc.key_at(parent) if parent else None
        yield Diagnostic(doc.path, where.line if where else 1, where.column if where else 1,
                         "missing-field", f"missing required field '{field_name}'"
                         + (f" in {'.'.join(str(p) for p in parent)}" if parent else ""))
    elif kind == "extra_forbidden":
        known = _field_names(model_cls, loc[:-1])
        yield doc.diagnostic(loc, "unknown-key", f"unknown key '{shown(str(loc[-1]))}'",
                             did_you_mean(str(loc[-1]), known), key=True)
    elif kind == "literal_error":
        choices = [c.strip(" '") for c in str(ctx.get("expected", "")).replace(" or ", ",")
                   .split(",") if c.strip()]
        value = _value_at(doc, loc)
        yield doc.diagnostic(loc, "bad-value", f"{name} must be one of {', '.join(choices)}; "
                             f"found '{value}'", did_you_mean(str(value), choices))
    elif kind in _WRONG_TYPE:
        found = _describe(_value_at(doc, loc))
        yield doc.diagnostic(loc, "wrong-type", f"{name} must be {_WRONG_TYPE[kind]}, "
                             f"found {found}")
    elif kind == "string_too_long":
        length = len(str(_value_at(doc, loc)))
        yield doc.diagnostic(loc, "too-long", f"{name} is {length} characters; at most "
                             f"{ctx.get('max_length')} are allowed")
    elif kind in ("too_short", "too_long"):
        code = "too-short" if kind == "too_short" else "too-many"
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        yield doc.diagnostic(loc, code, f"{name} has {ctx.get('actual_length')} item(s); "
                             f"{'at least' if kind == 'too_short' else 'at most'} {bound} "
                             "allowed")
    elif kind == "string_pattern_mismatch":
        yield doc.diagnostic(loc, "bad-value", f"{name}: '{_value_at(doc, loc)}' is not in the "
                             "expected form")
    elif kind == "bad-text" and "snippet" in ctx:
        pos = doc.find_in(loc, ctx["snippet"])
        yield Diagnostic(doc.path, pos.line, pos.column, "bad-text", f"{name}: {error['msg']}")
    elif "problems" in ctx:
        for snippet, code, message in ctx["problems"]:
            pos = doc.find_in(loc, snippet)
            yield Diagnostic(doc.path, pos.line, pos.column, code, message)
    elif kind == "duplicate-item":
        yield doc.diagnostic((*loc, ctx["index"]), "duplicate-item", f"{name}: {error['msg']}")
    else:
        yield doc.diagnostic(loc, _code(kind), f"{name}: {error['msg']}")


def _code(kind: str) -> str:
    return kind if kind in CODES else "bad-value"


def _value_at(doc: Document, loc: Loc) -> Any:
    value: Any = doc.data
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return "text" if len(value) > 30 else f"text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing"


def _field_names(model_cls: type[BaseModel], loc: Loc) -> list[str]:
    """The keys allowed at `loc` inside `model_cls` (for 'did you mean')."""
    current: type[BaseModel] | None = model_cls
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        field_info = next((f for n, f in current.model_fields.items()
                           if (f.alias or n) == part), None)
        current = model_in(field_info.annotation) if field_info else None
    if current is None:
        return []
    return [f.alias or n for n, f in current.model_fields.items()]

"""JSON Schemas (draft-07) and field tables, generated from the content models."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .models import MODELS

SCHEMA_DIR = "schemas"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
TITLES = {"brief": "Brief", "actor": "Actor profile", "term": "Glossary term",
          "seed": "Seed article metadata"}


def json_schema(kind: str, ids: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The draft-07 schema of one content kind; `ids` lists existing ids for reference fields."""
    model = MODELS[kind]
    schema = model.model_json_schema(ref_template="#/definitions/{model}", by_alias=True,
                                     mode="validation")
    definitions = schema.pop("$defs", {})
    if ids:
        _list_ids({model.__name__: schema, **definitions}, ids)
    out: dict[str, Any] = {"$schema": DRAFT_07, **schema, "title": TITLES[kind]}
    if definitions:
        out["definitions"] = definitions
    _tidy(out)
    return out


def _tidy(node: Any) -> None:
    """Draft-07 has no `anyOf [X, null]` need here: optional fields are simply not required."""
    if isinstance(node, dict):
        any_of = node.get("anyOf")
        if isinstance(any_of, list):
            kept = [s for s in any_of if s != {"type": "null"}]
            if len(kept) == 1 and len(kept) != len(any_of):
                node.pop("anyOf")
                node.update(kept[0])
        node.pop("default", None) if node.get("default") is None else None
        for value in node.values():
            _tidy(value)
    elif isinstance(node, list):
        for value in node:
            _tidy(value)


# Reference fields whose values must be ids of one kind.
_REF_FIELDS = {
    ("Perspective", "actor"): "actor", ("Quote", "speaker"): "actor",
    ("Relation", "from"): "actor", ("Relation", "to"): "actor",
    ("TimelineEvent", "actors"): "actor", ("Brief", "actors"): "actor",
    ("Brief", "terms"): "term", ("Actor", "affiliation"): "actor",
    ("Actor", "members"): "actor", ("Term", "used_by"): "actor", ("Term", "related"): "any",
    ("Source", "seed"): "seed",
}


def _list_ids(blocks: dict[str, dict[str, Any]], ids: dict[str, list[str]]) -> None:
    """Offer the existing ids as examples (editors autocomplete them)."""
    every = sorted({i for k in ("brief", "actor", "term") for i in ids.get(k, [])})
    for (model, field_name), kind in _REF_FIELDS.items():
        prop = blocks.get(model, {}).get("properties", {}).get(field_name)
        choices = every if kind == "any" else sorted(ids.get(kind, []))
        if prop is None or not choices:
            continue
        target = prop.get("items", prop) if prop.get("type") == "array" else prop
        target["examples"] = choices


def schema_text(kind: str, ids: dict[str, list[str]] | None = None) -> str:
    return json.dumps(json_schema(kind, ids), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


@dataclass(frozen=True)
class FieldRow:
    name: str
    kind: str
    required: bool
    description: str


def field_rows(model: type[BaseModel], prefix: str = "") -> list[FieldRow]:
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    rows = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        rows.append(FieldRow(prefix + key, _kind_of(schema["properties"][key]), key in required,
                             info.description or ""))
    return rows


def _kind_of(prop: dict[str, Any]) -> str:
    if "anyOf" in prop:
        kinds = [_kind_of(p) for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(kinds)
    if "$ref" in prop:
        return "mapping"
    kind = prop.get("type", "text")
    if kind == "array":
        return f"list of {_kind_of(prop.get('items', {}))}"
    if kind == "object":
        return "mapping"
    if "enum" in prop:
        return "one of " + ", ".join(prop["enum"])
    return "text" if kind == "string" else str(kind)


def field_tables() -> dict[str, list[FieldRow]]:
    return {kind: field_rows(model) for kind, model in MODELS.items()}

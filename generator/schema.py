"""JSON Schemas (draft-07, for editors) and the guide's field tables, both from the content models.

The schemas describe what the validator accepts, never more: every scalar is text (a YAML
1.2 editor reads `2022` or `1984` as a number, so numbers stay allowed where the digits
would be valid text; `true`/`false` do not, or editors would offer them as completions
everywhere: such a title needs quotes in the editor, not for `briefs check`), an empty
value means "absent" (optional fields accept null), unknown keys are refused.

Two copies of each schema: the committed one in schemas/ describes the fields only, so it
changes with the models and nothing else (`briefs schema --check`); the local one in
.cache/schemas/ (ignored by git) also offers the project's existing ids as `examples` in
reference fields (autocompletion, not a rule: a schema that lags behind the content never
rejects a valid new id). Editors read the local copy (.vscode/settings.json, the modeline of
`briefs new` skeletons); `briefs new` and `briefs schema` rewrite it, so adding content
never modifies a tracked file.
"""

from __future__ import annotations

import json
import os
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotated_types import MaxLen
from pydantic import BaseModel, WithJsonSchema

from . import models
from .inventory import BRIEFS_DIR, SEEDS_DIR, discover
from .kinds import ANY, MODELS, reference_keys
from .load import LoadError, load_document
from .models import model_in
from .urls import ID_PATTERN, ID_RE, MAX_ID_LENGTH, Kind

SCHEMA_DIR = "schemas"  # committed: the fields only
ID_SCHEMA_DIR = ".cache/schemas"  # local, git-ignored: the fields and the content's ids
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
TITLES = {"brief": "Brief", "actor": "Actor profile", "term": "Glossary term",
          "story": "Story", "seed": "Seed article metadata"}
# Which content files each schema describes (globs relative to the project root).
FILE_GLOBS = {"brief": f"{BRIEFS_DIR}/*.yaml", "actor": f"{BRIEFS_DIR}/actors/*.yaml",
              "term": f"{BRIEFS_DIR}/glossary/*.yaml", "story": f"{BRIEFS_DIR}/stories/*.yaml",
              "seed": f"{SEEDS_DIR}/*.yaml"}

# Reference fields: (model, key) -> the kind of id they take ("any": brief, actor or term),
# from the table of kinds, plus the two that name no entity (a seed, a tag).
REF_FIELDS = {
    ("Source", "seed"): "seed", ("Brief", "tags"): "tag", ("Story", "tags"): "tag",
    **{(owner.__name__, key): "any" if set(accepts) == set(ANY) else accepts[0].value
       for owner, key, accepts in reference_keys()},
}


def schema_path(kind: str) -> str:
    """The committed schema of `kind` (fields only), relative to the project root."""
    return f"{SCHEMA_DIR}/{kind}.schema.json"


def id_schema_path(kind: str) -> str:
    """The local schema of `kind` that editors read (fields and existing ids)."""
    return f"{ID_SCHEMA_DIR}/{kind}.schema.json"


@dataclass
class KnownIds:
    """The ids a project holds, by kind, offered for completion in reference fields."""

    by_kind: dict[str, list[str]] = field(default_factory=dict)

    def of(self, kind: str) -> list[str]:
        if kind == "any":
            return sorted({i for k in ("brief", "actor", "term") for i in self.by_kind.get(k, [])})
        return sorted(self.by_kind.get(kind, []))


def known_ids(root: Path) -> KnownIds:
    """Ids from file names (valid content or not) and the tags the briefs already use."""
    inventory = discover(root)
    ids = KnownIds({kind.value: [] for kind in Kind})
    tags: set[str] = set()
    for file in inventory.files:
        ids.by_kind[file.kind.value].append(file.id)
        if file.kind is Kind.BRIEF:
            tags.update(_tags_of(root / file.rel, file.rel))
    ids.by_kind["seed"] = sorted(inventory.seeds)
    ids.by_kind["tag"] = sorted(tags)
    return ids


def _tags_of(path: Path, rel: str) -> list[str]:
    try:
        tags = load_document(path, rel).data.get("tags")
    except LoadError:
        return []
    if not isinstance(tags, list):
        return []
    return [t for t in tags if isinstance(t, str) and _is_id(t)]


def _is_id(value: str) -> bool:
    return len(value) <= MAX_ID_LENGTH and ID_RE.match(value) is not None


# ---------------------------------------------------------------- schema generation


def json_schema(kind: str, ids: KnownIds | None = None) -> dict[str, Any]:
    """The draft-07 schema of one content kind."""
    model = MODELS[kind]
    schema = model.model_json_schema(ref_template="#/definitions/{model}", by_alias=True,
                                     mode="validation")
    definitions: dict[str, Any] = schema.pop("$defs", {})
    blocks = {model.__name__: schema, **definitions}
    for name, cls in _models_in(model).items():
        _fix_block(blocks[name], cls)
    _widen_scalars(blocks)
    _offer_ids(blocks, definitions, ids or KnownIds())
    out: dict[str, Any] = {"$schema": DRAFT_07, **schema, "title": TITLES[kind]}
    out["$comment"] = ("Generated by `briefs schema` from generator/models.py; do not edit. "
                       "An empty value (`key:`) means the field is absent.")
    if definitions:
        out["definitions"] = definitions
    return out


def _models_in(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """`model` and every model its fields hold, by class name."""
    found = {model.__name__: model}
    for info in model.model_fields.values():
        for inner in _model_args(info.annotation):
            found.update(_models_in(inner))
    return found


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _model_args(arg)]


def _fix_block(block: dict[str, Any], cls: type[BaseModel]) -> None:
    """Per field: one type list instead of anyOf-null, length caps, null when optional."""
    props: dict[str, Any] = block["properties"]
    required = set(block.get("required", []))
    for name, info in cls.model_fields.items():
        key = info.alias or name
        prop = _drop_null_branch(props[key])
        prop.pop("title", None)
        if prop.get("default", 0) is None:
            prop.pop("default")
        max_len = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
        if max_len is not None and prop.get("type") == "string":
            prop.setdefault("maxLength", max_len)
        if "$ref" in prop and len(prop) > 1:  # draft-07 ignores the siblings of $ref
            prop = {"allOf": [{"$ref": prop.pop("$ref")}], **prop}
        if key not in required:
            prop = _nullable(prop)
        for pattern, value in prop.get("patternProperties", {}).items():  # `label:` is absent
            prop["patternProperties"][pattern] = _nullable(value)
        props[key] = prop


def _drop_null_branch(prop: dict[str, Any]) -> dict[str, Any]:
    branches = prop.get("anyOf")
    if not isinstance(branches, list):
        return prop
    kept = [b for b in branches if b != {"type": "null"}]
    if len(kept) != 1 or len(kept) == len(branches):
        return prop
    rest = {k: v for k, v in prop.items() if k != "anyOf"}
    return {**kept[0], **rest}


def _nullable(prop: dict[str, Any]) -> dict[str, Any]:
    kind = prop.get("type")
    if isinstance(kind, str):
        return {**prop, "type": [kind, "null"]}
    if isinstance(kind, list):
        return {**prop, "type": [*kind, "null"]}
    return {"anyOf": [prop, {"type": "null"}]}


def _kind_schema(annotated: Any) -> dict[str, Any]:
    """The JSON Schema a field kind of models.py declares (its WithJsonSchema)."""
    for extra in typing.get_args(annotated)[1:]:
        if isinstance(extra, WithJsonSchema) and extra.json_schema is not None:
            return dict(extra.json_schema)
    raise LookupError(annotated)  # pragma: no cover - models.py changed shape


_TEXT_PATTERNS = {None, _kind_schema(models.Plain).get("pattern")}
_PARTIAL_DATE_PATTERN = _kind_schema(models.PartialDateField)["pattern"]


def _widen_scalars(node: Any) -> None:
    """Allow the numbers a YAML 1.2 editor sees where the loader reads the same digits as text."""
    if isinstance(node, list):
        for item in node:
            _widen_scalars(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" or (isinstance(node.get("type"), list)
                                        and node["type"][0] == "string"):
        pattern = node.get("pattern")
        extra: list[str] = []
        if "enum" in node:
            pass
        elif pattern == ID_PATTERN:  # `007` is the id "007"
            node["maxLength"] = MAX_ID_LENGTH
            node["minimum"] = 0
            extra = ["integer"]
        elif pattern == _PARTIAL_DATE_PATTERN:  # a year on its own: `date: 2022`
            node["minimum"], node["maximum"] = 0, 9999
            extra = ["integer"]
        elif pattern in _TEXT_PATTERNS and "format" not in node:  # `label: 1984`
            extra = ["number"]
        if extra:
            kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
            node["type"] = [kinds[0], *extra, *kinds[1:]]
    if node.get("pattern", "").startswith("^[hH][tT][tT][pP]"):
        _url(node)
    message = _PATTERN_MESSAGES.get(node.get("pattern", ""))
    if message:
        node["patternErrorMessage"] = message
    for value in node.values():
        _widen_scalars(value)


# The validator's URL rule (urls.link_scheme_problem): http(s), a host, no spaces, quotes,
# backslashes or control characters. "format: uri" would claim RFC 3986 (no non-ASCII).
_URL_CHARS = "\\s<>\"'`\\\\\\x00-\\x1f\\x7f"
URL_PATTERN = f"^[hH][tT][tT][pP][sS]?://[^/?#{_URL_CHARS}]+[^{_URL_CHARS}]*$"


# Shown by editors (yaml-language-server) instead of the bare regular expression.
_PATTERN_MESSAGES = {
    URL_PATTERN: "an http(s) URL with a host, without spaces, quotes or backslashes",
    _kind_schema(models.Date)["pattern"]: "a date written YYYY-MM-DD",
    _PARTIAL_DATE_PATTERN: "a date written YYYY, YYYY-MM or YYYY-MM-DD",
    _kind_schema(models.Plain)["pattern"]: "one line of text (no line breaks)",
    ID_PATTERN: "an id: lowercase letters and digits joined by single hyphens",
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$": "a language tag such as en or pt-BR",
}


def _url(node: dict[str, Any]) -> None:
    node.pop("format", None)
    node["pattern"] = URL_PATTERN


# One definition per kind of id, so each list of existing ids is written once.
_ID_DEFINITIONS = {"brief": "BriefId", "actor": "ActorId", "term": "TermId", "story": "StoryId",
                   "any": "EntityId", "seed": "SeedId", "tag": "Tag"}
# The definitions carry no description: editors show the field's own (hover, completion).
_ID_TITLES = {"brief": "brief id", "actor": "actor id", "term": "glossary term id",
              "story": "story id", "any": "brief, actor or term id", "seed": "seed id",
              "tag": "tag"}


def _offer_ids(blocks: dict[str, dict[str, Any]], definitions: dict[str, Any],
               ids: KnownIds) -> None:
    """Point reference fields at an id definition that lists the existing ids as examples."""
    for (model_name, key), kind in REF_FIELDS.items():
        prop = blocks.get(model_name, {}).get("properties", {}).get(key)
        if prop is None:
            continue
        name = _ID_DEFINITIONS[kind]
        if name not in definitions:
            definition = {"title": _ID_TITLES[kind], "type": ["string", "integer"],
                          "pattern": ID_PATTERN, "maxLength": MAX_ID_LENGTH, "minimum": 0,
                          "patternErrorMessage": _PATTERN_MESSAGES[ID_PATTERN]}
            if ids.of(kind):
                definition["examples"] = ids.of(kind)
            definitions[name] = definition
        ref = {"$ref": f"#/definitions/{name}"}
        if "items" in prop:
            prop["items"] = ref
        else:
            nullable = isinstance(prop.get("type"), list) and "null" in prop["type"]
            keep = {k: prop[k] for k in ("description",) if k in prop}
            prop.clear()
            prop.update(keep)
            prop["anyOf" if nullable else "allOf"] = (
                [ref, {"type": "null"}] if nullable else [ref])


def schema_text(kind: str, ids: KnownIds | None = None) -> str:
    return json.dumps(json_schema(kind, ids), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def schema_files() -> dict[str, str]:
    """The committed schema files: relative path -> text (the same for every project)."""
    return {schema_path(kind): schema_text(kind) for kind in MODELS}


def id_schema_files(root: Path) -> dict[str, str]:
    """The local schema files of the project at `root`, with its ids: relative path -> text."""
    ids = known_ids(root)
    return {id_schema_path(kind): schema_text(kind, ids) for kind in MODELS}


def stale_schemas(root: Path) -> list[str]:
    """Committed schema files that are missing or differ from what `briefs schema` would write."""
    stale = []
    for rel, text in schema_files().items():
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(rel)
    return stale


def write_schemas(root: Path) -> list[str]:
    """Write the committed schema files that changed; returns their relative paths."""
    return _write_changed(root, schema_files())


def write_id_schemas(root: Path) -> list[str]:
    """Write the local, id-bearing schema files that changed; returns their relative paths.

    The folder ignores itself (a `.gitignore` of `*`), so a project whose own .gitignore
    does not name .cache/ still never shows these files as changes."""
    ignore = root / ID_SCHEMA_DIR / ".gitignore"
    if not ignore.is_file():
        ignore.parent.mkdir(parents=True, exist_ok=True)
        ignore.write_text("# written by `briefs schema`: local copies, never committed\n*\n",
                          encoding="utf-8", newline="\n")
    return _write_changed(root, id_schema_files(root))


def _write_changed(root: Path, files: dict[str, str]) -> list[str]:
    changed = []
    for rel, text in files.items():
        path = root / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.{os.getpid()}")
        staging.write_text(text, encoding="utf-8", newline="\n")
        staging.replace(path)  # readers see the old file or the new one, never half
        changed.append(rel)
    return changed


# ---------------------------------------------------------------- field tables (the guide page)


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
        prop = schema["properties"][key]
        rows.append(FieldRow(prefix + key, _kind_of(prop), key in required,
                             info.description or ""))
        nested = model_in(info.annotation)  # a mapping's own fields: `quotes[].speaker`
        if nested is not None:
            rows += field_rows(nested, f"{prefix}{key}{'[].' if prop.get('type') == 'array' else '.'}")
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

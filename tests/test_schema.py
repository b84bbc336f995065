"""The JSON Schemas editors use: committed and current, valid draft-07, true to the validator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator  # type: ignore[import-untyped]

from generator import cli
from generator.kinds import MODELS
from generator.load import Document, load_document, parse_document
from generator.schema import (
    FILE_GLOBS,
    ID_SCHEMA_DIR,
    KnownIds,
    id_schema_files,
    id_schema_path,
    json_schema,
    schema_path,
    stale_schemas,
)
from generator.validate import validate_model
from tests.conftest import REPO, copy_project


def validator(kind: str, root: Path = REPO) -> Any:
    schema = json.loads((root / schema_path(kind)).read_text(encoding="utf-8"))
    return Draft7Validator(schema)


def content_files(root: Path = REPO) -> Iterator[tuple[str, Path]]:
    for kind, pattern in FILE_GLOBS.items():
        for path in sorted(root.glob(pattern)):
            yield kind, path


def errors(kind: str, data: Any) -> list[str]:
    return [e.message for e in validator(kind).iter_errors(data)]


def test_committed_schemas_are_up_to_date() -> None:
    assert stale_schemas(REPO) == [], "run `briefs schema` and commit schemas/"


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_each_schema_is_valid_draft_07(kind: str) -> None:
    schema = json.loads((REPO / schema_path(kind)).read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{where}.{name}", prop
        for key, value in node.items():
            if key != "properties":
                yield from _properties(value, f"{where}.{key}")
            else:
                for name, prop in value.items():
                    yield from _properties(prop, f"{where}.{name}")
    elif isinstance(node, list):
        for item in node:
            yield from _properties(item, where)


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_every_field_has_help_text_and_unknown_keys_are_refused(kind: str) -> None:
    schema = json_schema(kind)
    for where, prop in _properties(schema):
        assert prop.get("description"), f"{kind}{where} has no description"
    objects = [schema, *schema.get("definitions", {}).values()]
    for block in objects:
        if block.get("type") == "object" and "properties" in block:
            assert block["additionalProperties"] is False


def test_every_included_content_file_is_accepted() -> None:
    files = list(content_files())
    assert len(files) > 40
    for kind, path in files:
        rel = path.relative_to(REPO).as_posix()
        data = load_document(path, rel).data
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                    for e in validator(kind).iter_errors(data)]
        assert problems == [], rel


def test_committed_schemas_hold_no_content_ids() -> None:
    """They change with the models only: adding content never modifies a tracked file."""
    for kind in MODELS:
        text = (REPO / schema_path(kind)).read_text(encoding="utf-8")
        assert '"examples"' not in text, schema_path(kind)
        assert "xi-lavrov-beijing-talks" not in text and "sergei-lavrov" not in text


def test_reference_fields_offer_the_existing_ids() -> None:
    local = id_schema_files(REPO)  # what `briefs schema` writes into .cache/schemas/
    brief = json.loads(local[id_schema_path("brief")])
    actor_ids = sorted(p.stem for p in (REPO / "briefs" / "actors").glob("*.yaml"))
    assert brief["definitions"]["ActorId"]["examples"] == actor_ids
    assert brief["definitions"]["Quote"]["properties"]["speaker"]["allOf"] == [
        {"$ref": "#/definitions/ActorId"}]
    assert brief["properties"]["actors"]["items"] == {"$ref": "#/definitions/ActorId"}
    seeds = brief["definitions"]["SeedId"]["examples"]
    assert seeds == sorted(p.stem for p in (REPO / "seeds").glob("*.txt"))
    assert "china-russia-relations" in brief["definitions"]["Tag"]["examples"]
    term = json.loads(local[id_schema_path("term")])
    assert "xi-lavrov-beijing-talks" in term["definitions"]["EntityId"]["examples"]
    # the same schema as the committed one, plus the examples
    committed = json.loads((REPO / schema_path("term")).read_text(encoding="utf-8"))
    for definition in term["definitions"].values():
        definition.pop("examples", None)
    assert term == committed
    # examples, not enum: an id newer than the committed schema is still valid
    assert not errors("actor", {"name": "X", "kind": "person", "summary": "X.",
                                "affiliation": "a-country-added-today"})


MINIMAL: dict[str, dict[str, Any]] = {
    "brief": {"title": "T", "dek": "D.", "date": "2024-04-09",
              "source": {"seed": "xi-lavrov-beijing-2024"}, "what_happened": "W.",
              "why_it_matters": "Y.", "key_points": ["K."]},
    "actor": {"name": "N", "kind": "person", "summary": "S."},
    "term": {"term": "T", "definition": "D."},
    "seed": {},
}


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_minimal_documents_are_accepted(kind: str) -> None:
    assert errors(kind, MINIMAL[kind]) == []


# Each case is wrong for the validator too: the schema says nothing the validator does not.
BROKEN = [
    ("brief", "unknown-key", {"colour": "red"}),
    ("brief", "missing title", {"title": None}),
    ("brief", "date form", {"date": "9 April 2024"}),
    ("brief", "title has a newline", {"title": "two\nlines"}),
    ("brief", "title too long", {"title": "x" * 121}),
    ("brief", "text where a list goes", {"key_points": "one point"}),
    ("brief", "eight key points", {"key_points": ["k"] * 8}),
    ("brief", "empty key point list", {"key_points": []}),
    ("brief", "python name of `from`", {"relations": [{"from_": "a", "to": "b", "label": "x"}]}),
    ("brief", "bad ref", {"actors": ["Not An Id"]}),
    ("brief", "duplicate ref", {"actors": ["china", "china"]}),
    ("brief", "source without seed", {"source": {"outlet": "X"}}),
    ("brief", "source url scheme", {"source": {"seed": "s", "url": "ftp://example.org/"}}),
    ("brief", "timeline date", {"timeline": [{"date": "April 2024", "event": "E."}]}),
    ("brief", "quote without text", {"quotes": [{"speaker": "china"}]}),
    ("actor", "kind not a choice", {"kind": "company"}),
    ("actor", "link without host", {"links": {"site": "https://"}}),
    ("actor", "link with a space", {"links": {"site": "https://example.org/a b"}}),
    ("term", "definition too long", {"definition": "x" * 301}),
    ("seed", "language tag", {"language": "English"}),
]


@pytest.mark.parametrize(("kind", "case", "change"), BROKEN, ids=[c[1] for c in BROKEN])
def test_broken_documents_are_rejected(kind: str, case: str, change: dict[str, Any]) -> None:
    data = {**MINIMAL[kind], **change}
    data = {k: v for k, v in data.items() if v is not None}
    assert errors(kind, data), f"schema accepts: {case}"
    model, problems = validate_model(MODELS[kind], as_content(data))
    assert model is None or problems, f"validator accepts: {case}"


def as_content(data: dict[str, Any]) -> Document:
    """`data` as the loader reads it: JSON is YAML; null becomes an empty value, `key:`."""
    return parse_document(json.dumps(data, ensure_ascii=False).replace("null", ""), "x.yaml")


def test_a_broken_file_loaded_like_content_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("title: Fine\ndek:\n  - not\n  - text\ndate: 2024-13-45x\nsummary: no\n",
                    encoding="utf-8")
    found = {tuple(e.absolute_path) or ("",): e.validator
             for e in validator("brief").iter_errors(load_document(path, "broken.yaml").data)}
    assert found[("dek",)] == "type"
    assert found[("date",)] == "pattern"
    assert ("",) in found  # `summary` is not a brief field; required fields are missing


# What the validator accepts, the schema must accept too.
ACCEPTED = [
    ("brief", "empty optional fields", {"updated": None, "context": None, "tags": None,
                                        "source": {"seed": "s", "outlet": None}}),
    ("brief", "year read as a number by a YAML 1.2 editor",
     {"timeline": [{"date": 2022, "event": "E.", "actors": None}]}),
    ("brief", "digits read as a number", {"title": 1984, "key_points": [1984]}),
    ("brief", "`from` is the key", {"relations": [{"from": "a", "to": "b", "label": "met"}]}),
    ("actor", "empty link value", {"links": {"wikipedia": None}}),
    ("actor", "non-ASCII URL", {"links": {"wiki": "https://de.wikipedia.org/wiki/Ärger"}}),
    ("term", "empty lists", {"aliases": None, "used_by": None, "related": None}),
]


@pytest.mark.parametrize(("kind", "case", "change"), ACCEPTED, ids=[c[1] for c in ACCEPTED])
def test_valid_documents_are_accepted(kind: str, case: str, change: dict[str, Any]) -> None:
    data = {**MINIMAL[kind], **change}
    model, problems = validate_model(MODELS[kind], as_content(data))
    assert model is not None and problems == [], f"validator rejects: {case}"
    assert errors(kind, data) == [], f"schema rejects: {case}"


def test_schema_command_writes_and_checks(tmp_path: Path, write: Any) -> None:
    root = copy_project(tmp_path / "project")
    shutil.copytree(REPO / "schemas", root / "schemas")
    committed = {p.name: p.read_bytes() for p in (root / "schemas").iterdir()}
    assert cli.main(["--root", str(root), "schema", "--check"]) == 0
    write(root, "briefs/actors/jane-doe.yaml", "name: Jane Doe\nkind: person\nsummary: A.\n")
    assert cli.main(["--root", str(root), "schema", "--check"]) == 0  # content is not checked
    assert cli.main(["--root", str(root), "schema"]) == 0
    assert {p.name: p.read_bytes() for p in (root / "schemas").iterdir()} == committed
    local = json.loads((root / id_schema_path("brief")).read_text())
    assert "jane-doe" in local["definitions"]["ActorId"]["examples"]
    assert (root / ID_SCHEMA_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    (root / schema_path("seed")).write_text("{}\n", encoding="utf-8")  # a stale committed file
    assert cli.main(["--root", str(root), "schema", "--check"]) == 1
    assert cli.main(["--root", str(root), "schema", "--ids"]) == 0  # leaves it alone
    assert (root / schema_path("seed")).read_text(encoding="utf-8") == "{}\n"
    (root / schema_path("seed")).unlink()
    assert stale_schemas(root) == [schema_path("seed")]


def test_ids_without_content_give_no_examples() -> None:
    schema = json_schema("brief", KnownIds())
    assert "examples" not in schema["definitions"]["ActorId"]


def test_vscode_maps_each_content_folder_to_its_schema_with_ids() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert mapping == {f"./{id_schema_path(kind)}": glob for kind, glob in FILE_GLOBS.items()}
    assert set(id_schema_files(REPO)) == {schema_file[2:] for schema_file in mapping}


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("command", [
    ["actor", "jane-doe", "--kind", "person"],
    ["brief", "follow-up", "--seed", "xi-lavrov-beijing-2024"],
])
def test_new_modifies_no_tracked_file(tmp_path: Path, command: list[str]) -> None:
    """In a git repository holding the project as committed (schemas and .gitignore
    included), `briefs new` leaves one change behind: the new file."""
    root = copy_project(tmp_path / "project")
    for part in ("schemas", ".vscode"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    assert cli.main(["--root", str(root), "schema", "--ids"]) == 0  # as `make` leaves a clone
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "project")
    assert _git(root, "status", "--porcelain") == ""
    new_id = f'"{command[1]}"'
    assert not any(new_id in p.read_text() for p in (root / ID_SCHEMA_DIR).glob("*.json"))
    assert cli.main(["--root", str(root), "new", *command]) == 0
    folder = "actors/" if command[0] == "actor" else ""
    assert _git(root, "status", "--porcelain", "--untracked-files=all").splitlines() == [
        f"?? briefs/{folder}{command[1]}.yaml"]
    # the new id is offered for completion all the same, from the ignored local copies
    assert any(new_id in p.read_text() for p in (root / ID_SCHEMA_DIR).glob("*.json"))
    assert cli.main(["--root", str(root), "schema", "--check"]) == 0
    # checking and generating (what build and serve run first) leave it as it is
    assert cli.main(["--root", str(root), "check"]) == 1  # the new file is a skeleton
    (root / f"briefs/{folder}{command[1]}.yaml").unlink()
    assert cli.main(["--root", str(root), "check"]) == 0
    assert cli.main(["--root", str(root), "generate", "--quiet"]) == 0
    assert _git(root, "status", "--porcelain", "--untracked-files=all") == ""

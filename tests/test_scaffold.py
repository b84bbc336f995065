"""`briefs new`: skeletons that name every field, start from the seed, and pass once filled."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import cli
from generator.kinds import MODELS
from generator.load import load_document
from generator.pipeline import check
from generator.provenance import verify_quote
from generator.scaffold import find_quotes, unknown_names
from generator.schema import id_schema_path, schema_path
from tests.conftest import REPO

Write = Callable[[Path, str, str | bytes], Path]
SEED = "xi-lavrov-beijing-2024"


def new(root: Path, *args: str) -> int:
    return cli.main(["--root", str(root), "new", *args])


def fill(text: str, values: dict[str, str]) -> str:
    """Give each empty top-level `key:` line a value (the way an editor would)."""
    for key, value in values.items():
        text, count = re.subn(rf"^{key}:$", f"{key}: {value}", text, count=1, flags=re.M)
        assert count == 1, key
    return text


def problems_in(root: Path, rel: str) -> list[str]:
    _, problems = check(root)
    assert all(p.path == rel for p in problems), [p.format_text() for p in problems]
    return [p.format_text() for p in problems]


def model_keys(kind: str) -> list[str]:
    return [info.alias or name for name, info in MODELS[kind].model_fields.items()]


def test_brief_skeleton_names_every_field_and_passes_check_once_filled(project: Path) -> None:
    assert new(project, "brief", "beijing-follow-up", "--seed", SEED) == 0
    rel = "briefs/beijing-follow-up.yaml"
    path = project / rel
    text = path.read_text(encoding="utf-8")

    modeline = "# yaml-language-server: $schema=../.cache/schemas/brief.schema.json"
    assert text.splitlines()[0] == modeline
    schema_file = (path.parent / modeline.split("=", 1)[1]).resolve()
    assert schema_file == (project / id_schema_path("brief")).resolve()
    assert schema_file.is_file()  # written by `briefs new`: the editor finds it at once
    data = load_document(path, rel).data
    assert list(data) == model_keys("brief")
    assert list(data["source"]) == ["seed", "outlet", "url", "published"]
    assert data["source"]["seed"] == SEED
    assert data["source"]["published"] == "2024-04-09"  # from the seed's metadata
    for info in MODELS["brief"].model_fields.values():
        assert f"# {info.description}" in text  # the hint is the model's own description

    # required fields are empty: check says so, located in the new file only
    missing = problems_in(project, rel)
    assert any("error[missing-field]" in line and "'title'" in line for line in missing)

    filled = fill(text, {"title": "Follow-up talks", "dek": "What came next.",
                         "date": "2024-04-10", "what_happened": "Talks went on.",
                         "why_it_matters": "They matter."})
    filled = filled.replace("key_points:\n  # - ...\n", "key_points:\n  - A point.\n")
    filled = re.sub(r"^  - speaker:(?:  # named nearby: ([a-z0-9-]+).*)?$",
                    lambda m: f"  - speaker: {m[1] or 'china'}", filled, flags=re.M)
    path.write_text(filled, encoding="utf-8")
    assert problems_in(project, rel) == []


def test_brief_quotes_come_from_the_seed(project: Path) -> None:
    assert new(project, "brief", "quotes-only", "--seed", SEED) == 0
    path = project / "briefs" / "quotes-only.yaml"
    quotes = load_document(path, "briefs/quotes-only.yaml").data["quotes"]
    article = (project / "seeds" / f"{SEED}.txt").read_text(encoding="utf-8")
    texts = [q["text"] for q in quotes]
    assert "significant consequences" in texts
    assert any(t.startswith("There is no room for dictatorships") for t in texts)
    assert len(texts) == len(set(texts))
    for quote in quotes:
        assert quote["speaker"] is None  # left for the editor
        assert verify_quote(quote["text"], article).found
    text = path.read_text(encoding="utf-8")
    assert "  - speaker:  # named nearby: janet-yellen" in text  # people first, nearest first


def test_quotes_and_unknown_names_from_an_article() -> None:
    article = ("Mr Jane Roe met officials of Acme Corp in Paris on Tuesday.\n"
               "“We will talk again,” Ms Roe said, and Known Person agreed that it was "
               "\"a good start\".\nThe talks resume in May. Paris was calm.")
    found = find_quotes(article, {"Known Person": "known-person", "Roe": "jane-roe"},
                        {"jane-roe"})
    assert [(f.text, f.nearby) for f in found] == [
        ("We will talk again", ("jane-roe", "known-person")),  # the comma is the sentence's
        ("a good start", ("jane-roe", "known-person"))]
    names = unknown_names(article, {"Known Person", "Roe"})
    assert "Acme Corp" in names and "Paris" in names
    assert not {"Known Person", "Roe", "Jane Roe", "Tuesday", "May", "The", "We"} & set(names)
    assert unknown_names(article, {"Known Person", "Jane Roe", "Acme Corp", "Paris"}) == []


def test_brief_lists_names_without_an_actor(empty_project: Path, write: Write) -> None:
    write(empty_project, "seeds/talks.txt",
          "Minister Ada Vell met Bruno Kask in Tallinn. “Progress,” said Ms Vell.\n")
    write(empty_project, "briefs/actors/ada-vell.yaml",
          "name: Ada Vell\nkind: person\naliases: [Ms Vell]\nsummary: A minister.\n")
    assert new(empty_project, "brief", "talks", "--seed", "talks") == 0
    text = (empty_project / "briefs" / "talks.yaml").read_text(encoding="utf-8")
    listed = text.split("or ignore them):\n", 1)[1].split("\n# ", 1)[0]
    assert listed == "  #   Bruno Kask\n  #   Tallinn"
    assert "  - speaker:  # named nearby: ada-vell\n    text: \"Progress\"\n" in text


@pytest.mark.parametrize(("kind", "args", "values"), [
    ("actor", ["--kind", "person"], {"name": "Jane Doe", "summary": "A diplomat."}),
    ("term", [], {"term": "Détente", "definition": "An easing of tension between states."}),
])
def test_actor_and_term_skeletons_pass_check_once_filled(
        project: Path, kind: str, args: list[str], values: dict[str, str]) -> None:
    folder = {"actor": "actors", "term": "glossary"}[kind]
    rel = f"briefs/{folder}/jane-doe.yaml"
    assert new(project, kind, "jane-doe", *args) == 0
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        f"# yaml-language-server: $schema=../../.cache/schemas/{kind}.schema.json")
    assert list(load_document(path, rel).data) == model_keys(kind)
    if kind == "actor":
        assert "\nkind: person\n" in text
    assert problems_in(project, rel)  # not yet filled
    path.write_text(fill(text, values), encoding="utf-8")
    assert problems_in(project, rel) == []


def test_filled_skeleton_matches_the_schema(project: Path) -> None:
    from jsonschema import Draft7Validator  # type: ignore[import-untyped]

    assert new(project, "actor", "jane-doe", "--kind", "person") == 0
    rel = "briefs/actors/jane-doe.yaml"
    text = fill((project / rel).read_text(encoding="utf-8"), {"name": "J", "summary": "S."})
    (project / rel).write_text(text, encoding="utf-8")
    schema = json.loads((REPO / schema_path("actor")).read_text(encoding="utf-8"))
    assert list(Draft7Validator(schema).iter_errors(load_document(project / rel, rel).data)) == []


@pytest.mark.parametrize(("args", "expected"), [
    (["term", "china"], "briefs/actors/china.yaml:1:1: error[duplicate-id]: id 'china' is "
                        "already used by this actor"),
    (["actor", "hegemony", "--kind", "group"], "briefs/glossary/hegemony.yaml:1:1: "
                                                "error[duplicate-id]"),
    (["brief", "xi-lavrov-beijing-talks", "--seed", SEED],
     "briefs/xi-lavrov-beijing-talks.yaml:1:1: error[duplicate-id]"),
    (["term", "tags"], "briefs/glossary/tags.yaml:1:1: error[reserved-id]"),
    (["term", "com1"], "briefs/glossary/com1.yaml:1:1: error[reserved-id]"),
    (["actor", "Jane_Doe", "--kind", "person"], "briefs/actors/Jane_Doe.yaml:1:1: error[bad-id]"),
    (["brief", "new-one", "--seed", "xi-lavrov-beijing"],
     "seeds/xi-lavrov-beijing.txt:1:1: error[missing-seed]: no seed 'xi-lavrov-beijing'"),
])
def test_refusals_are_located_and_write_nothing(project: Path, capsys: pytest.CaptureFixture[str],
                                                args: list[str], expected: str) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    snapshot = {p: p.read_bytes() for p in (project / "briefs").rglob("*.yaml")}
    assert new(project, *args) == 1
    out, err = capsys.readouterr()
    assert out.startswith(expected), out
    assert "nothing was written" in err
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    assert {p: p.read_bytes() for p in (project / "briefs").rglob("*.yaml")} == snapshot


def test_unknown_seed_suggests_the_closest(project: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert new(project, "brief", "x", "--seed", "xi-lavrov-beijing-2042") == 1
    assert f"did you mean '{SEED}'?" in capsys.readouterr().out


def test_usage_errors_exit_2(project: Path) -> None:
    with pytest.raises(SystemExit) as info:
        new(project, "actor", "jane-doe", "--kind", "company")
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        new(project, "brief", "jane-doe")  # --seed is required


def test_new_refreshes_the_local_schemas_and_leaves_the_committed_ones(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "schemas", project / "schemas")
    committed = {p.name: p.read_bytes() for p in (project / "schemas").iterdir()}
    assert new(project, "actor", "jane-doe", "--kind", "person") == 0
    out, err = capsys.readouterr()
    assert out == "briefs/actors/jane-doe.yaml\n"
    assert "schemas/" not in err  # nothing to commit but the new file
    actor_ids = json.loads((project / id_schema_path("term")).read_text())["definitions"]["ActorId"]
    assert "jane-doe" in actor_ids["examples"]
    assert {p.name: p.read_bytes() for p in (project / "schemas").iterdir()} == committed
    assert cli.main(["--root", str(project), "schema", "--check"]) == 0

"""The incremental path writes exactly what a full run would, and only the edited pages.

Every edit below is followed by a regeneration, then by a full run in memory
(`generate_files`) whose output must equal docs/ byte for byte. Edits that leave what other
pages show of an entity (its facet) as it was must take the incremental path and write
only the entity's own page (and the guide, for the newest brief); the others must take
the full path.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import incremental
from generator.cache import CACHE_DIR
from generator.diagnostics import DiagnosticsError, EnvironmentProblem
from generator.pipeline import check, generate, generate_files
from generator.site import site_config
from generator.write import WriteReport
from tests.corpus import Corpus, build_corpus

BRIEFS, ACTORS, TERMS = 24, 16, 16


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    corpus = build_corpus(tmp_path_factory.mktemp("incremental") / "project", BRIEFS, ACTORS,
                          TERMS)
    generate(corpus.root, site_config(corpus.root))
    return corpus


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records which path each regeneration took: 'incremental' or 'full'."""
    taken: list[str] = []
    real = incremental.update

    def spy(*args: object, **kwargs: object) -> WriteReport | None:
        report = real(*args, **kwargs)  # type: ignore[arg-type]
        taken.append("full" if report is None else "incremental")
        return report

    monkeypatch.setattr(incremental, "update", spy)
    return taken


def _docs(root: Path) -> dict[str, bytes]:
    docs = root / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes()
            for p in sorted(docs.rglob("*")) if p.is_file()}


def _regenerate(root: Path) -> WriteReport:
    report = generate(root, site_config(root))
    full = generate_files(root, site_config(root)).files
    docs = _docs(root)
    assert sorted(docs) == sorted(full)
    different = [rel for rel in full if docs[rel] != full[rel]]
    assert different == [], "docs/ differs from a full run"
    return report


def _edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, f"the edit changed nothing in {path}"
    path.write_text(changed, encoding="utf-8")


def _after_key(key: str, insert: str) -> Callable[[str], str]:
    """Insert a line at the start of the block scalar `key: |` (top level)."""
    def change(text: str) -> str:
        match = re.search(rf"^{key}: \|\n(\s+)", text, re.MULTILINE)
        assert match, key
        return text[:match.end()] + insert + "\n" + match.group(1) + text[match.end():]
    return change


def _with_block(folder: Path, ids: list[str], key: str) -> str:
    return next(i for i in ids if f"\n{key}: |\n" in (folder / f"{i}.yaml").read_text())


def _replace_value(key: str, value: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        return re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.MULTILINE)
    return change


def test_page_local_edits_take_the_incremental_path(corpus: Corpus, paths: list[str]) -> None:
    root = corpus.root
    graph, _ = check(root)
    newest = graph.briefs_by_date[0]
    middle = graph.briefs_by_date[len(graph.briefs_by_date) // 2]
    actor = _with_block(root / "briefs/actors", corpus.actors, "profile")
    term = _with_block(root / "briefs/glossary", corpus.terms, "explanation")

    _edit(root / f"briefs/{middle}.yaml", _after_key("what_happened", "Talks went on."))
    report = _regenerate(root)
    assert report.written == [f"briefs/{middle}.md"]

    _edit(root / f"briefs/{newest}.yaml", _after_key("what_happened", "Talks went on."))
    report = _regenerate(root)  # the guide quotes the newest brief's YAML
    assert sorted(report.written) == sorted([f"briefs/{newest}.md", "contribute/index.md"])

    _edit(root / f"briefs/actors/{actor}.yaml", _after_key("profile", "Profiled again."))
    report = _regenerate(root)
    assert report.written == [f"actors/{actor}.md"]

    _edit(root / f"briefs/glossary/{term}.yaml", _after_key("explanation", "Explained again."))
    report = _regenerate(root)
    assert report.written == [f"glossary/{term}.md"]

    _edit(root / f"briefs/{middle}.yaml", lambda t: t + "# an editor's comment\n")
    report = _regenerate(root)
    assert report.written == [] and report.removed == []

    assert paths == ["incremental"] * 5


def test_edits_seen_by_other_pages_reach_their_dependants(corpus: Corpus,
                                                         paths: list[str]) -> None:
    root = corpus.root
    graph, _ = check(root)
    brief = graph.briefs_by_date[3]
    actor = corpus.actors[0]
    term = corpus.terms[1]
    other_actor = next(a for a in reversed(corpus.actors) if a not in graph.brief_actors[brief])
    total = len(_docs(root))

    _edit(root / f"briefs/{brief}.yaml", _replace_value("dek", "A new standfirst."))
    report = _regenerate(root)  # its cards: indexes, tags, related briefs, actors
    assert f"briefs/{brief}.md" in report.written and "briefs/index.md" in report.written
    assert 3 < len(report.written) < total // 2

    name = graph.facets[other_actor].name
    _edit(root / f"briefs/{brief}.yaml", _after_key("what_happened", f"{name} spoke."))
    report = _regenerate(root)  # a new mention: the actor's "Appears in" changes
    assert f"actors/{other_actor}.md" in report.written

    _edit(root / f"briefs/actors/{actor}.yaml", _after_key("summary", "Summarised again."))
    report = _regenerate(root)  # every link's tooltip to it
    assert f"actors/{actor}.md" in report.written and len(report.written) > 1

    _edit(root / f"briefs/glossary/{term}.yaml",
          _replace_value("definition", "A defined thing."))
    report = _regenerate(root)
    assert "glossary/index.md" in report.written

    _edit(root / f"briefs/{brief}.yaml", _replace_value("date", "2031-01-01"))
    report = _regenerate(root)  # now the newest: home, lists, feed and the guide
    assert {"index.md", "briefs/index.md", "feed.xml", "contribute/index.md"} <= set(
        report.written)
    assert len(report.written) < total // 2

    assert paths == ["incremental"] * 5


def test_several_files_edited_at_once(corpus: Corpus, paths: list[str]) -> None:
    root = corpus.root
    graph, _ = check(root)
    brief, other = graph.briefs_by_date[7], graph.briefs_by_date[8]
    actor = corpus.actors[3]
    _edit(root / f"briefs/{brief}.yaml", _replace_value("dek", "Two edits, one run."))
    _edit(root / f"briefs/{other}.yaml", _after_key("what_happened", "Talks went on."))
    _edit(root / f"briefs/actors/{actor}.yaml", _after_key("summary", "Summarised once more."))
    report = _regenerate(root)
    assert {f"briefs/{brief}.md", f"briefs/{other}.md", f"actors/{actor}.md"} <= set(
        report.written)
    assert paths == ["incremental"]


def test_name_alias_and_tag_set_changes_take_the_full_path(corpus: Corpus,
                                                            paths: list[str]) -> None:
    root = corpus.root
    actor = corpus.actors[2]
    brief = corpus.briefs[4]
    _edit(root / f"briefs/actors/{actor}.yaml", _replace_value("name", '"Renamed Person"'))
    _regenerate(root)
    _edit(root / f"briefs/{brief}.yaml",
          lambda t: re.sub(r"^tags:\n", "tags:\n  - brand-new-topic\n", t, count=1,
                           flags=re.MULTILINE))
    report = _regenerate(root)
    assert "tags/brand-new-topic.md" in report.written
    assert paths == ["full", "full"]


def test_a_broken_edit_is_reported_by_the_full_check(corpus: Corpus, paths: list[str]) -> None:
    root = corpus.root
    brief = corpus.briefs[2]
    path = root / f"briefs/{brief}.yaml"
    before = _docs(root)
    original = path.read_text(encoding="utf-8")
    _edit(path, _after_key("what_happened", "See [[no-such-entity]]."))
    with pytest.raises(DiagnosticsError) as caught:
        generate(root, site_config(root))
    lines = [d.format_text() for d in caught.value.diagnostics]
    assert len(lines) == 1 and lines[0].startswith(f"briefs/{brief}.yaml:")
    assert "error[bad-ref]" in lines[0]
    assert _docs(root) == before
    path.write_text(original, encoding="utf-8")
    report = _regenerate(root)
    assert report.written == []
    assert paths == ["full", "incremental"]


def test_a_full_disk_during_an_incremental_run_changes_nothing(
        corpus: Corpus, paths: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = corpus.root
    graph, _ = check(root)
    brief = graph.briefs_by_date[6]
    before = _docs(root)
    _edit(root / f"briefs/{brief}.yaml", _replace_value("dek", "A standfirst for a full disk."))
    real = Path.write_bytes
    calls = []

    def full_disk(self: Path, data: bytes) -> int:  # the second page cannot be written
        calls.append(self)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(EnvironmentProblem) as caught:
        generate(root, site_config(root))
    assert str(caught.value) == ("cannot write docs/: the disk is full; the previous output was "
                                 "left as it was")
    monkeypatch.setattr(Path, "write_bytes", real)
    # The incremental path writes each page beside itself first (the full path would
    # write into a staging copy of docs/).
    assert all(c.parent.is_relative_to(root / "docs") and c.name.endswith(".tmp")
               for c in calls), calls
    assert _docs(root) == before  # no page replaced, no temporary file left
    report = _regenerate(root)  # the cache and state still describe docs/: retried
    assert len(report.written) > 2
    assert paths == ["incremental"]  # the failed run raised from within the same path


def test_a_missing_or_damaged_state_falls_back_to_a_full_run(corpus: Corpus,
                                                             paths: list[str]) -> None:
    root = corpus.root
    brief = corpus.briefs[5]
    state = root / CACHE_DIR / incremental.STATE_FILE
    state.write_bytes(b"not a database")
    _edit(root / f"briefs/{brief}.yaml", _after_key("what_happened", "Damaged state."))
    assert _regenerate(root).written == [f"briefs/{brief}.md"]
    incremental.forget(root)
    _edit(root / f"briefs/{brief}.yaml", _after_key("what_happened", "No state."))
    assert _regenerate(root).written == [f"briefs/{brief}.md"]
    _edit(root / f"briefs/{brief}.yaml", _after_key("what_happened", "State again."))
    assert _regenerate(root).written == [f"briefs/{brief}.md"]
    assert paths == ["full", "full", "incremental"]


WORDS = st.sampled_from(["Talks", "went", "on", "and", "the", "ceasefire", "held", ",", "."])


def _sentence(words: list[str]) -> str:
    sentence = " ".join(words).replace(" ,", ",").replace(" .", ".") + "."
    return "Then " + sentence if sentence.startswith(("[", ",", ".")) else sentence


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_sequence_of_edits_matches_a_full_run(corpus: Corpus, data: st.DataObject) -> None:
    """Random edits of random files (running text with plain words, alias mentions and
    references; deks, dates and tags of briefs; actors' summaries and roles; terms'
    definitions): whichever path each run takes, docs/ equals what a full run writes."""
    root = corpus.root
    graph, _ = check(root)
    names = [graph.facets[a].name for a in (*corpus.actors, *corpus.terms)]
    refs = [f"[[{i}]]" for i in (*corpus.actors[:4], *corpus.briefs[:4])]
    words = data.draw(st.lists(st.one_of(WORDS, st.sampled_from(names), st.sampled_from(refs)),
                               min_size=1, max_size=6), label="words")
    sentence = _sentence(words)
    kind = data.draw(st.sampled_from(["brief", "brief", "brief", "actor", "term"]),
                     label="kind")
    if kind == "brief":
        target = root / f"briefs/{data.draw(st.sampled_from(corpus.briefs), label='brief')}.yaml"
        tags = sorted({t for b in graph.briefs_by_date for t in graph.facets[b].tags})
        change = data.draw(st.sampled_from([
            _after_key("what_happened", sentence), _after_key("why_it_matters", sentence),
            _replace_value("dek", f'"{sentence}"'),
            _replace_value("date", data.draw(st.dates(dt.date(2010, 1, 1), dt.date(2035, 12, 31)),
                                             label="date").isoformat()),
            lambda t: re.sub(r"^tags:\n", f"tags:\n  - {data.draw(st.sampled_from(tags))}\n",
                             t, count=1, flags=re.MULTILINE),
        ]), label="change")
    elif kind == "actor":
        actor = data.draw(st.sampled_from(corpus.actors), label="actor")
        target = root / f"briefs/actors/{actor}.yaml"
        change = data.draw(st.sampled_from([_after_key("summary", sentence),
                                            _replace_value("role", f'"{sentence[:100]}"')]),
                           label="change")
    else:
        term = data.draw(st.sampled_from(corpus.terms), label="term")
        target = root / f"briefs/glossary/{term}.yaml"
        change = _replace_value("definition", f'"{sentence}"')
    text = target.read_text(encoding="utf-8")
    if change(text) == text:
        return
    _edit(target, change)
    try:
        _regenerate(root)
    except DiagnosticsError:  # e.g. a tag listed twice or a role without a date
        target.write_text(text, encoding="utf-8")
        _regenerate(root)


def test_a_fresh_clone_without_cache_still_matches(corpus: Corpus) -> None:
    shutil.rmtree(corpus.root / CACHE_DIR)
    assert _regenerate(corpus.root).written == []

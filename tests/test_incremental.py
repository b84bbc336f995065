"""The incremental path writes exactly what a full run would, and only the edited pages.

Every edit below is followed by a regeneration, then by a full run in memory
(`generate_files`) whose output must equal docs/ byte for byte. Edits that leave what other
pages show of an entity (its facet) as it was must take the incremental path and write
only the entity's own page (and the guide, for the newest brief); the others must take
the full path, for the reason the report names.

Each test (and each example of the property test) starts from its own copy of one
generated corpus, restored at the path its build cache was written for: no test sees
another's edits, whatever the order they run in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator import cache, incremental, serial
from generator.cache import CACHE_DIR
from generator.diagnostics import DiagnosticsError, EnvironmentProblem
from generator.graph import BriefFacet, Graph, facet_as
from generator.incremental import FullReason, Reason
from generator.pipeline import GenerateReport, check, generate, generate_files
from generator.render import Renderer, paging
from generator.site import site_config
from generator.urls import SiteConfig
from generator.write import WriteReport
from tests.conftest import examples
from tests.corpus import Corpus, build_corpus

pytestmark = pytest.mark.usefixtures("imported_code")

BRIEFS, ACTORS, TERMS = 24, 16, 16
STORIES = 3  # two briefs in three are developments of one of them


@dataclass
class Pristine:
    """One generated corpus, kept aside; restore() puts a fresh copy where it was built."""

    corpus: Corpus
    snapshot: Path
    config: SiteConfig
    graph: Graph  # what the full run saw

    def restore(self) -> Corpus:
        root = self.corpus.root
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(self.snapshot, root, symlinks=True)  # sizes and times kept
        saved = cache.load(root)
        assert cache.is_fresh(saved, cache.fingerprint(root, self.config, root / "docs"))
        return self.corpus


@pytest.fixture(scope="module", autouse=True)
def small_pages() -> Iterator[None]:
    """Pages of a few entries, so that the corpus below has numbered pages (briefs index,
    tags, timeline years, actors' and terms' lists) and edits add and remove them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paging, "BRIEFS_PER_PAGE", 4)
        patch.setattr(paging, "PROFILE_BRIEFS", 3)
        patch.setattr(paging, "EVENTS_PER_PAGE", 5)
        patch.setattr(paging, "PROFILE_EVENTS", 3)
        yield


def _pristine(base: Path, briefs: int, actors: int, terms: int) -> Pristine:
    corpus = build_corpus(base / "project", briefs, actors, terms, stories=STORIES)
    config = site_config(corpus.root)
    assert generate(corpus.root, config).reason == FullReason(Reason.NO_CACHE, "no build cache")
    shutil.copytree(corpus.root, base / "pristine", symlinks=True)
    graph, problems = check(corpus.root)
    assert problems == []
    return Pristine(corpus, base / "pristine", config, graph)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Pristine:
    return _pristine(tmp_path_factory.mktemp("incremental"), BRIEFS, ACTORS, TERMS)


@pytest.fixture(scope="module")
def small_pristine(tmp_path_factory: pytest.TempPathFactory) -> Pristine:
    return _pristine(tmp_path_factory.mktemp("small"), 6, 6, 6)


@pytest.fixture
def corpus(pristine: Pristine) -> Corpus:
    """A fresh copy of the generated corpus (never shared with another test)."""
    return pristine.restore()


def taken(report: GenerateReport) -> str:
    """The path a run took, or for a full run the code of its reason."""
    return report.path if report.reason is None else str(report.reason.code)


def taken_by(outcome: WriteReport | FullReason) -> str:
    return str(outcome.code) if isinstance(outcome, FullReason) else "incremental"


@contextlib.contextmanager
def recorded_updates() -> Iterator[list[WriteReport | FullReason]]:
    """What each call of incremental.update returned (a report, or why the full path)."""
    outcomes: list[WriteReport | FullReason] = []
    real = incremental.update

    def spy(*args: Any, **kwargs: Any) -> WriteReport | FullReason:
        outcome = real(*args, **kwargs)
        outcomes.append(outcome)
        return outcome

    with mock.patch.object(incremental, "update", spy):
        yield outcomes


def _docs(root: Path) -> dict[str, bytes]:
    docs = root / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes()
            for p in sorted(docs.rglob("*")) if p.is_file()}


def _matches_a_full_run(root: Path) -> Graph:
    """docs/ equals a full run in memory, byte for byte; that run's graph."""
    full = generate_files(root, site_config(root))
    docs = _docs(root)
    assert sorted(docs) == sorted(full.files)
    different = [rel for rel in full.files if docs[rel] != full.files[rel]]
    assert different == [], "docs/ differs from a full run"
    return full.graph


def _regenerate(root: Path) -> GenerateReport:
    report = generate(root, site_config(root))
    _matches_a_full_run(root)
    return report


def _incrementally(root: Path) -> GenerateReport:
    report = _regenerate(root)
    assert taken(report) == "incremental", report.reason
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


def test_page_local_edits_take_the_incremental_path(corpus: Corpus) -> None:
    root = corpus.root
    graph, _ = check(root)
    newest = graph.briefs_by_date[0]
    middle = graph.briefs_by_date[len(graph.briefs_by_date) // 2]
    actor = _with_block(root / "briefs/actors", corpus.actors, "profile")
    term = _with_block(root / "briefs/glossary", corpus.terms, "explanation")

    _edit(root / f"briefs/{middle}.yaml", _after_key("what_happened", "Talks went on."))
    report = _incrementally(root)
    assert report.written == [f"briefs/{middle}/index.md"]

    _edit(root / f"briefs/{newest}.yaml", _after_key("what_happened", "Talks went on."))
    report = _incrementally(root)  # the guide quotes the newest brief's YAML
    assert sorted(report.written) == sorted([f"briefs/{newest}/index.md", "contribute/index.md"])

    _edit(root / f"briefs/actors/{actor}.yaml", _after_key("profile", "Profiled again."))
    report = _incrementally(root)
    assert report.written == [f"actors/{actor}/index.md"]

    _edit(root / f"briefs/glossary/{term}.yaml", _after_key("explanation", "Explained again."))
    report = _incrementally(root)
    assert report.written == [f"glossary/{term}/index.md"]

    _edit(root / f"briefs/{middle}.yaml", lambda t: t + "# an editor's comment\n")
    report = _incrementally(root)
    assert report.written == [] and report.removed == []

    assert taken(generate(root, site_config(root))) == "unchanged"


def test_edits_seen_by_other_pages_reach_their_dependants(corpus: Corpus) -> None:
    root = corpus.root
    graph, _ = check(root)
    brief = graph.briefs_by_date[3]
    actor = corpus.actors[0]
    term = corpus.terms[1]
    other_actor = next(a for a in reversed(corpus.actors) if a not in graph.brief_actors[brief])
    total = len(_docs(root))

    _edit(root / f"briefs/{brief}.yaml", _replace_value("dek", "A new standfirst."))
    report = _incrementally(root)  # its cards: indexes, tags, related briefs, actors
    assert f"briefs/{brief}/index.md" in report.written and "briefs/index.md" in report.written
    assert 3 < len(report.written) < total // 2

    name = graph.facets[other_actor].name
    _edit(root / f"briefs/{brief}.yaml", _after_key("what_happened", f"{name} spoke."))
    report = _incrementally(root)  # a new mention: the actor's "Appears in" changes
    assert f"actors/{other_actor}/index.md" in report.written

    _edit(root / f"briefs/actors/{actor}.yaml", _after_key("summary", "Summarised again."))
    report = _incrementally(root)  # every link's tooltip to it
    assert f"actors/{actor}/index.md" in report.written and len(report.written) > 1

    _edit(root / f"briefs/glossary/{term}.yaml",
          _replace_value("definition", "A defined thing."))
    report = _incrementally(root)
    assert "glossary/index.md" in report.written

    _edit(root / f"briefs/{brief}.yaml", _replace_value("date", "2031-01-01"))
    report = _incrementally(root)  # now the newest: home, lists, feed and the guide
    assert {"index.md", "briefs/index.md", "feed.xml", "contribute/index.md"} <= set(
        report.written)
    assert len(report.written) < total // 2


def _set_story(story: str | None) -> Callable[[str], str]:
    """Make a brief a development of `story`, or of none."""
    def change(text: str) -> str:
        text = re.sub(r"^story: .*\n", "", text, flags=re.MULTILINE)
        return text + (f"story: {story}\n" if story else "")
    return change


def _rendered() -> contextlib.AbstractContextManager[list[str]]:
    """The pages each Renderer.page call of the block rendered."""
    pages: list[str] = []
    real = Renderer.page

    def spy(self: Renderer, path: str) -> tuple[str, str]:
        pages.append(path)
        return real(self, path)

    @contextlib.contextmanager
    def spying() -> Iterator[list[str]]:
        with mock.patch.object(Renderer, "page", spy):
            yield pages
    return spying()


def test_a_brief_joining_or_leaving_a_story_renders_exactly_the_pages_that_show_it(
        corpus: Corpus) -> None:
    """The story's page and feed, its developments (each says "k of n"), the stories index
    and the home page when the story is listed there, and the brief itself: every page
    rendered is a page whose bytes change, and every page whose bytes change is rendered."""
    root = corpus.root
    graph, _ = check(root)
    story_of = {b: facet_as(graph.facets, b, BriefFacet).story for b in graph.briefs_by_date}
    loner = next(b for b in graph.briefs_by_date if not story_of[b])
    member = graph.developments[corpus.stories[1]][0]
    for brief, story in ((loner, corpus.stories[0]), (loner, None),
                         (member, corpus.stories[2]), (member, corpus.stories[1])):
        before = _docs(root)
        _edit(root / f"briefs/{brief}.yaml", _set_story(story))
        with _rendered() as pages:
            report = generate(root, site_config(root))
        assert taken(report) == "incremental", report.reason
        _matches_a_full_run(root)
        after = _docs(root)
        changed = {p for p in after if before.get(p) != after[p]}
        assert set(report.written) == changed
        assert set(pages) == changed, (brief, story, set(pages) ^ changed)
        touched = {story_of[brief] if brief == member else "", story or ""} - {""}
        assert {f"stories/{s}/index.md" for s in touched} <= changed
        assert {f"feeds/story-{s}.xml" for s in touched} <= changed


def test_several_files_edited_at_once(corpus: Corpus) -> None:
    root = corpus.root
    graph, _ = check(root)
    brief, other = graph.briefs_by_date[7], graph.briefs_by_date[8]
    actor = corpus.actors[3]
    _edit(root / f"briefs/{brief}.yaml", _replace_value("dek", "Two edits, one run."))
    _edit(root / f"briefs/{other}.yaml", _after_key("what_happened", "Talks went on."))
    _edit(root / f"briefs/actors/{actor}.yaml", _after_key("summary", "Summarised once more."))
    report = _incrementally(root)
    assert {f"briefs/{brief}/index.md", f"briefs/{other}/index.md", f"actors/{actor}/index.md"} <= set(
        report.written)


def test_name_alias_and_tag_set_changes_take_the_full_path(corpus: Corpus) -> None:
    root = corpus.root
    actor = corpus.actors[2]
    brief = corpus.briefs[4]
    _edit(root / f"briefs/actors/{actor}.yaml", _replace_value("name", '"Renamed Person"'))
    assert taken(_regenerate(root)) == "name-changed"
    _edit(root / f"briefs/{brief}.yaml",
          lambda t: re.sub(r"^tags:\n", "tags:\n  - brand-new-topic\n", t, count=1,
                           flags=re.MULTILINE))
    report = _regenerate(root)
    assert "tags/brand-new-topic/index.md" in report.written
    assert report.reason == FullReason(  # the tag's page and its feed
        Reason.PAGE_SET_CHANGED,
        "pages added or removed: feeds/tag-brand-new-topic.xml, tags/brand-new-topic/index.md")


def test_a_year_or_a_numbered_page_appearing_takes_the_full_path(corpus: Corpus) -> None:
    root = corpus.root
    _move_an_event_to_a_new_year(corpus)
    report = _regenerate(root)
    assert report.reason is not None and report.reason.code is Reason.PAGE_SET_CHANGED
    assert "timeline/1901/index.md" in report.reason.message
    # an actor or term in one more brief than its own page shows gets a full list of its own
    graph, _ = check(root)
    entity = next(e for e in (*corpus.terms, *corpus.actors)
                  if len(graph.appears_in.get(e, ())) == paging.PROFILE_BRIEFS)
    brief = next(b for b in corpus.briefs if b not in graph.appears_in[entity])
    _edit(root / f"briefs/{brief}.yaml", _after_key("what_happened", f"See [[{entity}]]."))
    report = _regenerate(root)
    section = "glossary" if entity in corpus.terms else "actors"
    assert report.reason == FullReason(Reason.PAGE_SET_CHANGED,
                                       f"pages added or removed: {section}/{entity}/briefs/index.md")


def test_a_broken_edit_is_reported_by_the_full_check(corpus: Corpus) -> None:
    root = corpus.root
    brief = corpus.briefs[2]
    path = root / f"briefs/{brief}.yaml"
    before = _docs(root)
    original = path.read_text(encoding="utf-8")
    _edit(path, _after_key("what_happened", "See [[no-such-entity]]."))
    with recorded_updates() as outcomes, pytest.raises(DiagnosticsError) as caught:
        generate(root, site_config(root))
    assert outcomes == [FullReason(Reason.CONTENT_ERROR, f"briefs/{brief}.yaml has a problem; "
                                   "the full check reports every problem")]
    lines = [d.format_text() for d in caught.value.diagnostics]
    assert len(lines) == 1 and lines[0].startswith(f"briefs/{brief}.yaml:")
    assert "error[bad-ref]" in lines[0]
    assert _docs(root) == before
    path.write_text(original, encoding="utf-8")
    report = _incrementally(root)
    assert report.written == []


def test_a_full_disk_during_an_incremental_run_changes_nothing(
        corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
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
    with recorded_updates() as outcomes, pytest.raises(EnvironmentProblem) as caught:
        generate(root, site_config(root))
    assert str(caught.value) == ("cannot write docs/: the disk is full; the previous output was "
                                 "left as it was")
    assert outcomes == []  # raised from within the incremental path, not a fallback
    monkeypatch.setattr(Path, "write_bytes", real)
    # The incremental path writes each page beside itself first (the full path would
    # write into a staging copy of docs/).
    assert all(c.parent.is_relative_to(root / "docs") and c.name.endswith(".tmp")
               for c in calls), calls
    assert _docs(root) == before  # no page replaced, no temporary file left
    report = _incrementally(root)  # the cache and state still describe docs/: retried
    assert len(report.written) > 2


def test_a_missing_or_damaged_state_falls_back_to_a_full_run(corpus: Corpus) -> None:
    root = corpus.root
    brief = corpus.briefs[5]
    state = root / CACHE_DIR / incremental.STATE_FILE
    state.write_bytes(b"not a database")
    _edit(root / f"briefs/{brief}.yaml", _after_key("what_happened", "Damaged state."))
    report = _regenerate(root)
    assert report.written == [f"briefs/{brief}/index.md"]
    assert report.reason == FullReason(Reason.STATE_CORRUPT, "the incremental state cannot be "
                                       "read (file is not a database)")
    incremental.forget(root)
    _edit(root / f"briefs/{brief}.yaml", _after_key("what_happened", "No state."))
    report = _regenerate(root)
    assert report.written == [f"briefs/{brief}/index.md"]
    assert report.reason == FullReason(Reason.STATE_MISSING, "no incremental state")
    _edit(root / f"briefs/{brief}.yaml", _after_key("what_happened", "State again."))
    assert _incrementally(root).written == [f"briefs/{brief}/index.md"]


# ---------------------------------------------------------------- every reason, once


def _state_sql(root: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    with contextlib.closing(sqlite3.connect(root / CACHE_DIR / incremental.STATE_FILE)) as db:
        for sql, args in statements:
            db.execute(sql, args)
        db.commit()


def _stored_meta(root: Path, key: str) -> Any:
    with contextlib.closing(sqlite3.connect(root / CACHE_DIR / incremental.STATE_FILE)) as db:
        (blob,), = db.execute("SELECT value FROM meta WHERE key = ?", (key,))
    return serial.loads(blob)


def _fingerprint_edit(root: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / CACHE_DIR / cache.CACHE_FILE
    saved = json.loads(path.read_bytes())
    change(saved)
    path.write_text(json.dumps(saved), encoding="utf-8")


def _touch(path: Path) -> None:
    """A new modification time, the same bytes (an editor saving without a change)."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def _brief_edit(corpus: Corpus) -> Path:
    path = corpus.root / f"briefs/{corpus.briefs[1]}.yaml"
    _edit(path, _after_key("what_happened", "An edit the state must serve."))
    return path


def _first_code_file(saved: dict[str, Any]) -> None:
    saved["code"][sorted(saved["code"])[0]][0] += 1


def _add_a_term(corpus: Corpus) -> None:
    (corpus.root / "briefs/glossary/zz-new-term.yaml").write_text(
        'term: "Zz new term"\ndefinition: "A term added in a test."\n', encoding="utf-8")


def _rename_an_alias(corpus: Corpus) -> None:
    actor = next(a for a in corpus.actors if "\naliases:\n" in (
        corpus.root / f"briefs/actors/{a}.yaml").read_text(encoding="utf-8"))
    _edit(corpus.root / f"briefs/actors/{actor}.yaml",
          lambda t: re.sub(r"^aliases:\n  - .*$", 'aliases:\n  - "Quite Another Alias"', t,
                           count=1, flags=re.MULTILINE))


def _move_an_event_to_a_new_year(corpus: Corpus) -> None:
    brief = next(b for b in corpus.briefs if "\ntimeline:\n  - date: " in (
        corpus.root / f"briefs/{b}.yaml").read_text(encoding="utf-8"))
    _edit(corpus.root / f"briefs/{brief}.yaml",
          lambda t: re.sub(r'^timeline:\n  - date: "[0-9-]+"', 'timeline:\n  - date: "1901"', t,
                           count=1, flags=re.MULTILINE))


def _forget_an_id(corpus: Corpus) -> None:
    known = _stored_meta(corpus.root, "known_ids")
    del known[corpus.briefs[1]]
    _state_sql(corpus.root, ("UPDATE meta SET value = ? WHERE key = 'known_ids'",
                             (serial.dumps(known),)))
    _brief_edit(corpus)


def _drop_the_state(corpus: Corpus) -> None:
    incremental.forget(corpus.root)
    _brief_edit(corpus)


def _add_a_table(corpus: Corpus) -> None:
    _state_sql(corpus.root, ("CREATE TABLE extra (x)", ()))
    _brief_edit(corpus)


def _damage_a_facet(corpus: Corpus) -> None:
    _state_sql(corpus.root, ("UPDATE entity SET facet = ? WHERE id = ?",
                             (b'{"BriefFacet": {}}', corpus.briefs[1])))
    _brief_edit(corpus)


TRIGGERS: dict[Reason, Callable[[Corpus], object]] = {
    Reason.NO_CACHE: lambda c: shutil.rmtree(c.root / CACHE_DIR),
    Reason.CACHE_FORMAT: lambda c: (c.root / CACHE_DIR / cache.CACHE_FILE).write_bytes(
        b'{"format": 1}'),
    Reason.CONFIG_CHANGED: lambda c: _edit(c.root / "mkdocs.yml", lambda t: re.sub(
        r"^site_name: .*$", "site_name: Another Name", t, count=1, flags=re.MULTILINE)),
    Reason.CODE_CHANGED: lambda c: _fingerprint_edit(c.root, _first_code_file),
    Reason.OUTPUTS_CHANGED: lambda c: _edit(c.root / "docs/index.md", lambda t: t + "\nHand."),
    Reason.INPUTS_CHANGED: _add_a_term,
    Reason.TEMPLATES_CHANGED: lambda c: _touch(c.root / "site_templates/pages/brief.md.j2"),
    Reason.SEEDS_CHANGED: lambda c: _touch(sorted((c.root / "seeds").glob("*.txt"))[0]),
    Reason.STATE_MISSING: _drop_the_state,
    Reason.STATE_FORMAT: _add_a_table,
    Reason.STATE_CORRUPT: _damage_a_facet,
    Reason.STATE_MISMATCH: _forget_an_id,
    Reason.NAME_CHANGED: lambda c: _edit(c.root / f"briefs/glossary/{c.terms[0]}.yaml",
                                         _replace_value("term", '"Renamed term"')),
    Reason.ALIAS_CHANGED: _rename_an_alias,
    Reason.PAGE_SET_CHANGED: lambda c: _edit(
        c.root / f"briefs/{c.briefs[3]}.yaml",
        lambda t: re.sub(r"^tags:\n", "tags:\n  - brand-new-topic\n", t, count=1,
                         flags=re.MULTILINE)),
}


def test_every_reason_has_a_trigger() -> None:
    """The reasons not below are covered by their own tests (content-error: a broken edit;
    render-error: test_a_page_that_fails_to_render_is_left_to_the_full_run)."""
    assert set(TRIGGERS) | {Reason.CONTENT_ERROR, Reason.RENDER_ERROR} == set(Reason)


@pytest.mark.parametrize("reason", list(TRIGGERS), ids=str)
def test_each_full_run_names_its_reason(small_pristine: Pristine, reason: Reason) -> None:
    corpus = small_pristine.restore()
    root = corpus.root
    TRIGGERS[reason](corpus)
    report = generate(root, site_config(root))
    assert report.path == "full"
    assert report.reason is not None and report.reason.code is reason, report.reason
    assert report.reason.message and "\n" not in report.reason.message
    # and back to normal: the full run left a cache and a state the next edit can use
    _edit(root / f"briefs/{corpus.briefs[0]}.yaml", _after_key("what_happened", "Normal."))
    assert taken(_regenerate(root)) == "incremental"  # docs/ equals a full run after both


def test_a_page_that_fails_to_render_is_left_to_the_full_run(
        corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.diagnostics import Diagnostic
    from generator.render import Renderer, RenderError

    class Failing(Renderer):
        def page(self, path: str) -> tuple[str, str]:
            raise RenderError(Diagnostic(path, 1, 1, "template", "template failed: planted"))

    monkeypatch.setattr(incremental, "Renderer", Failing)  # the full run renders as ever
    _brief_edit(corpus)
    report = _regenerate(corpus.root)
    assert report.reason is not None and report.reason.code is Reason.RENDER_ERROR


def test_a_bug_in_the_incremental_path_fails_loudly(corpus: Corpus,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the named conditions fall back to the full path; anything else propagates."""
    def bug(*args: object) -> set[str]:
        raise KeyError("a bug")

    monkeypatch.setattr(BriefFacet, "derive_input", bug)
    before = _docs(corpus.root)
    path = corpus.root / f"briefs/{corpus.briefs[1]}.yaml"
    _edit(path, _replace_value("dek", '"A dek that reaches listing pages."'))
    with pytest.raises(KeyError, match="a bug"):
        generate(corpus.root, site_config(corpus.root))
    assert _docs(corpus.root) == before


@pytest.mark.parametrize("plant", [
    # a derived value of another type than the index holds
    "INSERT OR REPLACE INTO derived VALUES ('appears_in:' || ?, ?, x'00')",
    "INSERT INTO reader VALUES ('facet:' || ?, 'tags/planted/index.md')",  # a reader that is no page
], ids=["foreign-value", "foreign-reader"])
def test_an_inconsistent_state_is_named_not_trusted(corpus: Corpus, plant: str) -> None:
    """A state that decodes but does not describe the site (planted, or a bug of save())."""
    root = corpus.root
    actor = corpus.actors[0]
    args: tuple[Any, ...] = ((actor, serial.dumps({"content": ("x",)})) if "derived" in plant
                             else (actor,))
    _state_sql(root, (plant, args))
    # a summary edit: every page showing the actor is re-rendered, its own with its values
    _edit(root / f"briefs/actors/{actor}.yaml", _after_key("summary", "Summarised again."))
    report = _regenerate(root)
    assert report.reason is not None and report.reason.code is Reason.STATE_CORRUPT, report


WORDS = st.sampled_from(["Talks", "went", "on", "and", "the", "ceasefire", "held", ",", "."])


def _sentence(words: list[str]) -> str:
    sentence = " ".join(words).replace(" ,", ",").replace(" .", ".") + "."
    return "Then " + sentence if sentence.startswith(("[", ",", ".")) else sentence


# What the edits below may break, in the edited file only: the full check reports it and
# the incremental path names it content-error. Any other problem fails the test.
STRATEGY_PROBLEMS = frozenset({
    "bad-ref",  # a reference to no entity
    "duplicate-item",  # a tag the brief already lists
    "bad-date-order",  # a brief dated after its own update
    "too-long",  # a fourth sentence in an actor's summary
})


def _expected_path(before: Graph, after: Graph, edited: str, pages_before: set[str],
                   pages_after: set[str]) -> str:
    """What incremental.update must decide, read off two full runs and the files they
    wrote (an oracle that shares none of its code)."""
    old, new = before.facets[edited], after.facets[edited]
    if new.name != old.name:
        return str(Reason.NAME_CHANGED)
    if new.aliases != old.aliases:
        return str(Reason.ALIAS_CHANGED)
    if pages_after != pages_before:  # a tag, a year, a numbered page, a list appeared or went
        return str(Reason.PAGE_SET_CHANGED)
    return "incremental"


def _first_event_date(date: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        return re.sub(r'^timeline:\n  - date: "[0-9-]+"', f'timeline:\n  - date: "{date}"',
                      text, count=1, flags=re.MULTILINE)
    return change


def _first_alias(alias: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        return re.sub(r"^aliases:\n  - .*$", f'aliases:\n  - "{alias}"', text, count=1,
                      flags=re.MULTILINE)
    return change


def _add_tag(tag: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        return re.sub(r"^tags:\n", f"tags:\n  - {tag}\n", text, count=1, flags=re.MULTILINE)
    return change


def _draw_edit(data: st.DataObject, pristine: Pristine) -> tuple[str, Path, Callable[[str], str]]:
    """One edit of one file: (its id, its path, the change of its text). Most edits leave
    the site's shape alone; some rename, re-alias, add a tag or a timeline year, or refer
    to no entity at all."""
    corpus, graph, root = pristine.corpus, pristine.graph, pristine.corpus.root
    names = [graph.facets[a].name for a in (*corpus.actors, *corpus.terms)]
    refs = [f"[[{i}]]" for i in (*corpus.actors[:4], *corpus.briefs[:4], "no-such-entity")]
    words = data.draw(st.lists(st.one_of(WORDS, st.sampled_from(names), st.sampled_from(refs)),
                               min_size=1, max_size=6), label="words")
    sentence = _sentence(words)
    fresh = data.draw(st.sampled_from(["Zorblat", "Quennick", "Vardemoor"]), label="fresh")
    kind = data.draw(st.sampled_from(["brief", "brief", "brief", "actor", "term", "story"]),
                     label="kind")
    if kind == "brief":
        entity = data.draw(st.sampled_from(corpus.briefs), label="brief")
        target = root / f"briefs/{entity}.yaml"
        what = data.draw(st.sampled_from(["what_happened", "why_it_matters", "dek", "date",
                                          "tag", "event", "story", "broken"]), label="field")
        if what == "story":  # join, leave or move to a story
            change = _set_story(data.draw(st.sampled_from([*corpus.stories, None]),
                                          label="story"))
        elif what == "broken":
            change = _after_key("why_it_matters", "See [[no-such-entity]].")
        elif what == "date":
            date = data.draw(st.dates(dt.date(2010, 1, 1), dt.date(2035, 12, 31)), label="date")
            change = _replace_value("date", date.isoformat())
        elif what == "tag":  # one of the site's tags (perhaps already listed), or a new one
            change = _add_tag(data.draw(st.sampled_from([*sorted(graph.tags)[:6],
                                                         f"{fresh.lower()}-affairs"]),
                                        label="tag"))
        elif what == "event":  # a year the timeline has, or one it has not
            change = _first_event_date(str(data.draw(st.integers(2000, 2035), label="year")))
        elif what == "dek":
            change = _replace_value("dek", f'"{sentence}"')
        else:
            change = _after_key(what, sentence)
    elif kind == "actor":
        entity = data.draw(st.sampled_from(corpus.actors), label="actor")
        target = root / f"briefs/actors/{entity}.yaml"
        change = data.draw(st.sampled_from([
            _after_key("summary", sentence), _replace_value("role", f'"{sentence[:100]}"'),
            _replace_value("name", f'"{fresh} {entity[:8]}"'),
            _first_alias(f"{fresh} of {entity[:8]}")]), label="change")
    elif kind == "story":
        entity = data.draw(st.sampled_from(corpus.stories), label="story")
        target = root / f"briefs/stories/{entity}.yaml"
        change = data.draw(st.sampled_from([
            _after_key("summary", sentence), _replace_value("status", "concluded"),
            _replace_value("status", "developing"),
            _replace_value("title", f'"{fresh} story {entity}"')]), label="change")
    else:
        entity = data.draw(st.sampled_from(corpus.terms), label="term")
        target = root / f"briefs/glossary/{entity}.yaml"
        change = data.draw(st.sampled_from([
            _replace_value("definition", f'"{sentence}"'),
            _replace_value("term", f'"{fresh.lower()} term {entity[:8]}"')]), label="change")
    return entity, target, change


@settings(max_examples=examples(15), deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_sequence_of_edits_matches_a_full_run(pristine: Pristine,
                                                  data: st.DataObject) -> None:
    """Sequences of random edits of random files (running text with plain words, alias
    mentions and references; deks, dates and tags of briefs; actors' summaries and roles;
    terms' definitions), each example on a fresh copy of the corpus. After every edit,
    docs/ equals what a full run writes, and the run took the path the two full runs
    around it call for: incremental, or the full path for the reason that applies."""
    root = pristine.restore().root
    before = pristine.graph
    for step in range(data.draw(st.integers(1, 3), label="edits")):
        entity, target, change = _draw_edit(data, pristine)
        text = target.read_text(encoding="utf-8")
        if change(text) == text:
            continue
        docs = _docs(root)
        _edit(target, change)
        with recorded_updates() as outcomes:
            try:
                report = generate(root, pristine.config)
            except DiagnosticsError as exc:
                problems = exc.diagnostics
            else:
                after = _matches_a_full_run(root)
                assert taken(report) == _expected_path(before, after, entity, set(docs),
                                                       set(_docs(root))), (step, report)
                event(taken(report))
                before = after
                continue
        # The edit broke its file: reported by the full check, nothing written.
        rel = target.relative_to(root).as_posix()
        event(f"content-error: {' '.join(sorted({d.code for d in problems}))}")
        unexpected = [d for d in problems if d.path != rel or d.code not in STRATEGY_PROBLEMS]
        assert unexpected == [], unexpected
        assert [taken_by(o) for o in outcomes] == [str(Reason.CONTENT_ERROR)]
        assert _docs(root) == docs
        target.write_text(text, encoding="utf-8")  # undone: back to the last good state
        assert taken(_regenerate(root)) == "incremental"


def test_verbose_runs_say_which_path_and_why(pristine: Pristine, corpus: Corpus,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str],
                                            caplog: pytest.LogCaptureFixture) -> None:
    import mkdocs.commands.build

    from generator.cli import main
    from generator.mkdocs_plugin import BriefsPlugin

    def said(*args: str) -> list[str]:
        assert main(["--root", str(corpus.root), *args]) == 0
        return [line for line in capsys.readouterr().err.splitlines()
                if line.startswith("briefs: ")]

    assert said("generate") == []  # quiet unless asked
    assert said("generate", "--verbose") == ["briefs: unchanged: nothing changed since the "
                                             "last run"]
    _brief_edit(corpus)
    assert said("generate", "-v") == ["briefs: incremental run: 1 written, 0 removed"]
    shutil.rmtree(corpus.root / CACHE_DIR)
    monkeypatch.setattr(mkdocs.commands.build, "build", lambda config: None)
    assert said("build", "--verbose") == ["briefs: full run (no-cache: no build cache): "
                                          "0 written, 0 removed"]

    config: Any = SimpleNamespace(config_file_path=str(corpus.root / "mkdocs.yml"),
                                  site_name=pristine.config.site_name,
                                  site_url=pristine.config.site_url,
                                  docs_dir=str(corpus.root / "docs"))
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.briefs"):
        BriefsPlugin().on_config(config)
    assert "briefs: unchanged: nothing changed since the last run" in caplog.messages


def test_a_fresh_clone_without_cache_still_matches(corpus: Corpus) -> None:
    shutil.rmtree(corpus.root / CACHE_DIR)
    report = _regenerate(corpus.root)
    assert report.written == []
    assert report.reason == FullReason(Reason.NO_CACHE, "no build cache")

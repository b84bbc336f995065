"""The synthetic corpus at small scale: valid, deterministic, and regenerated incrementally.

No timing assertions here: `python -m tests.bench` measures; these tests pin the behaviour
the benchmark relies on (a clean corpus, no-op runs writing nothing, edits writing only
the pages that depend on the edited file).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cache import CACHE_DIR
from generator.graph import Graph
from generator.pipeline import check, generate
from generator.site import site_config
from generator.urls import ID_RE, MAX_ID_LENGTH, RESERVED_IDS
from generator.write import WriteReport
from tests.corpus import Corpus, build_corpus, edit_actor, edit_brief

BRIEFS, ACTORS, TERMS = 30, 20, 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("scale") / "project", BRIEFS, ACTORS, TERMS)


@pytest.fixture(scope="module")
def graph(corpus: Corpus) -> Graph:
    graph, problems = check(corpus.root)
    assert [p.format_text() for p in problems] == []
    return graph


def _generate(root: Path) -> WriteReport:
    return generate(root, site_config(root))


def _pages(root: Path) -> set[str]:
    return {p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*.md")}


def test_corpus_has_the_requested_size_and_valid_ids(corpus: Corpus, graph: Graph) -> None:
    content = graph.content
    assert (len(content.briefs), len(content.actors), len(content.terms)) == (BRIEFS, ACTORS,
                                                                             TERMS)
    assert len(content.seeds) == BRIEFS
    ids = [*corpus.briefs, *corpus.actors, *corpus.terms]
    assert len(set(ids)) == len(ids)
    for entity_id in ids:
        assert ID_RE.match(entity_id) and len(entity_id) <= MAX_ID_LENGTH
        assert entity_id not in RESERVED_IDS


def test_corpus_is_realistic(corpus: Corpus, graph: Graph) -> None:
    content = graph.content
    sizes = [len((corpus.root / b.rel).read_bytes()) for b in content.briefs.values()]
    assert 2500 <= sum(sizes) / len(sizes) <= 5000
    for brief in content.briefs.values():
        model = brief.model
        assert 3 <= len(model.key_points) <= 7
        assert 2 <= len(model.perspectives) <= 3
        assert 2 <= len(model.quotes) <= 4
        assert 3 <= len(model.timeline) <= 6
        assert 2 <= len(model.relations) <= 5
        assert graph.brief_actors[brief.id] and graph.brief_terms[brief.id]
    assert any(list(b.model.what_happened.refs()) for b in content.briefs.values())
    assert any("..." in q.text for b in content.briefs.values() for q in b.model.quotes)
    assert any(len(e.date.iso) < 10 for b in content.briefs.values() for e in b.model.timeline)
    for term in content.terms.values():
        assert len(term.model.definition) <= 300
    # Every actor and term is reachable: the Zipf-like picks still touch most of them.
    assert len(graph.appears_in) >= (ACTORS + TERMS) // 2


def test_corpus_is_deterministic(tmp_path: Path, corpus: Corpus) -> None:
    again = build_corpus(tmp_path / "again", BRIEFS, ACTORS, TERMS, site=False)
    assert again.briefs == corpus.briefs and again.actors == corpus.actors
    for rel in ("briefs", "seeds"):
        for path in sorted((corpus.root / rel).rglob("*.*")):
            twin = tmp_path / "again" / path.relative_to(corpus.root)
            assert twin.read_bytes() == path.read_bytes(), path
    other = build_corpus(tmp_path / "other", 3, 5, 5, seed=1, site=False)
    assert other.actors[:3] != corpus.actors[:3]


def test_incremental_regeneration(corpus: Corpus, graph: Graph, tmp_path: Path) -> None:
    # Edits go to a copy: the module's corpus stays as built for the tests that read it.
    root = Path(shutil.copytree(corpus.root, tmp_path / "project"))
    cold = _generate(root)
    pages = _pages(root)
    outputs = set(cold.written)  # pages, feed, assets: everything a run can write
    assert len(pages) > BRIEFS + ACTORS + TERMS
    assert pages <= outputs

    noop = _generate(root)
    assert (noop.written, noop.removed) == ([], [])
    # Without the build cache every page is rendered again, and still nothing is written.
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    noop = _generate(root)
    assert (noop.written, noop.removed) == ([], [])

    brief = corpus.briefs[len(corpus.briefs) // 2]
    edit_brief(root, brief)
    report = _generate(root)
    written = set(report.written)
    assert report.removed == []
    assert f"briefs/{brief}/index.md" in written
    assert written < outputs  # a strict subset: not a full rebuild
    assert {w for w in written if w.endswith(".md")} < pages
    involved = set(graph.brief_actors[brief])
    unrelated = {f"actors/{a}/index.md" for a in graph.content.actors if a not in involved}
    assert unrelated
    assert not written & unrelated, sorted(written & unrelated)

    actor = corpus.actors[len(corpus.actors) // 2]
    edit_actor(root, actor)
    report = _generate(root)
    written = set(report.written)
    assert f"actors/{actor}/index.md" in written
    assert written < outputs
    # Briefs that never name the actor do not link to it, so they are untouched.
    strangers = {f"briefs/{b}/index.md" for b in graph.content.briefs
                 if actor not in graph.brief_actors[b]}
    assert strangers
    assert not written & strangers, sorted(written & strangers)

    again = _generate(root)
    assert (again.written, again.removed) == ([], [])

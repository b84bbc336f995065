"""The actors index and the glossary on numbered pages (render/listings.py, render/paging.py).

With small page sizes, a synthetic corpus spreads both over several pages: every actor and
term is on exactly one page, in order; a group (a kind of actor, a letter) that goes on
from the page before says so in its heading; the jump list of every page lands on an
existing page and heading; numbered pages have their titles, descriptions and rel links;
the relation diagram of the first page is capped. Incremental runs re-render exactly the
index pages an edit reaches, and adding or removing entries adds or removes pages.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown.extensions.toc import slugify  # type: ignore[import-untyped]

from generator import diagrams
from generator.graph import ActorFacet, Graph
from generator.incremental import Reason
from generator.kinds import ACTOR_KINDS
from generator.pipeline import GenerateReport, check, generate, generate_files
from generator.render import Renderer, paging
from generator.site import site_config
from generator.urls import numbered_path, page_url
from tests.corpus import Corpus, build_corpus, edit_actor

pytestmark = pytest.mark.usefixtures("imported_code")

BRIEFS, ACTORS, TERMS = 12, 40, 40
ACTORS_PER_PAGE, TERMS_PER_PAGE, INDEX_ACTORS = 7, 6, 6
ACTORS_FIRST, GLOSSARY_FIRST = "actors/index.md", "glossary/index.md"


# ---------------------------------------------------------------- paging of groups


@given(st.lists(st.integers(min_value=0, max_value=9), max_size=8),
       st.integers(min_value=1, max_value=7))
def test_grouped_pages_hold_every_entry_once_in_order(sizes: list[int], size: int) -> None:
    groups = [(g, [(g, i) for i in range(n)]) for g, n in enumerate(sizes)]
    flat = [entry for _, items in groups for entry in items]
    count = paging.page_count(len(flat), size)
    pages = [paging.grouped_page(groups, n, size) for n in range(1, count + 2)]
    assert pages[-1] == []  # nothing after the last page
    seen = [entry for page in pages for part in page for entry in part.items]
    assert seen == flat
    starts = paging.group_pages(groups, size)
    assert list(starts) == [g for g, items in groups if items]
    for number, page in enumerate(pages[:-1], start=1):
        assert 0 < sum(len(part.items) for part in page) <= size or not flat  # one empty page
        for part in page:
            first = flat.index(part.items[0])
            assert part.continued == (first > 0 and flat[first - 1][0] == part.key)
            assert (starts[part.key] == number) == (not part.continued)


# ---------------------------------------------------------------- a generated corpus


@pytest.fixture(scope="module", autouse=True)
def small_pages() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paging, "ACTORS_PER_PAGE", ACTORS_PER_PAGE)
        patch.setattr(paging, "TERMS_PER_PAGE", TERMS_PER_PAGE)
        patch.setattr(diagrams, "INDEX_ACTORS", INDEX_ACTORS)
        yield


@dataclass
class Pristine:
    corpus: Corpus
    snapshot: Path

    def restore(self) -> Corpus:
        shutil.rmtree(self.corpus.root, ignore_errors=True)
        shutil.copytree(self.snapshot, self.corpus.root, symlinks=True)
        return self.corpus


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, small_pages: None,
             imported_code: None) -> Pristine:
    base = tmp_path_factory.mktemp("index-pages")
    corpus = build_corpus(base / "project", BRIEFS, ACTORS, TERMS)
    generate(corpus.root, site_config(corpus.root))
    shutil.copytree(corpus.root, base / "pristine", symlinks=True)
    return Pristine(corpus, base / "pristine")


@pytest.fixture
def corpus(pristine: Pristine) -> Corpus:
    return pristine.restore()


def _docs(root: Path) -> dict[str, str]:
    docs = root / "docs"
    return {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(docs.rglob("*.md"))}


def _graph(root: Path) -> Graph:
    graph, problems = check(root)
    assert problems == []
    return graph


def _chain(pages: dict[str, str], first: str) -> list[str]:
    """The pages of a listing, first to last (numbered_path 1, 2, ... while they exist)."""
    chain = [first]
    while numbered_path(first, len(chain) + 1) in pages:
        chain.append(numbered_path(first, len(chain) + 1))
    return chain


def _target(path: str, href: str) -> tuple[str, str]:
    """The page (its site URL) and the anchor a link of page `path` goes to."""
    url, _, anchor = html.unescape(href).partition("#")
    here = page_url(path)
    return posixpath.normpath(posixpath.join(here, url) if url else here), anchor


def _url_of(pages: dict[str, str]) -> dict[str, str]:
    return {posixpath.normpath(page_url(p)): p for p in pages}


Groups = list[tuple[str, list[str]]]  # (heading, ids under it), in page order


def _groups(text: str, entry: str) -> Groups:
    """The `## headings` of a page with the entries under each (`entry` finds their ids)."""
    groups: Groups = []
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        groups.append((heading, re.findall(entry, body)))
    return groups


TERM_ENTRY = r'<dt><a href="(?:\.\./)+glossary/([a-z0-9-]+)/"'
ACTOR_ENTRY = r'<li><a href="(?:\.\./)+actors/([a-z0-9-]+)/"'


def _expected_terms(graph: Graph, corpus: Corpus) -> list[tuple[str, str]]:
    """(letter, term) A to Z: the corpus's names are lowercase ASCII words."""
    names = {t: graph.facets[t].name for t in corpus.terms}
    assert all(re.fullmatch(r"[a-z ]+", n) for n in names.values())
    return [(names[t][0].upper(), t) for t in sorted(names, key=lambda t: (names[t], t))]


def _expected_actors(graph: Graph, corpus: Corpus) -> list[tuple[str, str]]:
    """(heading of its kind, actor) in kinds.ACTOR_KINDS order, then by name."""
    facets = {a: graph.facets[a] for a in corpus.actors}
    assert all(isinstance(f, ActorFacet) for f in facets.values())
    order = list(ACTOR_KINDS)

    def key(a: str) -> tuple[int, str, str]:
        facet = facets[a]
        assert isinstance(facet, ActorFacet)
        return order.index(facet.actor_kind), facet.name.casefold(), a

    return [(ACTOR_KINDS[facets[a].actor_kind].heading, a)  # type: ignore[attr-defined]
            for a in sorted(facets, key=key)]


def _check_listing(pages: dict[str, str], first: str, entry: str,
                   expected: list[tuple[str, str]], *, size: int, title: str) -> list[str]:
    """Every entry on exactly one page, in order, under the right heading; headings of
    groups that go on from the page before say "(continued)"; the jump list, titles,
    descriptions and rel links of each page. The pages of the listing."""
    chain = _chain(pages, first)
    count = len(chain)
    assert count == paging.page_count(len(expected), size) > 2
    group_of = {e: g for g, e in expected}
    shown: list[str] = []
    starts: dict[str, str] = {}  # group -> the page where its heading is not "continued"
    continued = 0
    for number, path in enumerate(chain, start=1):
        groups = _groups(pages[path], entry)
        if first == ACTORS_FIRST and number == 1:
            assert groups[0][0] == "Who's who"
            groups = groups[1:]
        assert groups and all(ids for _, ids in groups), path
        on_page = [e for _, ids in groups for e in ids]
        assert len(on_page) == (size if number < count else len(expected) - size * (count - 1))
        for index, (heading, ids) in enumerate(groups):
            group = group_of[ids[0]]
            assert {group_of[e] for e in ids} == {group}, (path, heading)
            goes_on = index == 0 and bool(shown) and group_of[shown[-1]] == group
            assert heading == (f"{group} (continued)" if goes_on else group), (path, heading)
            continued += goes_on
            if not goes_on:
                assert group not in starts, group
                starts[group] = path
        shown += on_page
        # titles, descriptions and the pager's rel links
        meta = dict(re.findall(r'^(title|description): "(.*)"$', pages[path], re.MULTILINE))
        suffix = f" (page {number} of {count})"
        assert meta["title"] == (title if number == 1 else title + suffix), path
        assert (f"page {number} of {count}." in meta["description"]) == (number > 1), path
        rels = {rel: _url_of(pages)[_target(path, href)[0]] for href, rel in re.findall(
            r'<a [^>]*href="([^"]+)" rel="(prev|next)"', pages[path])}
        assert rels == {**({"prev": chain[number - 2]} if number > 1 else {}),
                        **({"next": chain[number]} if number < count else {})}, path
    assert shown == [e for _, e in expected]  # each once, in order
    assert continued > 0, "no group went on over a page boundary: make the pages smaller"
    # the jump list of every page: each group, to the page and heading where it begins
    groups_in_order = list(dict.fromkeys(g for g, _ in expected))
    for path in chain:
        nav = re.findall(r'<nav class="az" aria-label="[^"]+">(.*?)</nav>', pages[path])
        assert len(nav) == 1, path
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav[0])
        assert [text for _, text in links] == groups_in_order, path
        for href, group in links:
            url, anchor = _target(path, href)
            landing = _url_of(pages)[url]
            assert landing == starts[group], (path, group)
            ids = [slugify(heading, "-") for heading, _ in
                   _groups(pages[landing], entry)]
            assert anchor == slugify(group, "-") and anchor in ids, (path, href)
            assert href.startswith("#") == (landing == path)
    return chain


def test_glossary_pages(corpus: Corpus) -> None:
    pages = _docs(corpus.root)
    expected = _expected_terms(_graph(corpus.root), corpus)
    chain = _check_listing(pages, GLOSSARY_FIRST, TERM_ENTRY, expected, size=TERMS_PER_PAGE,
                           title="Glossary")
    # each page's JSON-LD names the terms it shows, no other
    for path in chain:
        jsonld = re.search(r"^jsonld: (.*)$", pages[path], re.MULTILINE)
        assert jsonld is not None
        named = re.findall(r"glossary/([a-z0-9-]+)/", jsonld.group(1).replace("\\", ""))
        assert sorted(named) == sorted(e for _, ids in _groups(pages[path], TERM_ENTRY)
                                       for e in ids), path


def test_actors_pages(corpus: Corpus) -> None:
    pages = _docs(corpus.root)
    expected = _expected_actors(_graph(corpus.root), corpus)
    chain = _check_listing(pages, ACTORS_FIRST, ACTOR_ENTRY, expected, size=ACTORS_PER_PAGE,
                           title="Actors")
    assert "```mermaid" in pages[chain[0]]
    assert all("```mermaid" not in pages[p] and "diagrams: true" not in pages[p]
               for p in chain[1:])


def test_the_actors_diagram_draws_the_most_connected_actors(corpus: Corpus) -> None:
    """The first page draws the relations among the INDEX_ACTORS actors with the most
    relations and says how many actors and relations it leaves out."""
    graph = _graph(corpus.root)
    page = _docs(corpus.root)[ACTORS_FIRST]
    edges = diagrams.unique_edges(graph.edges)
    degree: dict[str, int] = {}
    for e in edges:
        for actor in {e.source, e.target}:
            degree[actor] = degree.get(actor, 0) + 1
    assert len(degree) > INDEX_ACTORS
    top = set(sorted(degree, key=lambda a: (-degree[a], a))[:INDEX_ACTORS])
    among = [e for e in edges if e.source in top and e.target in top]
    drawn = {a for e in among for a in (e.source, e.target)}
    assert among, "no relation among the most connected actors"
    mermaid = page.split("```mermaid", 1)[1].split("```", 1)[0]
    clicks = re.findall(r'click n\d+ href "(?:\.\./)+actors/([a-z0-9-]+)/"', mermaid)
    assert set(clicks) == drawn
    assert mermaid.count(" -->|") == len(among)
    note = re.search(r"(\d+) actors are drawn; (\d+) other actors and (\d+) relations are "
                     r"not\. Every actor is listed below\.", page)
    assert note is not None
    assert [int(n) for n in note.groups()] == [len(drawn), len(degree) - len(drawn),
                                               len(edges) - len(among)]


# ---------------------------------------------------------------- incremental runs


def _files(root: Path) -> dict[str, bytes]:
    docs = root / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes()
            for p in sorted(docs.rglob("*")) if p.is_file()}


def _regenerate(root: Path) -> tuple[GenerateReport, set[str]]:
    """Generate; the pages the run rendered. docs/ must then equal a full run in memory."""
    rendered: set[str] = set()
    real = Renderer.page

    def page(self: Renderer, path: str) -> tuple[str, str]:
        rendered.add(path)
        return real(self, path)

    with mock.patch.object(Renderer, "page", page):
        report = generate(root, site_config(root))
    full = generate_files(root, site_config(root)).files
    assert _files(root) == full, "docs/ differs from a full run"
    return report, rendered


def _edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, path
    path.write_text(changed, encoding="utf-8")


def _define(root: Path, term: str, definition: str) -> None:
    _edit(root / f"briefs/glossary/{term}.yaml", lambda t: re.sub(
        r"^definition: .*$", f'definition: "{definition}"', t, count=1, flags=re.MULTILINE))


def _showing(pages: dict[str, str], chain: list[str], section: str, entity_id: str
             ) -> set[str]:
    """The pages of `chain` with a link to the entity (an entry, a summary, the diagram)."""
    return {p for p in chain
            if re.search(rf'href="(?:\.\./)+{section}/{entity_id}/"', pages[p])}


def test_an_edit_re_renders_exactly_the_index_pages_that_show_it(corpus: Corpus) -> None:
    root = corpus.root
    before = _docs(root)
    glossary, actors = _chain(before, GLOSSARY_FIRST), _chain(before, ACTORS_FIRST)
    term = _groups(before[glossary[1]], TERM_ENTRY)[0][1][0]
    _define(root, term, "A definition edited by a test.")
    report, rendered = _regenerate(root)
    assert report.path == "incremental", report.reason
    assert rendered & set(glossary) == _showing(before, glossary, "glossary", term) \
        == {glossary[1]}
    assert "A definition edited by a test." in _docs(root)[glossary[1]]
    assert not rendered & set(actors)

    # an actor shown on some pages of the index only (its entry, others' summaries)
    actor, showing = next((a, pages) for a in reversed(corpus.actors)
                          if len(pages := _showing(before, actors, "actors", a)) < len(actors))
    edit_actor(root, actor, "index pages")
    report, rendered = _regenerate(root)
    assert report.path == "incremental", report.reason
    assert rendered & set(actors) == showing
    assert not rendered & set(glossary)


def test_a_kind_change_moves_the_actor_to_its_new_group(corpus: Corpus) -> None:
    root = corpus.root
    graph = _graph(root)
    country = next(a for a in corpus.actors if getattr(graph.facets[a], "actor_kind", "")
                   == "country")
    _edit(root / f"briefs/actors/{country}.yaml",
          lambda t: re.sub(r"^kind: country$", "kind: place", t, count=1, flags=re.MULTILINE))
    report, rendered = _regenerate(root)
    assert report.path == "incremental", report.reason
    pages = _docs(root)
    chain = _check_listing(pages, ACTORS_FIRST, ACTOR_ENTRY,
                           _expected_actors(_graph(root), corpus), size=ACTORS_PER_PAGE,
                           title="Actors")
    assert set(chain) <= rendered  # every page reads the groups (and the jump list)
    assert any(heading.startswith("Places") and country in ids for path in chain
               for heading, ids in _groups(pages[path], ACTOR_ENTRY))


_NEW_ACTOR = """name: "Zed Added {n}"
kind: person
summary: |
  A person added by a test.
"""
_NEW_TERM = """term: "zyzzyva clause {n}"
definition: "A clause added by a test."
"""


def test_adding_and_removing_entries_adds_and_removes_pages(corpus: Corpus) -> None:
    root = corpus.root
    before = _docs(root)
    glossary, actors = _chain(before, GLOSSARY_FIRST), _chain(before, ACTORS_FIRST)
    letters = "abcdefghijklmnopqrstuvwxyz"  # names of letters only, as the corpus's
    new_terms = letters[:TERMS_PER_PAGE * len(glossary) - TERMS + 1]  # one page more
    new_actors = letters[:ACTORS_PER_PAGE * len(actors) - ACTORS + 1]
    added = [root / f"briefs/glossary/zyzzyva-clause-{n}.yaml" for n in new_terms] + [
        root / f"briefs/actors/zed-added-{n}.yaml" for n in new_actors]
    for n in new_terms:
        (root / f"briefs/glossary/zyzzyva-clause-{n}.yaml").write_text(_NEW_TERM.format(n=n))
    for n in new_actors:
        (root / f"briefs/actors/zed-added-{n}.yaml").write_text(_NEW_ACTOR.format(n=n))
    report, _ = _regenerate(root)
    assert report.reason is not None and report.reason.code is Reason.INPUTS_CHANGED
    pages = _docs(root)
    more_glossary = numbered_path(GLOSSARY_FIRST, len(glossary) + 1)
    more_actors = numbered_path(ACTORS_FIRST, len(actors) + 1)
    assert _chain(pages, GLOSSARY_FIRST) == [*glossary, more_glossary]
    assert _chain(pages, ACTORS_FIRST) == [*actors, more_actors]
    graph = _graph(root)
    grown = Corpus(root, corpus.briefs, [*corpus.actors, *(f"zed-added-{n}" for n in new_actors)],
                   [*corpus.terms, *(f"zyzzyva-clause-{n}" for n in new_terms)],
                   corpus.tags, corpus.bytes_written)
    _check_listing(pages, GLOSSARY_FIRST, TERM_ENTRY, _expected_terms(graph, grown),
                   size=TERMS_PER_PAGE, title="Glossary")
    _check_listing(pages, ACTORS_FIRST, ACTOR_ENTRY, _expected_actors(graph, grown),
                   size=ACTORS_PER_PAGE, title="Actors")
    # the state knows the new pages: an edit of the term on the new page is incremental
    _define(root, f"zyzzyva-clause-{new_terms[-1]}", "A clause edited by a test.")
    report, rendered = _regenerate(root)
    assert report.path == "incremental", report.reason
    assert rendered & {*glossary, more_glossary} == {more_glossary}

    for path in added:
        path.unlink()
    report, _ = _regenerate(root)
    assert report.reason is not None and report.reason.code is Reason.INPUTS_CHANGED
    assert {more_glossary, more_actors} <= set(report.removed)
    pages = _docs(root)
    assert _chain(pages, GLOSSARY_FIRST) == glossary and _chain(pages, ACTORS_FIRST) == actors
    assert not (root / "docs" / more_glossary).exists()
    assert {p: pages[p] for p in [*glossary, *actors]} == {
        p: before[p] for p in [*glossary, *actors]}

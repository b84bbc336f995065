"""Parity of the engines (issue #15): MkDocs, ProperDocs and Zensical build the same site.

One project (the included content plus a generated corpus of 300 briefs, 10 stories) is
generated once; each engine of generator.engines.ENGINES then builds it into a folder of
its own (`<root>/site-<engine>`: Zensical wants its site folder inside the project), when a
test first needs it (MkDocs' too: it is the reference). For each engine:

1. the same pages as MkDocs (every HTML path, one per generated Markdown page, and 404),
   the same sitemap, feeds and Pagefind index;
2. every internal link and asset resolves with the site served under a sub-path
   (/some-repo/, as GitHub Pages serves a project site): every page in the sitemap is
   fetched and the first MAX_PAGES pages read (one of each kind first) have every link
   and asset they hold checked (tests/site_server.py, shared with tests/test_crawl.py);
3. search finds a brief by a word of its title (a generated pseudo-word) in Chromium;
4. on the included brief, a glossary link's tooltip shows on hover and on focus, and the
   Mermaid diagram renders to an SVG whose nodes link to the actors;
5. axe finds no serious or critical violation on the brief and a story page, light and dark;
6. those pages log no console error and request nothing from another host.

The generated pages hold the site's absolute URL (feeds, JSON-LD), so the three builds are
served from one address: one server, and a request header (sent by the crawl and by every
browser context) says which engine's folder answers; a request without it gets 400.

Build times and page counts are printed (run with -s) and written to
tests/artifacts/engines.json. CI runs one engine per job: `-k zensical` builds MkDocs and
Zensical only (test names hold no engine name; the parameter id is the engine's).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from generator.diagnostics import EnvironmentProblem
from generator.engines import DEFAULT_ENGINE, ENGINES
from generator.pipeline import DOCS_DIR, generate
from generator.site import build_site, site_config
from tests.conftest import copy_project
from tests.corpus import Corpus, build_corpus
from tests.search_index import read_site_index
from tests.site_server import (
    HOST,
    crawl,
    fetch,
    followable,
    off_site,
    pages_handler,
    refs_of_html,
)

from .conftest import BRIEF_ID, OPEN_SHADOW_ROOTS, READ_DIAGRAMS, is_local, read_yaml, wait_for_diagrams
from .test_a11y import BLOCKING, RUN_AXE, SCHEMES, describe
from .test_search import open_search, results_for
from .test_tooltips import norm, tooltip_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUB_PATH = "/some-repo/"
ENGINE_HEADER = "X-Briefs-Engine"
BRIEFS, ACTORS, TERMS, STORIES = 300, 60, 60, 10
MAX_PAGES = 100  # pages read for links by the crawl, per engine
STORY_PAGE = "stories/china-russia-ties/"
PAGES = {"brief": f"briefs/{BRIEF_ID}/", "story": STORY_PAGE}
ARTICLE = ".md-content article"
# One page of each kind (a path relative to the site root), which the crawl reads first.
KINDS = {
    "brief": re.compile(r"briefs/(?!page/)[^/]+/"),
    "actor": re.compile(r"actors/[^/]+/"),
    "term": re.compile(r"glossary/[^/]+/"),
    "tag": re.compile(r"tags/[^/]+/"),
    "story": re.compile(r"stories/[^/]+/"),
    "timeline": re.compile(r"timeline/"),
    "timeline year": re.compile(r"timeline/\d{4}/"),
    "numbered": re.compile(r".+/page/\d+/"),
}
ENGINE_NAMES = list(ENGINES)


# ---------------------------------------------------------------- the builds


@dataclass
class Build:
    engine: str
    folder: Path
    seconds: float = 0.0  # the whole build_site call: engine, finishing, search index
    index_seconds: float = 0.0  # of which the Pagefind index
    error: str = ""

    @property
    def pages(self) -> set[str]:
        """Every HTML file, relative to the site root ('index.html', 'briefs/x/index.html')."""
        return {p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*.html")}


@dataclass
class Parity:
    """The project, generated once, and each engine's build of it (made when first asked)."""

    root: Path
    base: str  # http://127.0.0.1:PORT/some-repo/, for every engine
    corpus: Corpus
    generate_seconds: float
    builds: dict[str, Build] = field(default_factory=dict)

    def folder(self, engine: str) -> Path:
        return self.root / f"site-{engine}"

    def build(self, engine: str) -> Build:
        if engine not in self.builds:
            build = Build(engine, self.folder(engine))
            started = time.perf_counter()
            try:
                with pytest.MonkeyPatch.context() as env:
                    env.setenv("SITE_URL", self.base)  # ProperDocs and Zensical inherit it
                    build.index_seconds = build_site(self.root, build.folder,
                                                     engine=ENGINES[engine])
            except EnvironmentProblem as exc:
                build.error = str(exc)
            build.seconds = time.perf_counter() - started
            self.builds[engine] = build
            if not build.error:
                print(f"\n{ENGINES[engine].label}: {len(build.pages)} pages built in "
                      f"{build.seconds:.1f} s (search index {build.index_seconds:.1f} s)")
        build = self.builds[engine]
        if build.error:
            pytest.fail(f"{ENGINES[engine].label} build failed: {build.error}")
        return build

    def headers(self, engine: str) -> dict[str, str]:
        return {ENGINE_HEADER: engine}

    def url(self, rel: str) -> str:
        return urljoin(self.base, rel)

    @property
    def generated_pages(self) -> set[str]:
        """The HTML page each generated Markdown page must become (every page is the
        index.md of its own folder)."""
        docs = self.root / DOCS_DIR
        return {p.relative_to(docs).with_suffix(".html").as_posix()
                for p in docs.rglob("*.md")}


@pytest.fixture(scope="module")
def parity(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Parity]:
    """The included content plus the corpus, generated once with the served URL, and one
    server for every engine's build (the header picks the folder)."""
    root = copy_project(tmp_path_factory.mktemp("engines") / "project")
    # The copy has mkdocs.yml, so build_corpus adds content only (its ids cannot clash with
    # the included ones: generated names).
    corpus = build_corpus(root, briefs=BRIEFS, actors=ACTORS, terms=TERMS, stories=STORIES)
    folders = {name: root / f"site-{name}" for name in ENGINES}

    def folder_for(headers: Message) -> Path | None:
        return folders.get(headers.get(ENGINE_HEADER, ""))

    server = ThreadingHTTPServer((HOST, 0), pages_handler(folder_for, SUB_PATH))
    server.daemon_threads = True
    base = f"http://{HOST}:{server.server_address[1]}{SUB_PATH}"
    started = time.perf_counter()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SITE_URL", base)
        generate(root, site_config(root), root / DOCS_DIR)
    project = Parity(root, base, corpus, time.perf_counter() - started)
    thread = threading.Thread(target=server.serve_forever, name="engines-server", daemon=True)
    thread.start()
    try:
        yield project
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        figures = {"corpus": {"briefs": BRIEFS, "actors": ACTORS, "terms": TERMS,
                              "stories": STORIES},
                   "generate_seconds": round(project.generate_seconds, 2),
                   "engines": {b.engine: {"pages": len(b.pages) if not b.error else None,
                                          "build_seconds": round(b.seconds, 2),
                                          "search_index_seconds": round(b.index_seconds, 2),
                                          "error": b.error or None}
                               for b in project.builds.values()}}
        (artifacts / "engines.json").write_text(json.dumps(figures, indent=2) + "\n",
                                                encoding="utf-8")
        print(f"\nengines: generated {len(project.generated_pages)} pages once in "
              f"{project.generate_seconds:.1f} s; " + "; ".join(
                  f"{ENGINES[b.engine].label} {len(b.pages)} pages in {b.seconds:.1f} s "
                  f"(search index {b.index_seconds:.1f} s)" if not b.error else
                  f"{ENGINES[b.engine].label} FAILED" for b in project.builds.values()))


@pytest.fixture(params=ENGINE_NAMES)
def engine(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def built(parity: Parity, engine: str) -> Build:
    parity.build(DEFAULT_ENGINE)  # the reference, built first (its time is not shared)
    return parity.build(engine)


# ---------------------------------------------------------------- 1. the same pages


def differences(label: str, expected: set[str], found: set[str]) -> list[str]:
    missing, extra = sorted(expected - found), sorted(found - expected)
    return ([f"{label}: missing {len(missing)}: {missing[:20]}"] if missing else []) + (
        [f"{label}: extra {len(extra)}: {extra[:20]}"] if extra else [])


def sitemap_urls(folder: Path) -> set[str]:
    return set(re.findall(r"<loc>([^<]+)</loc>", (folder / "sitemap.xml").read_text("utf-8")))


def index_entries(folder: Path) -> set[str]:
    return {f"{page['url']} ({page['meta'].get('kind')}: {page['meta'].get('title')})"
            for page in read_site_index(folder)}


def test_same_pages_feeds_sitemap_and_index(parity: Parity, built: Build, engine: str) -> None:
    reference = parity.build(DEFAULT_ENGINE)
    pages = built.pages
    problems = differences("pages vs the generated Markdown",
                           parity.generated_pages | {"404.html"}, pages)
    problems += differences(f"pages vs {DEFAULT_ENGINE}", reference.pages, pages)
    feeds = {p.name for p in (built.folder / "feeds").glob("*")}
    problems += differences(f"feeds/ vs {DEFAULT_ENGINE}",
                            {p.name for p in (reference.folder / "feeds").glob("*")}, feeds)
    for rel in ("feed.xml", "sitemap.xml", "sitemap.xml.gz", "pagefind/pagefind-entry.json",
                "pagefind/pagefind.js"):
        if not (built.folder / rel).is_file():
            problems.append(f"no {rel}")
    assert not problems, f"{engine}:\n" + "\n".join(problems)
    # The sitemap lists every page but 404, at the served URL; the search index the same
    # pages with the same kinds and titles as MkDocs'.
    listed = sitemap_urls(built.folder)
    problems += differences("sitemap.xml", {parity.url(p.removesuffix("index.html"))
                                            for p in pages if p != "404.html"}, listed)
    entries = index_entries(built.folder)
    problems += differences(f"search index vs {DEFAULT_ENGINE}",
                            index_entries(reference.folder), entries)
    assert not problems, f"{engine}:\n" + "\n".join(problems)
    assert len(pages) > BRIEFS * 2 and len(feeds) > ACTORS


# ---------------------------------------------------------------- 2. links under a sub-path


def first_of_each_kind(pages: set[str]) -> dict[str, str]:
    """The first page (sorted) of each kind, as a path relative to the site root."""
    found: dict[str, str] = {}
    for rel in sorted(p.removesuffix("index.html") for p in pages):
        for kind, pattern in KINDS.items():
            if kind not in found and pattern.fullmatch(rel):
                found[kind] = rel
    return found


def test_every_link_and_asset_resolves_under_a_sub_path(parity: Parity, built: Build,
                                                        engine: str) -> None:
    headers = parity.headers(engine)
    kinds = first_of_each_kind(parity.generated_pages)
    assert set(kinds) == set(KINDS), f"the project lacks pages of kinds {set(KINDS) - set(kinds)}"
    listed = sorted(sitemap_urls(built.folder))
    extra = ["pagefind/pagefind.js", "pagefind/pagefind-entry.json", "feed.xml", "sitemap.xml"]
    start = [*(parity.url(rel) for rel in kinds.values()), parity.url(PAGES["brief"]),
             parity.url(STORY_PAGE), parity.base, *listed, *(parity.url(e) for e in extra)]
    result = crawl(parity.base, start, headers=headers, max_pages=MAX_PAGES)

    assert result.broken == [], f"{engine}: {len(result.broken)} broken: {result.broken[:20]}"
    assert result.outside_sub_path == [], result.outside_sub_path[:20]  # a root-relative link
    assert result.foreign_loads == [], result.foreign_loads[:20]
    read = {url.removeprefix(parity.base) for url in result.read}
    unread = {kind: rel for kind, rel in kinds.items() if rel not in read}
    assert not unread, f"{engine}: the crawl did not read {unread}"
    assert result.pages >= len(listed) and len(result.read) == MAX_PAGES
    assert any(url.endswith(".css") for url in result.fetched)
    assert any(url.endswith(".js") for url in result.fetched)
    # The 404 page, answered from a depth, loads its assets and links within the sub-path.
    got = fetch(parity.url("no-such/page/deeper/"), headers)
    assert got.status == 404 and got.content_type == "text/html"
    refs = refs_of_html(got.body)
    loads = [urljoin(got.url, ref) for _, ref in refs.loads if followable(ref)]
    assert any(u.endswith(".css") for u in loads) and any(u.endswith(".js") for u in loads)
    links = [urljoin(got.url, ref) for ref in refs.links if followable(ref)]
    bad = []
    for url in dict.fromkeys([*loads, *links]):
        if not off_site(url, parity.base):
            status = (fetch(url, headers).status if url.startswith(parity.base)
                      else "outside the sub-path")
            if status != 200:
                bad.append(f"{url}: {status}")
    assert not bad, f"{engine}: the 404 page: {bad}"


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def engine_contexts(browser: Any, parity: Parity) -> Iterator[Callable[[str, str], Any]]:
    """`engine_contexts(engine, scheme)`: one browser context per engine and colour scheme
    (its own cache: every engine's site has the same URLs), sending the engine header."""
    made: dict[tuple[str, str], Any] = {}

    def get(engine: str, scheme: str) -> Any:
        if (engine, scheme) not in made:
            context = browser.new_context(
                base_url=parity.base, color_scheme=scheme, viewport={"width": 1280, "height": 900},
                extra_http_headers=parity.headers(engine))
            context.add_init_script(OPEN_SHADOW_ROOTS)
            context.set_default_timeout(15_000)
            made[engine, scheme] = context
        return made[engine, scheme]

    yield get
    for context in made.values():
        context.close()


@dataclass
class Watched:
    """A tab, and what it logged and requested."""

    page: Any
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    foreign: list[str] = field(default_factory=list)  # requests to another host
    requests: list[str] = field(default_factory=list)


def watched_page(context: Any) -> Watched:
    page = context.new_page()
    page.bring_to_front()  # a background tab renders far slower
    watched = Watched(page)
    page.on("console", lambda m: watched.errors.append(f"console: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda error: watched.errors.append(f"uncaught: {error}"))

    def record(request: Any) -> None:
        watched.requests.append(request.url)
        if not is_local(request.url):
            watched.foreign.append(request.url)

    page.on("request", record)
    return watched


@pytest.fixture
def tab(engine_contexts: Callable[[str, str], Any], built: Build) -> Iterator[Watched]:
    """A fresh light tab on the engine's site."""
    watched = watched_page(engine_contexts(built.engine, "light"))
    yield watched
    watched.page.close()


# ---------------------------------------------------------------- 3. search


def distinctive_word(root: Path, corpus: Corpus) -> tuple[str, str]:
    """(word, brief id): the word of a corpus brief's title found in the fewest briefs
    (a generated name; the first such brief in corpus order)."""
    counts: dict[str, int] = {}
    titles: dict[str, list[str]] = {}
    for brief_id in corpus.briefs:
        path = root / "briefs" / f"{brief_id}.yaml"
        for word in set(re.findall(r"[a-z]+", path.read_text("utf-8").casefold())):
            counts[word] = counts.get(word, 0) + 1
        titles[brief_id] = re.findall(r"[A-Za-z]+", read_yaml(path)["title"])
    return min(((word, brief_id) for brief_id in corpus.briefs for word in titles[brief_id]),
               key=lambda pair: counts[pair[0].casefold()])


def test_search_finds_a_brief_by_a_word_of_its_title(parity: Parity, built: Build,
                                                     engine: str, tab: Watched) -> None:
    word, brief_id = distinctive_word(parity.root, parity.corpus)
    wanted = parity.url(f"briefs/{brief_id}/")
    open_search(tab.page, parity.url(PAGES["story"]))
    results = results_for(tab.page, word, [wanted])
    found = [r["href"] for r in results]
    assert wanted in found, f"{engine}: {word!r} did not find {wanted} among {found}"
    tab.page.wait_for_load_state("networkidle")
    assert tab.errors == [], tab.errors
    assert tab.foreign == [], tab.foreign
    assert any("/pagefind/" in url for url in tab.requests)


# ---------------------------------------------------------------- the brief and story pages


@dataclass
class Visit:
    watched: Watched  # the tab, left open (closed with the module)
    scheme_shown: str
    violations: list[dict[str, Any]]
    errors: list[str]  # while loading, before axe
    foreign: list[str]
    undrawn: str  # why the page's diagrams did not render ("" when they did)


@pytest.fixture(scope="module")
def visits(engine_contexts: Callable[[str, str], Any], parity: Parity,
           axe_js: Path) -> Iterator[Callable[[str, str, str], Visit]]:
    """`visits(engine, page, scheme)`: the page opened once (diagrams drawn, the network
    idle), what it logged and requested while loading, then axe's violations; the tab stays
    open for the tooltip and diagram checks."""
    done: dict[tuple[str, str, str], Visit] = {}
    opened: list[Any] = []

    def visit(engine: str, name: str, scheme: str) -> Visit:
        if (engine, name, scheme) not in done:
            watched = watched_page(engine_contexts(engine, scheme))
            opened.append(watched.page)
            page = watched.page
            response = page.goto(parity.url(PAGES[name]))
            assert response is not None and response.status == 200, PAGES[name]
            undrawn = ""
            if page.locator("pre.mermaid, div.mermaid").count():
                try:
                    wait_for_diagrams(page, timeout=30_000)
                except Exception as exc:  # the diagram test reports it; axe still runs
                    undrawn = f"diagrams not drawn: {str(exc).splitlines()[0]}"
            page.wait_for_load_state("networkidle")
            shown = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
            errors, foreign = list(watched.errors), list(watched.foreign)
            page.add_script_tag(path=str(axe_js))
            violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
            done[engine, name, scheme] = Visit(watched, shown, violations, errors, foreign,
                                               undrawn)
        return done[engine, name, scheme]

    yield visit
    for page in opened:
        page.close()


# ---------------------------------------------------------------- 4. tooltips and diagrams


def test_tooltip_and_diagram_on_the_brief(parity: Parity, built: Build, engine: str,
                                          visits: Callable[[str, str, str], Visit]) -> None:
    """On the brief page as opened in light (its diagram drawn, axe run: the page is opened
    once for the three tests)."""
    seen = visits(engine, "brief", "light")
    page = seen.watched.page
    page.bring_to_front()
    page.mouse.move(0, 0)
    # A glossary link: its definition as a tooltip on hover, gone when the pointer leaves,
    # back when the link gets keyboard focus.
    link = page.locator(f"{ARTICLE} a.ref-term").first
    term_id = (link.get_attribute("href") or "").rstrip("/").rsplit("/", 1)[-1]
    definition = norm(read_yaml(parity.root / "briefs" / "glossary" / f"{term_id}.yaml")
                      ["definition"])
    title = link.evaluate("a => a.getAttribute('title') || a.getAttribute('data-md-tooltip')")
    assert norm(title or "") == definition, f"{engine}: the link to {term_id} has no title"
    link.hover()
    tooltip = tooltip_for(page, link)
    assert tooltip.get_attribute("role") == "tooltip"
    assert norm(tooltip.inner_text()) == definition, f"{engine}: hover on {term_id}"
    page.mouse.move(0, 0)
    page.wait_for_function("() => !document.querySelector('.md-tooltip2--active')")
    link.focus()
    assert norm(tooltip_for(page, link).inner_text()) == definition, f"{engine}: focus"
    # The relationship diagram: one SVG, a node per actor in the brief's relations, each
    # a link to the actor's page on this site.
    assert not seen.undrawn, f"{engine}: {seen.undrawn}"
    diagrams = page.evaluate(READ_DIAGRAMS)
    assert len(diagrams) == 1, f"{engine}: {diagrams}"
    diagram = diagrams[0]
    assert diagram["svg"] and not diagram["error"], diagram
    brief = read_yaml(parity.root / "briefs" / f"{BRIEF_ID}.yaml")
    ids = {r[end] for r in brief["relations"] for end in ("from", "to")}
    names = {a: norm(read_yaml(parity.root / "briefs" / "actors" / f"{a}.yaml")["name"])
             for a in ids}
    assert set(diagram["nodes"]) == set(names.values())
    links = {link["href"]: link["text"] for link in diagram["links"]}
    assert links == {parity.url(f"actors/{a}/"): name for a, name in names.items()}
    for actor in ids:
        assert (built.folder / "actors" / actor / "index.html").is_file()
    assert seen.watched.errors == [], seen.watched.errors
    assert seen.watched.foreign == [], seen.watched.foreign


# ---------------------------------------------------------------- 5, 6. axe, console, hosts


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious(built: Build, engine: str, visits: Callable[[str, str, str], Visit],
                                   name: str, scheme: str) -> None:
    seen = visits(engine, name, scheme)
    assert seen.scheme_shown == SCHEMES[scheme], f"{scheme} gave scheme {seen.scheme_shown}"
    blocking = [v for v in seen.violations if v["impact"] in BLOCKING]
    assert not blocking, f"{engine}, {name} page ({scheme}):\n{describe(blocking)}"


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_console_error_and_nothing_from_another_host(
        built: Build, engine: str, visits: Callable[[str, str, str], Visit], name: str,
        scheme: str) -> None:
    seen = visits(engine, name, scheme)
    assert seen.errors == [], f"{engine}, {name} page ({scheme}): {seen.errors}"
    assert seen.foreign == [], f"{engine}, {name} page ({scheme}): {seen.foreign}"

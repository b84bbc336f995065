"""Browser-suite fixtures: one build, one local HTTP server and one headless Chromium per session.

The site is built from a copy of the project (so the working tree's site/ is never touched)
with SITE_URL pointing at the local server, so absolute URLs in canonical links, JSON-LD,
the sitemap and the feed all resolve against it. Chromium is Debian's (/usr/bin/chromium);
Playwright's own browser download is never used. A missing browser or axe-core skips the
suite locally and fails it on CI (when $CI is set).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from tests.conftest import REPO, copy_project
from tools.static_server import HOST as LOCAL_HOST
from tools.static_server import served

ARTIFACTS = REPO / "tests" / "artifacts"
AXE_JS = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_AXE = "tests/browser/install_axe.sh"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 # Hermetic: every host but the local server fails to resolve, so a page
                 # that tries the network fails fast (and the request is still recorded).
                 f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}"]
# Material renders Mermaid into a CLOSED shadow root; open it so tests and axe can look inside.
OPEN_SHADOW_ROOTS = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, Object.assign({}, init, { mode: "open" }));
  };
})();
"""
BRIEF_ID = "xi-lavrov-beijing-talks"
MISSING_PAGE = "no-such-page/"  # any unknown path: the server answers 404 with site/404.html
RUNNING_TEXT_ANCHOR = "despite its invasion of Ukraine."
RUNNING_TEXT_URL = "https://example.org/agreement"
RUNNING_TEXT_LINK = f" Read more on the [agreement text]({RUNNING_TEXT_URL})."
# What each rendered diagram shows: node labels, edge labels and node links (absolute URLs).
READ_DIAGRAMS = """() => Array.from(document.querySelectorAll('div.mermaid')).map(host => {
  const svg = host.shadowRoot && host.shadowRoot.querySelector('svg');
  if (!svg) return {svg: false, error: false, nodes: [], labels: [], links: []};
  const text = el => (el.textContent || '').replace(/\\s+/g, ' ').trim();
  const XLINK = 'http://www.w3.org/1999/xlink';
  return {
    svg: true,
    error: svg.getAttribute('aria-roledescription') === 'error'
           || !!svg.querySelector('.error-icon'),
    nodes: Array.from(svg.querySelectorAll('g.node')).map(text),
    labels: Array.from(svg.querySelectorAll('g.edgeLabel')).map(text).filter(t => t),
    links: Array.from(svg.querySelectorAll('a')).map(a => {
      const raw = a.getAttribute('href') || a.getAttributeNS(XLINK, 'href') || '';
      return {text: text(a), href: raw ? new URL(raw, document.baseURI).href : ''};
    }),
  };
})"""


def missing(reason: str) -> NoReturn:
    """Skip locally; on CI a missing tool is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is an error rather than a skip)")
    pytest.skip(reason)


def read_yaml(path: Path) -> dict[str, Any]:
    """Content YAML with every scalar a string, as the content model reads it."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(data, dict), path
    return data


@dataclass
class Site:
    """The built site on disk and the URL it is served from."""

    root: Path  # the project copy
    url: str  # http://127.0.0.1:PORT/
    _soups: dict[str, Any] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.root / "site"

    @cached_property
    def pages(self) -> list[str]:
        """Every HTML page as a path relative to the site root ('' is home, 'actors/x/')."""
        out = []
        for path in sorted(self.folder.rglob("*.html")):
            rel = path.relative_to(self.folder).as_posix()
            out.append(rel.removesuffix("index.html"))
        return out

    def page_url(self, rel: str) -> str:
        return urljoin(self.url, rel)

    def file_for(self, url: str) -> Path | None:
        """The file a site URL is served from, or None when it is not ours / not there."""
        if not url.startswith(self.url):
            return None
        rel = urlsplit(url).path[len(urlsplit(self.url).path):]
        path = self.folder / rel
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() else None

    def soup(self, rel: str) -> Any:
        """Parsed HTML of a page (cached)."""
        from bs4 import BeautifulSoup

        if rel not in self._soups:
            path = self.folder / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
            self._soups[rel] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return self._soups[rel]

    # ---- content, read straight from the YAML (the source of truth the site must reflect)

    @cached_property
    def actors(self) -> dict[str, dict[str, Any]]:
        return {p.stem: read_yaml(p) for p in sorted((self.root / "briefs/actors").glob("*.yaml"))}

    @cached_property
    def terms(self) -> dict[str, dict[str, Any]]:
        return {p.stem: read_yaml(p)
                for p in sorted((self.root / "briefs/glossary").glob("*.yaml"))}

    @cached_property
    def briefs(self) -> dict[str, dict[str, Any]]:
        return {p.stem: read_yaml(p) for p in sorted((self.root / "briefs").glob("*.yaml"))}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The project copied to a temp folder, built once, served on 127.0.0.1:<free port>."""
    root = copy_project(tmp_path_factory.mktemp("browser") / "project")
    # A plain Markdown link in running text, which the included content does not have
    brief = root / "briefs" / f"{BRIEF_ID}.yaml"
    text = brief.read_text(encoding="utf-8")
    assert RUNNING_TEXT_ANCHOR in text
    brief.write_text(text.replace(RUNNING_TEXT_ANCHOR, RUNNING_TEXT_ANCHOR + RUNNING_TEXT_LINK),
                     encoding="utf-8")
    with built_and_served(root) as url:
        yield Site(root, url)


@contextlib.contextmanager
def built_and_served(root: Path) -> Iterator[str]:
    """The project at `root` generated, built with its URL set to where it is served, and
    served on 127.0.0.1:<free port> (404s answered with site/404.html) until the block ends."""
    from generator import pipeline
    from generator import site as site_module

    with served(root / "site") as url:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SITE_URL", url)
            pipeline.generate(root, site_module.site_config(root))
            site_module.build_site(root)
        yield url


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).is_file() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, launched once per session."""
    executable = _chromium()
    if executable is None:
        missing("Chromium not found on PATH (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is a test dependency
        missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True,
                                     args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "javascript", "chrome-error"):
        return True
    return parts.hostname == LOCAL_HOST


@pytest.fixture(scope="session")
def contexts(browser: Any, site: Site) -> Iterator[Callable[[str], Any]]:
    """`contexts("light")` / `contexts("dark")`: one browser context per colour scheme for
    the whole session, so the HTTP and V8 code caches are shared (the Mermaid bundle is
    3.5 MB). Both open shadow roots and start at 1280x900.

    One context per scheme because Material stores the palette it picked in localStorage
    on first load; a dark page would otherwise turn every later page dark.
    """
    made: dict[str, Any] = {}

    def get(scheme: str) -> Any:
        if scheme not in made:
            context = browser.new_context(base_url=site.url, color_scheme=scheme,
                                          viewport={"width": 1280, "height": 900})
            context.add_init_script(OPEN_SHADOW_ROOTS)
            context.set_default_timeout(10_000)
            made[scheme] = context
        return made[scheme]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture
def page(contexts: Callable[[str], Any]) -> Iterator[Any]:
    """A fresh tab (1280x900, light scheme) in the session's light context."""
    page = contexts("light").new_page()
    page.bring_to_front()  # a background tab renders and polls far slower
    yield page
    page.close()


def wait_for_diagrams(page: Any, timeout: float = 10_000) -> None:
    """Wait until Material has replaced every <pre class="mermaid"> with a rendered diagram."""
    page.wait_for_function(
        """() => !document.querySelector('pre.mermaid') &&
                 Array.from(document.querySelectorAll('div.mermaid'))
                      .every(d => d.shadowRoot && d.shadowRoot.querySelector('svg'))""",
        timeout=timeout)


@dataclass
class Walk:
    """What happened when every page of the site was opened once."""

    foreign: list[tuple[str, str]] = field(default_factory=list)  # (page, request url)
    statuses: dict[str, int] = field(default_factory=dict)
    script_errors: list[tuple[str, str]] = field(default_factory=list)
    diagrams: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@pytest.fixture(scope="session")
def walk(site: Site, contexts: Callable[[str], Any]) -> Walk:
    """Open every page (and an unknown URL), wait for its diagrams, and record requests to
    other hosts, script errors, HTTP statuses and the rendered diagrams. One pass over the
    site serves several tests.

    Requests are recorded from events, not routing: routing would disable Chromium's cache.
    Chromium cannot resolve any other host anyway (CHROMIUM_ARGS), so nothing leaves.
    """
    context = contexts("light")
    page = context.new_page()
    page.bring_to_front()
    result = Walk()

    def record(request: Any) -> None:
        if not is_local(request.url):
            try:
                origin = request.frame.url
            except Exception:  # requests from workers have no frame
                origin = "(worker)"
            result.foreign.append((origin, request.url))

    context.on("request", record)
    page.on("pageerror", lambda error: result.script_errors.append((page.url, str(error))))
    try:
        for rel in [*site.pages, MISSING_PAGE]:
            response = page.goto(site.page_url(rel), wait_until="load")
            result.statuses[rel] = response.status if response else 0
            # Which pages have diagrams comes from the HTML: asking the busy page costs more.
            if rel in site.pages and site.soup(rel).select_one("pre.mermaid"):
                try:
                    wait_for_diagrams(page)
                except Exception as exc:  # reported by the diagram tests; keep walking
                    result.script_errors.append((page.url, f"diagrams did not render: {exc}"))
                result.diagrams[rel] = page.evaluate(READ_DIAGRAMS)
        page.wait_for_load_state("networkidle")  # any fetch a script starts after load
    finally:
        context.remove_listener("request", record)
        page.close()
    return result


@pytest.fixture(scope="session")
def axe_js() -> Path:
    if not AXE_JS.is_file():
        missing(f"axe-core is not installed: run {INSTALL_AXE}")
    return AXE_JS


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


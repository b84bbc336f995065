"""The built site served under a sub-path, as GitHub Pages serves a project site, then crawled.

Every internal link and asset of every page (href, src, srcset, stylesheets' url(...)) must
resolve; the 404 page must render its assets from any depth; no page may load anything from
another host. Links to other sites (Wikipedia...) are allowed and never followed. The server
and the crawl are in tests/site_server.py (shared with tests/browser/test_engines.py).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from generator.pipeline import DOCS_DIR, generate
from generator.site import build_site, site_config
from tests.conftest import copy_project
from tests.site_server import HOST, SUB_PATH, crawl, fetch, pages_handler, refs_of_html
from tests.site_server import followable as _followable
from tests.site_server import off_site as _off_site

pytestmark = pytest.mark.slow


@dataclass
class Served:
    base: str
    root: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = copy_project(tmp_path_factory.mktemp("crawl") / "project")
    server = ThreadingHTTPServer((HOST, 0), pages_handler(root / "site"))
    base = f"http://{HOST}:{server.server_address[1]}{SUB_PATH}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SITE_URL", base)  # mkdocs.yml: site_url: !ENV [SITE_URL, ...]
        generate(root, site_config(root), root / DOCS_DIR)
        build_site(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(base, root)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_every_internal_link_and_asset_resolves_under_the_sub_path(served: Served) -> None:
    sitemap = fetch(served.base + "sitemap.xml")
    assert sitemap.status == 200
    listed = re.findall(r"<loc>([^<]+)</loc>", sitemap.body.decode("utf-8"))
    assert listed and all(url.startswith(served.base) for url in listed)
    # loaded by scripts (the search bundle) and feed readers
    extra = ["pagefind/pagefind.js", "pagefind/pagefind-entry.json", "feed.xml"]
    result = crawl(served.base, [served.base, *listed, *(served.base + e for e in extra)])

    assert result.broken == []
    assert result.outside_sub_path == []  # a root-relative link would miss /REPO/ on Pages
    assert result.foreign_loads == []
    html_files = list((served.root / "site").rglob("index.html"))
    assert result.pages >= len(html_files)  # every page was reached
    assert any("wikipedia.org" in url for url in result.external_links)  # listed, not followed
    assert any(url.endswith(".css") for url in result.fetched)
    assert any(url.endswith(".js") for url in result.fetched)


@pytest.mark.parametrize("missing", ["nope", "nope/deeper/", "briefs/nope/deeper/x.html"])
def test_the_404_page_renders_from_any_depth(served: Served, missing: str) -> None:
    got = fetch(served.base + missing)
    assert got.status == 404
    assert got.content_type == "text/html"
    refs = refs_of_html(got.body)
    loads = [urljoin(got.url, ref) for _, ref in refs.loads if _followable(ref)]
    stylesheets = [u for u in loads if u.endswith(".css")]
    scripts = [u for u in loads if u.endswith(".js")]
    assert stylesheets and scripts
    for url in loads:
        assert not _off_site(url, served.base), url
        assert fetch(url).status == 200, f"{missing}: {url}"
    links = [urldefrag(urljoin(got.url, r)).url for r in refs.links if _followable(r)]
    internal = [u for u in links if not _off_site(u, served.base)]
    assert internal
    for url in internal:
        assert url.startswith(served.base), url
        assert fetch(url).status == 200, f"{missing}: {url}"


def test_server_behaves_like_pages(served: Served) -> None:
    assert fetch(served.base + "briefs").url == served.base + "briefs/"  # redirected
    assert fetch(served.base + "../etc/passwd").status == 404
    assert fetch(f"http://{HOST}:{urlsplit(served.base).port}/index.html").status == 404
    canonical = BeautifulSoup(fetch(served.base + "briefs/").body, "html.parser").find(
        "link", rel="canonical")
    assert canonical is not None and str(canonical["href"]).startswith(served.base)

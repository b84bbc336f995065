"""The built site served under a sub-path, as GitHub Pages serves a project site, then crawled.

Every internal link and asset of every page (href, src, srcset, stylesheets' url(...)) must
resolve; the 404 page must render its assets from any depth; no page may load anything from
another host. Links to other sites (Wikipedia...) are allowed and never followed.
"""

from __future__ import annotations

import posixpath
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from generator.pipeline import DOCS_DIR, generate
from generator.site import build_site, site_config
from tests.conftest import copy_project

pytestmark = pytest.mark.slow

SUB_PATH = "/briefs-site/"  # the repository name in https://OWNER.github.io/REPO/
HOST = "127.0.0.1"
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
MAX_URLS = 5000  # the crawl is bounded whatever the site holds


def pages_handler(site: Path) -> type[BaseHTTPRequestHandler]:
    """GitHub Pages' rules: /REPO/x/ serves x/index.html, /REPO/x redirects to /REPO/x/,
    a miss gets the site's 404.html with status 404."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(SUB_PATH):
                self.reply(404, b"not this site", "text/plain")
                return
            rel = posixpath.normpath(path[len(SUB_PATH):] or ".")
            target = (site / rel).resolve()
            if rel.startswith("..") or not target.is_relative_to(site.resolve()):
                self.reply(404, (site / "404.html").read_bytes(), "text/html")
            elif target.is_dir() and not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
            elif target.is_dir() and (target / "index.html").is_file():
                self.reply(200, (target / "index.html").read_bytes(), "text/html")
            elif target.is_file():
                self.reply(200, target.read_bytes(), _content_type(target))
            else:
                self.reply(404, (site / "404.html").read_bytes(), "text/html")

        def reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _content_type(path: Path) -> str:
    return {".html": "text/html", ".css": "text/css", ".js": "text/javascript",
            ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
            ".png": "image/png"}.get(path.suffix, "application/octet-stream")


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


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes


def fetch(url: str) -> Fetched:
    assert urlsplit(url).hostname == HOST, f"the test itself must not leave {HOST}: {url}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return Fetched(response.url, response.status,
                           response.headers.get_content_type(), response.read())
    except urllib.error.HTTPError as exc:
        return Fetched(url, exc.code, exc.headers.get_content_type(), exc.read())


@dataclass
class Refs:
    links: list[str] = field(default_factory=list)  # to follow (pages, assets)
    loads: list[tuple[str, str]] = field(default_factory=list)  # (tag, url) the page loads


class _RefParser(HTMLParser):
    """href, src and srcset of every element, and url(...) in <style> (stdlib: fast)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs = Refs()
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_style = tag == "style"
        for name, value in attrs:
            if not value:
                continue
            urls = ([c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset"
                    else [value] if name in ("href", "src") else [])
            self.refs.links.extend(urls)
            if tag in LOADING_TAGS:
                self.refs.loads.extend((tag, url) for url in urls)

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.refs.links.extend(CSS_URL.findall(data))

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False


LOADING_TAGS = ("script", "link", "img", "source", "iframe", "video", "audio", "embed")


def refs_of_html(body: bytes) -> Refs:
    parser = _RefParser()
    parser.feed(body.decode("utf-8"))
    parser.close()
    return parser.refs


def _followable(url: str) -> bool:
    return not url.startswith(("mailto:", "javascript:", "data:", "tel:", "#"))


def _off_site(url: str, base: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.netloc != urlsplit(base).netloc


@dataclass
class Crawl:
    pages: int = 0
    fetched: dict[str, int] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)
    foreign_loads: list[str] = field(default_factory=list)
    outside_sub_path: list[str] = field(default_factory=list)
    external_links: set[str] = field(default_factory=set)


def crawl(base: str, start: list[str]) -> Crawl:
    result = Crawl()
    queue: list[tuple[str, str]] = [(url, "(start)") for url in start]
    while queue:
        url, found_on = queue.pop(0)
        if url in result.fetched:
            continue
        assert len(result.fetched) < MAX_URLS
        got = fetch(url)
        result.fetched[url] = got.status
        if got.status != 200:
            result.broken.append(f"{url} -> {got.status} (linked from {found_on})")
            continue
        if got.content_type == "text/html":
            result.pages += 1
            refs = refs_of_html(got.body)
            for tag, ref in refs.loads:
                if _off_site(urljoin(got.url, ref), base):
                    result.foreign_loads.append(f"{got.url}: <{tag}> {ref}")
        elif got.content_type == "text/css":
            refs = Refs(links=CSS_URL.findall(got.body.decode("utf-8")))
        else:
            continue
        for ref in refs.links:
            if not _followable(ref):
                continue
            target = urldefrag(urljoin(got.url, ref)).url
            if _off_site(target, base):
                result.external_links.add(target)
            elif not target.startswith(base):
                result.outside_sub_path.append(f"{got.url}: {ref}")
            elif target not in result.fetched:
                queue.append((target, got.url))
    return result


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

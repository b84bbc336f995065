"""A built site served as GitHub Pages serves a project site (under a sub-path), and a crawl
that checks every internal link and asset it meets (tests only).

Used by tests/test_crawl.py (the included content, one MkDocs build, crawled whole) and by
tests/browser/test_engines.py (one corpus built by each engine, served from one address:
a request header picks the engine's folder, since the generated pages hold the site's
absolute URL; the crawl there is bounded).
"""

from __future__ import annotations

import posixpath
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

SUB_PATH = "/briefs-site/"  # the repository name in https://OWNER.github.io/REPO/
HOST = "127.0.0.1"
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
MAX_URLS = 5000  # the crawl is bounded whatever the site holds


def pages_handler(site: Path | Callable[[Message], Path | None], sub_path: str = SUB_PATH
                  ) -> type[BaseHTTPRequestHandler]:
    """GitHub Pages' rules: /REPO/x/ serves x/index.html, /REPO/x redirects to /REPO/x/,
    a miss gets the site's 404.html with status 404.

    `site` is the folder served, or a function of the request's headers that names it
    (None: the request is refused with 400, so a request that does not say which site it
    wants never gets one by chance)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            folder = site if isinstance(site, Path) else site(self.headers)
            if folder is None:
                self.reply(400, b"which site?", "text/plain")
                return
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(sub_path):
                self.reply(404, b"not this site", "text/plain")
                return
            rel = posixpath.normpath(path[len(sub_path):] or ".")
            target = (folder / rel).resolve()
            if rel.startswith("..") or not target.is_relative_to(folder.resolve()):
                self.reply(404, (folder / "404.html").read_bytes(), "text/html")
            elif target.is_dir() and not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
            elif target.is_dir() and (target / "index.html").is_file():
                self.reply(200, (target / "index.html").read_bytes(), "text/html")
            elif target.is_file():
                self.reply(200, target.read_bytes(), _content_type(target))
            else:
                self.reply(404, (folder / "404.html").read_bytes(), "text/html")

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
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes


def fetch(url: str, headers: Mapping[str, str] | None = None) -> Fetched:
    assert urlsplit(url).hostname == HOST, f"the test itself must not leave {HOST}: {url}"
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
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


def followable(url: str) -> bool:
    return not url.startswith(("mailto:", "javascript:", "data:", "tel:", "#"))


def off_site(url: str, base: str) -> bool:
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
    read: list[str] = field(default_factory=list)  # the pages whose links were followed


def crawl(base: str, start: list[str], *, headers: Mapping[str, str] | None = None,
          max_pages: int | None = None) -> Crawl:
    """Fetch `start` and everything internal they link to or load, breadth first. With
    `max_pages`, only that many HTML pages are read for links; every URL already queued
    is still fetched and must resolve (so each page read has all its links checked)."""
    result = Crawl()
    queue: list[tuple[str, str]] = [(url, "(start)") for url in start]
    while queue:
        url, found_on = queue.pop(0)
        if url in result.fetched:
            continue
        assert len(result.fetched) < MAX_URLS
        got = fetch(url, headers)
        result.fetched[url] = got.status
        if got.status != 200:
            result.broken.append(f"{url} -> {got.status} (linked from {found_on})")
            continue
        if got.content_type == "text/html":
            result.pages += 1
            if max_pages is not None and len(result.read) >= max_pages:
                continue
            result.read.append(got.url)
            refs = refs_of_html(got.body)
            for tag, ref in refs.loads:
                if off_site(urljoin(got.url, ref), base):
                    result.foreign_loads.append(f"{got.url}: <{tag}> {ref}")
        elif got.content_type == "text/css":
            refs = Refs(links=CSS_URL.findall(got.body.decode("utf-8")))
        else:
            continue
        for ref in refs.links:
            if not followable(ref):
                continue
            target = urldefrag(urljoin(got.url, ref)).url
            if off_site(target, base):
                result.external_links.add(target)
            elif not target.startswith(base):
                result.outside_sub_path.append(f"{got.url}: {ref}")
            elif target not in result.fetched:
                queue.append((target, got.url))
    return result

"""No page of the site makes a request to anything but the server it came from.

Every HTML page in site/ (plus an unknown URL, which gets the 404 page) is opened in
Chromium; each request whose host is not 127.0.0.1 is recorded. Fonts, Mermaid, analytics
and the like must all be served from the site itself.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from .conftest import MISSING_PAGE, Site, Walk, is_local

pytestmark = pytest.mark.browser

RESOURCE_ATTRS = {"script": "src", "img": "src", "iframe": "src", "source": "src",
                  "video": "src", "audio": "src", "embed": "src", "object": "data"}
FETCHED_LINK_RELS = {"stylesheet", "preload", "prefetch", "modulepreload", "icon",
                     "manifest", "preconnect", "dns-prefetch", "apple-touch-icon"}


def test_walk_covers_every_page(site: Site, walk: Walk) -> None:
    assert len(site.pages) > 20, site.pages
    bad = {rel: status for rel, status in walk.statuses.items()
           if status != (404 if rel == MISSING_PAGE else 200)}
    assert not bad, f"unexpected HTTP status: {bad}"


def test_no_request_leaves_localhost(walk: Walk) -> None:
    assert not walk.foreign, "requests to other hosts:\n" + "\n".join(
        f"  {origin} -> {url}" for origin, url in walk.foreign)


def test_no_script_errors(walk: Walk) -> None:
    assert not walk.script_errors, "\n".join(f"{url}: {error}"
                                             for url, error in walk.script_errors)


def test_no_remote_resources_in_html_or_css(site: Site) -> None:
    """Belt and braces: resources the browser might fetch later (other media, print,
    lazy images) must not point elsewhere either."""
    remote = []
    for rel in site.pages:
        base = site.page_url(rel)
        for tag in site.soup(rel).find_all(True):
            urls = []
            if tag.name in RESOURCE_ATTRS and tag.get(RESOURCE_ATTRS[tag.name]):
                urls.append(tag[RESOURCE_ATTRS[tag.name]])
            if tag.name == "link" and FETCHED_LINK_RELS & set(tag.get("rel", [])):
                urls.append(tag.get("href", ""))
            if tag.get("srcset"):
                urls += [part.split()[0] for part in tag["srcset"].split(",") if part.strip()]
            remote += [f"{rel or 'home'}: <{tag.name}> {u}" for u in urls
                       if u and not is_local(urljoin(base, u))]
    for css in site.folder.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"(?:url\(\s*['\"]?|@import\s+['\"])(https?:)?//([^/'\")]+)",
                                 text):
            if match.group(2).split(":")[0] != "127.0.0.1":
                remote.append(f"{css.relative_to(site.folder)}: {match.group(0)}")
    assert not remote, "\n".join(remote)

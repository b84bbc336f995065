"""The Atom feed of briefs: feed.xml at the site root, advertised in every page's <head>."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import pytest

from .conftest import Site

pytestmark = pytest.mark.browser

ATOM = "application/atom+xml"


@pytest.fixture(scope="module")
def feed(site: Site) -> Any:
    import feedparser

    path = site.folder / "feed.xml"
    assert path.is_file(), "no feed.xml at the site root"
    return feedparser.parse(path.read_bytes())


def test_feed_is_atom(feed: Any) -> None:
    assert not feed.bozo, f"feed.xml is not well-formed: {feed.get('bozo_exception')}"
    assert feed.version == "atom10", feed.version
    assert feed.feed.get("title")


def test_one_entry_per_brief(site: Site, feed: Any) -> None:
    entries = {entry.link: entry for entry in feed.entries}
    assert len(feed.entries) == len(site.briefs)
    for brief_id, brief in site.briefs.items():
        url = site.page_url(f"briefs/{brief_id}/")
        assert url in entries, f"no feed entry links to {url}"
        entry = entries[url]
        assert entry.title == brief["title"]
        assert entry.summary == brief["dek"]
        assert entry.get("id")
        assert entry.get("updated")


def test_every_page_links_the_feed(site: Site) -> None:
    feed_url = site.page_url("feed.xml")
    problems = []
    for rel in site.pages:
        head = site.soup(rel).head
        links = head.select(f'link[rel~="alternate"][type="{ATOM}"]') if head else []
        hrefs = {urljoin(site.page_url(rel), link.get("href", "")) for link in links}
        if feed_url not in hrefs:
            problems.append(f"{rel or 'home'}: {sorted(hrefs) or 'no Atom link in <head>'}")
    assert not problems, "pages not advertising the feed:\n" + "\n".join(problems)

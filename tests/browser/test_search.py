"""Material's search box finds actors and briefs by name, in the browser, with the built index."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest

from .conftest import BRIEF_ID, Site

pytestmark = pytest.mark.browser

RESULT_LINKS = "() => Array.from(document.querySelectorAll('.md-search-result__item a'))" \
               ".map(a => a.href)"


def search(page: Any, site: Site, query: str, expected: list[str]) -> list[str]:
    """Open the home page, type `query` into the search box, return result URLs once the
    expected ones are listed (or whatever is listed after the timeout)."""
    page.goto(site.url)
    box = page.locator(".md-search__input")
    if not box.is_visible():  # narrow screens: the header's search button opens it
        page.locator("label[for=__search]").filter(visible=True).first.click()
    box.click()
    page.keyboard.type(query, delay=20)
    page.locator(".md-search-result__item").first.wait_for(state="visible")
    wanted = [site.page_url(rel) for rel in expected]
    with contextlib.suppress(Exception):  # the assertion reports what was found
        page.wait_for_function(
            """(wanted) => {
                 const found = new Set(Array.from(
                   document.querySelectorAll('.md-search-result__item a'))
                   .map(a => a.href.split(/[?#]/)[0]));
                 return wanted.every(w => found.has(w));
               }""", arg=wanted, timeout=5_000)
    links: list[str] = page.evaluate(RESULT_LINKS)
    return links


@pytest.mark.parametrize(("query", "expected"), [
    ("BRICS", ["actors/brics/", f"briefs/{BRIEF_ID}/"]),
    ("Lavrov", ["actors/sergei-lavrov/", f"briefs/{BRIEF_ID}/"]),
])
def test_search_lists_actor_and_brief(page: Any, site: Site, query: str,
                                      expected: list[str]) -> None:
    links = search(page, site, query, expected)
    pages = {re.split(r"[?#]", link)[0] for link in links}  # ?h=query is the highlight
    for rel in expected:
        assert site.page_url(rel) in pages, (
            f"searching {query!r}: {rel} not among the results {sorted(pages)}")
    # Matches are highlighted in the results (the search.highlight feature).
    assert page.locator(".md-search-result mark").count() > 0

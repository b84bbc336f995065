"""The page-weight budget, on generated Markdown: a site of many actors and terms keeps
every page under MARKDOWN_BUDGET (tools/page_weight.py measures the same at full size).

The budget of issue #12 is 250 KB of built HTML a page. The Markdown of a page is almost
all raw HTML that Python-Markdown passes through as it is, so the built page is its size
plus what the build adds, which MARKDOWN_BUDGET leaves 50 KB for:
- the theme's chrome, the same on every page: about 15 KB;
- the table of contents the theme draws from the page's headings (an index page has a few
  dozen: a heading each for the kinds of actor or the letters on it, at about 150 bytes
  each in the sidebar, plus the id and permalink Markdown adds to each heading);
- the relation diagram's source HTML-escaped in its <pre> (at most INDEX_ACTORS actors and
  diagrams.MAX_EDGES relations, each label quoted: a few KB);
less the front matter, which the built page does not keep.
That is well under 35 KB, so 200 KB of Markdown stays under 250 KB of HTML with room.
"""

from __future__ import annotations

import re

import pytest

from generator.render import paging
from tools.page_weight import measure

MARKDOWN_BUDGET = 200_000
BRIEFS, ACTORS, TERMS = 100, 600, 600


@pytest.mark.slow  # a corpus of 1,300 entities, generated: about 20 seconds
def test_no_generated_page_outgrows_the_budget() -> None:
    sizes = measure(BRIEFS, ACTORS, TERMS)
    over = {path: size for path, size in sizes.items() if size > MARKDOWN_BUDGET}
    assert over == {}
    # The site is large enough for the budget to matter: the actors index and the
    # glossary would each be over it on one page, so they are paginated.
    for section, size in (("actors", paging.ACTORS_PER_PAGE),
                          ("glossary", paging.TERMS_PER_PAGE)):
        pages = {p: s for p, s in sizes.items()
                 if re.fullmatch(rf"{section}/(page/\d+/)?index\.md", p)}
        assert len(pages) == paging.page_count(ACTORS if section == "actors" else TERMS, size)
        assert sum(pages.values()) > MARKDOWN_BUDGET, section

"""Page sizes of every listing that grows with the site, in one place, and the arithmetic
of splitting a listing into numbered pages (routes: urls.numbered_path).

The sizes keep every page under the page-weight budget (250 KB of HTML at 20,000 briefs,
theme included); tools/page_weight.py measures the largest generated page. Code reads them
as `paging.NAME` at call time, so a test may set smaller sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

BRIEFS_PER_PAGE = 100  # brief cards on a page of the briefs index, a tag, an actor's or term's list
EVENTS_PER_PAGE = 100  # events on a page of a timeline year
PROFILE_BRIEFS = 10  # the newest briefs an actor's or term's own page shows; then a link to all
PROFILE_EVENTS = 10  # the latest events an actor's own page shows; then a link to all
TIMELINE_LATEST = 50  # events on the timeline's first page; each year has pages of its own

T = TypeVar("T")


def page_count(items: int, size: int) -> int:
    """How many pages `items` entries fill, `size` a page (one page when there are none)."""
    return max(1, -(-items // size))


def page_items(items: Sequence[T], number: int, size: int) -> Sequence[T]:
    """The entries of page `number` (from 1)."""
    return items[(number - 1) * size:number * size]

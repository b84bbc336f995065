"""Page sizes of every listing that grows with the site, in one place, and the arithmetic
of splitting a listing into numbered pages (routes: urls.numbered_path).

The sizes keep every page under the page-weight budget (250 KB of HTML at 20,000 briefs,
theme included); tools/page_weight.py measures the largest generated page. Code reads them
as `paging.NAME` at call time, so a test may set smaller sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

BRIEFS_PER_PAGE = 100  # brief cards on a page of the briefs index, a tag, an actor's or term's list
EVENTS_PER_PAGE = 100  # events on a page of a timeline year
PROFILE_BRIEFS = 10  # the newest briefs an actor's or term's own page shows; then a link to all
PROFILE_EVENTS = 10  # the latest events an actor's own page shows; then a link to all
TIMELINE_LATEST = 50  # events on the timeline's first page; each year has pages of its own
STORIES_PER_PAGE = 100  # stories on a page of the stories index
CORRECTIONS_PER_PAGE = 100  # corrections on a page of the corrections listing
HOME_STORIES = 5  # the developing stories the home page shows
STORY_DEVELOPMENTS = 50  # developments a story's page lists, newest first; then numbered pages
STORY_EVENTS = 40  # the latest events of a story's merged timeline on its page
STORY_ENTITIES = 30  # the actors, and the terms, most involved in a story, on its page
# Entries on a page of the actors index and of the glossary. An entry is at most about 1.5 KB
# (a term: a 300-character definition twice, as tooltip and text; an actor: a summary of a
# few sentences twice), so a page stays near 150 KB even then, and near 60 KB usually.
ACTORS_PER_PAGE = 100
TERMS_PER_PAGE = 100

T = TypeVar("T")
K = TypeVar("K")


def page_count(items: int, size: int) -> int:
    """How many pages `items` entries fill, `size` a page (one page when there are none)."""
    return max(1, -(-items // size))


def page_items(items: Sequence[T], number: int, size: int) -> Sequence[T]:
    """The entries of page `number` (from 1)."""
    return items[(number - 1) * size:number * size]


@dataclass(frozen=True)
class Section(Generic[K, T]):
    """The part of a group (a letter of the glossary, a kind of actor) on one page:
    `continued` when the group began on an earlier page."""

    key: K
    items: Sequence[T]
    continued: bool


def grouped_page(groups: Sequence[tuple[K, Sequence[T]]], number: int, size: int
                 ) -> list[Section[K, T]]:
    """Page `number` (from 1) of a listing of groups read in order as one list of entries,
    `size` entries a page: the groups, or parts of them, that it holds."""
    start, stop = (number - 1) * size, number * size
    sections: list[Section[K, T]] = []
    offset = 0
    for key, items in groups:
        begin, end = max(start, offset), min(stop, offset + len(items))
        if begin < end:
            sections.append(Section(key, items[begin - offset:end - offset], begin > offset))
        offset += len(items)
    return sections


def group_pages(groups: Sequence[tuple[K, Sequence[T]]], size: int) -> dict[K, int]:
    """The page (from 1) on which each group of the listing begins."""
    first: dict[K, int] = {}
    offset = 0
    for key, items in groups:
        if items:
            first[key] = offset // size + 1
        offset += len(items)
    return first

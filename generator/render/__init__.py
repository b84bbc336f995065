"""Render: the resolved graph -> page views -> Markdown pages, through site_templates/.

By page family: `entities` (each kind's own page, named by the table of kinds), `listings` (home,
indexes, tags, timeline, guide, feed), on the helpers of `views` and the Jinja environment
of `templates`. Routes live here, in one place: `Renderer.paths()` lists every page of
the site (`listing_paths()` every page that is not an entity's own, from the derived
indexes alone) and `Renderer.page()` builds one from its path. Listings that grow with
the site are split into numbered pages (`paging`: the page sizes, in one place).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .. import urls
from ..graph import Graph, SiteEvent
from ..kinds import KINDS
from ..urls import Kind
from . import paging
from .entities import EntityPages
from .follow import FollowPages
from .listings import ListingPages
from .templates import ASSETS_DIR, PAGE_TEMPLATES, TEMPLATES_DIR, BytecodeCache, environment
from .views import FacetText, LinkView, Recorded, RenderError, recorded

__all__ = ["ASSETS_DIR", "PAGE_TEMPLATES", "TEMPLATES_DIR", "BytecodeCache", "FacetText",
           "LinkView", "Recorded", "RenderError", "Renderer", "environment", "listing_paths",
           "recorded"]


def listing_paths(graph: Graph) -> list[str]:
    """Every page that is not an entity's own, in the order a full run renders them: the
    sections, each tag and timeline year, every numbered page of a paginated listing (the
    briefs, actors and glossary indexes among them) and the full lists of briefs of actors
    and terms that appear in more than their own page shows. From the derived indexes
    alone (the incremental path's graph loads entities lazily), so the state can compare
    the set before and after an edit."""
    def numbered(first: str, items: int, size: int) -> list[str]:
        return [urls.numbered_path(first, n)
                for n in range(1, paging.page_count(items, size) + 1)]

    briefs = paging.BRIEFS_PER_PAGE
    years = Counter(e.date.year for e in graph.events)
    return [urls.FEED, urls.HOME,
            *numbered(urls.BRIEFS_INDEX, len(graph.briefs_by_date), briefs),
            *numbered(urls.ACTORS_INDEX, sum(map(len, graph.actors_by_kind.values())),
                      paging.ACTORS_PER_PAGE),
            *numbered(urls.GLOSSARY_INDEX, sum(map(len, graph.terms_by_letter.values())),
                      paging.TERMS_PER_PAGE),
            *(p for tag, ids in graph.tags.items()
              for p in numbered(urls.tag_path(tag), len(ids), briefs)),
            urls.TAGS_INDEX, urls.TIMELINE,
            *(p for year in sorted(years, reverse=True)
              for p in numbered(urls.timeline_year_path(year), years[year],
                                paging.EVENTS_PER_PAGE)),
            urls.GUIDE,
            *(p for entity_id, ids in sorted(graph.appears_in.items())
              if len(ids) > paging.PROFILE_BRIEFS
              for p in numbered(urls.mentions_path(graph.kind_of(entity_id), entity_id),
                                len(ids), briefs)),
            *(p for actor_id, events in sorted(graph.events_by_actor.items())
              if len(events) > paging.PROFILE_EVENTS and graph.is_actor(actor_id)
              for p in numbered(urls.events_path(actor_id), len(events), paging.EVENTS_PER_PAGE)),
            *numbered(urls.STORIES_INDEX, len(graph.stories), paging.STORIES_PER_PAGE),
            *numbered(urls.CORRECTIONS, len(graph.corrections), paging.CORRECTIONS_PER_PAGE),
            *(p for story_id, briefs in sorted(graph.developments.items())
              for p in numbered(urls.page_path(Kind.STORY, story_id), len(briefs),
                                paging.STORY_DEVELOPMENTS)[1:]),
            *feed_paths(graph)]


def feed_paths(graph: Graph) -> list[str]:
    """Every feed beside the site's: the corrections', each story's, each tag's and each
    actor's that appears in a brief (urls.feed_path)."""
    return [urls.CORRECTIONS_FEED,
            *(urls.feed_path(urls.page_path(Kind.STORY, s)) for s in sorted(graph.stories)),
            *(urls.feed_path(urls.tag_path(tag)) for tag in graph.tags),
            *(urls.feed_path(urls.page_path(Kind.ACTOR, a)) for a in sorted(graph.appears_in)
              if graph.is_actor(a))]


class Renderer(EntityPages, ListingPages, FollowPages):
    """Every page of the site: where each lives and which builder makes it."""

    def paths(self) -> list[str]:
        """Every page, in the order a full run renders them."""
        graph = self.source
        return [*listing_paths(graph),
                *(urls.page_path(kind, entity_id) for kind in KINDS
                  for entity_id in sorted(graph.content.of_kind(kind)))]

    def page(self, path: str) -> tuple[str, str]:
        """One page by its path (the incremental path renders the pages an edit reaches);
        what it reads is recorded from here to its end (`_done`)."""
        self._reads.clear()
        if path == urls.FEED or path.startswith(f"{urls.FEEDS_DIR}/"):
            return self.feed_page(path)
        listing = {urls.HOME: self.home, urls.TAGS_INDEX: self.tags_index,
                   urls.TIMELINE: self.timeline_page, urls.GUIDE: self.guide_page}
        indexes: dict[str, Callable[[int], tuple[str, str]]] = {
            urls.BRIEFS_INDEX: self.briefs_index, urls.ACTORS_INDEX: self.actors_index,
            urls.GLOSSARY_INDEX: self.glossary_index, urls.STORIES_INDEX: self.stories_index,
            urls.CORRECTIONS: self.corrections_page}
        first, number = urls.numbered_first(path)
        if first in indexes:
            return indexes[first](number)
        if path in listing:
            return listing[path]()
        if number > 1:  # an entity's page continued: a story's older developments
            page_of = urls.page_owner(first, self.source.content.known_ids)
            if page_of is not None and page_of[0] is Kind.STORY:
                return self.story_developments_page(page_of[1], number)
        owner = urls.list_owner(first)
        if owner is not None:
            entity_id, name = owner
            if name == urls.EVENTS_LIST:
                return self.actor_events_page(entity_id, number)
            return self.mentions_page(entity_id, number)
        section, _, entity_id = urls.page_folder(first).partition("/")
        if section == urls.TAGS_SECTION:
            return self.tag_page(entity_id, self.graph.tags[entity_id], number)
        if section == urls.TIMELINE_SECTION:
            year = int(entity_id)
            return self.timeline_year_page(year, self.years()[year], number)
        builder: Callable[[str], tuple[str, str]] = getattr(
            self, KINDS[self.graph.kind_of(entity_id)].page)  # the table of kinds names it
        return builder(entity_id)

    def release(self, path: str) -> None:
        """Drop an entity's model and linked text once its own page is rendered: in a
        full run no later page reads them (listings read facets only)."""
        owner = urls.page_owner(path, self.source.content.known_ids)
        if owner is None:
            return
        kind, entity_id = owner
        self.source.rich.pop(entity_id, None)
        self.source.content.of_kind(kind).pop(entity_id, None)

    def years(self) -> dict[int, list[SiteEvent]]:
        """Every event by year, computed once per renderer (each caller reads the events)."""
        self._reads.add("events:*")
        if self._years is None:
            self._years = self.timeline_years()
        return self._years

    _years: dict[int, list[SiteEvent]] | None = None

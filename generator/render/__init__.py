"""Render: the resolved graph -> page views -> Markdown pages, through site_templates/.

By page family: `entities` (each kind's own page, named by the table of kinds), `listings` (home,
indexes, tags, timeline, guide, feed), on the helpers of `views` and the Jinja environment
of `templates`. Routes live here, in one place: `Renderer.paths()` lists every page of
the site and `Renderer.page()` builds one from its path.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import urls
from ..graph import SiteEvent
from ..kinds import KINDS
from .entities import EntityPages
from .listings import ListingPages
from .templates import ASSETS_DIR, PAGE_TEMPLATES, TEMPLATES_DIR, BytecodeCache, environment
from .views import FacetText, LinkView, Recorded, RenderError, recorded

__all__ = ["ASSETS_DIR", "PAGE_TEMPLATES", "TEMPLATES_DIR", "BytecodeCache", "FacetText",
           "LinkView", "Recorded", "RenderError", "Renderer", "environment", "recorded"]


class Renderer(EntityPages, ListingPages):
    """Every page of the site: where each lives and which builder makes it."""

    def paths(self) -> list[str]:
        """Every page, in the order a full run renders them."""
        graph = self.source
        return [urls.FEED, urls.HOME, urls.BRIEFS_INDEX, urls.ACTORS_INDEX, urls.GLOSSARY_INDEX,
                *(urls.tag_path(tag) for tag in graph.tags), urls.TAGS_INDEX,
                urls.TIMELINE, *(urls.timeline_year_path(y) for y in self.years()), urls.GUIDE,
                *(urls.page_path(kind, entity_id) for kind in KINDS
                  for entity_id in sorted(graph.content.of_kind(kind)))]

    def page(self, path: str) -> tuple[str, str]:
        """One page by its path (the incremental path renders the pages an edit reaches);
        what it reads is recorded from here to its end (`_done`)."""
        self._reads.clear()
        listing = {urls.FEED: self.feed, urls.HOME: self.home,
                   urls.BRIEFS_INDEX: self.briefs_index, urls.ACTORS_INDEX: self.actors_index,
                   urls.GLOSSARY_INDEX: self.glossary_index, urls.TAGS_INDEX: self.tags_index,
                   urls.TIMELINE: self.timeline_page, urls.GUIDE: self.guide_page}
        if path in listing:
            return listing[path]()
        section, _, name = path.partition("/")
        entity_id = name.removesuffix(".md")
        if section == urls.TAGS_SECTION:
            return self.tag_page(entity_id, self.graph.tags[entity_id])
        if section == urls.TIMELINE_SECTION:
            year = int(entity_id)
            return self.timeline_year_page(year, self.years()[year])
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

"""What a reader follows: the stories index, the corrections page and the Atom feeds (the
site's, each story's, actor's and tag's, and the corrections')."""

from __future__ import annotations

from .. import structured, urls
from ..graph import BriefFacet, facet_as
from ..urls import Kind
from . import paging
from .views import RendererBase, date_view


class FollowPages(RendererBase):
    """Stories index, corrections and feeds, from facets and derived indexes only."""

    def stories_index(self, number: int = 1) -> tuple[str, str]:
        """Page `number` of every story: developing first, newest development first."""
        page = self.section_page(urls.STORIES_INDEX, number, self.graph.stories,
                                 paging.STORIES_PER_PAGE)
        return self.render("stories_index.md.j2", page.path, pager=page.pager,
                           stories=[self.story_card(page.path, s) for s in page.items],
                           **page.extra)

    def corrections_page(self, number: int = 1) -> tuple[str, str]:
        """Page `number` of every correction of every brief, newest first."""
        page = self.section_page(urls.CORRECTIONS, number, self.graph.corrections,
                                 paging.CORRECTIONS_PER_PAGE)
        entries = []
        for brief_id, index in page.items:
            brief = facet_as(self.graph.facets, brief_id, BriefFacet)
            day, note, _ = brief.updates[index]
            anchor = brief.correction_anchor(index)
            entries.append({"date": date_view(day), "note": note,
                            "brief": self.link(page.path, brief_id),
                            "href": self.href(page.path, urls.page_path(Kind.BRIEF, brief_id))
                            + f"#{anchor}"})
        return self.render("corrections.md.j2", page.path, corrections=entries,
                           feed=urls.feed_path(urls.CORRECTIONS),
                           feed_href=self.href(page.path, urls.CORRECTIONS_FEED),
                           pager=page.pager, **page.extra)

    def feed_page(self, path: str) -> tuple[str, str]:
        """An Atom feed by its path: the site's, the corrections', or one that follows a
        story, an actor or a tag (urls.feed_owner)."""
        site = self.config.site_name
        if path == urls.FEED:
            feed = structured.atom_feed_view(self.graph, self.config, self.graph.briefs_by_date,
                                             title=site)
        elif path == urls.CORRECTIONS_FEED:
            feed = structured.corrections_feed_view(self.graph, self.config)
        else:
            owner = urls.feed_owner(path)
            if owner is None:  # pragma: no cover - paths come from listing_paths
                raise KeyError(path)
            section, key = owner
            page = urls.feed_page(path)
            if section == urls.TAGS_SECTION:
                briefs, title = self.graph.tags.get(key, ()), f"{site}: briefs tagged {key}"
            elif section == urls.SECTION[Kind.STORY]:
                briefs = tuple(reversed(self.graph.developments.get(key, ())))
                title = f"{site}: {self.names[key]}"
            else:
                briefs = self.graph.appears_in.get(key, ())
                title = f"{site}: briefs about {self.names[key]}"
            feed = structured.atom_feed_view(self.graph, self.config, briefs, title=title,
                                             feed=path, page=page)
        return self._done(path, self.template("feed.xml.j2", env=self.xml_env, feed=feed))

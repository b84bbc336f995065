"""The listing pages: home, the indexes, tags, the timeline, the guide, and the feed."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from typing import Any

from markupsafe import Markup

from .. import diagrams, structured, urls
from ..diagrams import most_connected, unique_edges
from ..graph import (
    OTHER_LETTER,
    ActorFacet,
    SiteEvent,
    StoryFacet,
    TermFacet,
    base_letters,
    facet_as,
)
from ..kinds import ACTOR_KINDS
from ..text import html_text
from . import paging
from .views import LinkView, RendererBase

__all__ = ["ListingPages", "base_letters", "heading_anchor", "page_suffix"]


def page_suffix(number: int, count: int) -> str:
    """What a title says of a page of a listing: nothing for a listing of one page."""
    return f" (page {number} of {count})" if count > 1 else ""


def heading_anchor(heading: str) -> str:
    """The id MkDocs gives a `## heading` of the indexes (Python-Markdown's toc slugify,
    for headings of letters, digits and spaces): "B" -> "b", "People" -> "people"."""
    return re.sub(r"[^\w]+", "-", heading.casefold()).strip("-")


class ListingPages(RendererBase):
    """Pages that list entities, built from facets and the graph's indexes only."""

    def home(self) -> tuple[str, str]:
        path = urls.HOME
        latest = [self.card(path, b) for b in self.graph.briefs_by_date[:12]]
        developing = [s for s in self.graph.stories[:paging.HOME_STORIES]
                      if facet_as(self.graph.facets, s, StoryFacet).status == "developing"]
        return self.render("home.md.j2", path, latest=latest,
                           stories=[self.story_card(path, s) for s in developing],
                           stories_href=self.href(path, urls.STORIES_INDEX),
                           counts={"briefs": len(self.graph.briefs_by_date),
                                   "actors": len(self._of_kind(ActorFacet)),
                                    "terms": len(self._of_kind(TermFacet))})

    def briefs_index(self, number: int = 1) -> tuple[str, str]:
        """Page `number` of every brief, newest first."""
        page = self.section_page(urls.BRIEFS_INDEX, number, self.graph.briefs_by_date,
                                 paging.BRIEFS_PER_PAGE)
        return self.render("briefs_index.md.j2", page.path, pager=page.pager,
                           cards=[self.card(page.path, b) for b in page.items], **page.extra)

    def actors_index(self, number: int = 1) -> tuple[str, str]:
        """Page `number` of every actor, grouped by kind (kinds.ACTOR_KINDS order), each group
        by name; the first page also draws the relations of the most connected actors."""
        first = urls.ACTORS_INDEX
        path = urls.numbered_path(first, number)
        by_kind = self.graph.actors_by_kind
        groups = [(kind, by_kind[kind]) for kind in ACTOR_KINDS if kind in by_kind]
        size = paging.ACTORS_PER_PAGE
        count = paging.page_count(sum(len(ids) for _, ids in groups), size)
        sections = [{"heading": ACTOR_KINDS[part.key].heading, "continued": part.continued,
                     "actors": [self.actor_entry(path, a) for a in part.items]}
                    for part in paging.grouped_page(groups, number, size)]
        jump = [self.jump(path, first, page, ACTOR_KINDS[kind].heading)
                for kind, page in paging.group_pages(groups, size).items()]
        diagram = None
        if number == 1:
            edges, actors_out, edges_out = most_connected(unique_edges(self.graph.edges),
                                                          diagrams.INDEX_ACTORS)
            diagram = self.diagram(path, edges, "Relations between the most connected actors"
                                   if actors_out else "Relations between all actors",
                                   left_out=(actors_out, edges_out))
        extra: dict[str, Any] = {} if number == 1 else {
            "title": "Actors" + page_suffix(number, count),
            "description": "The people, countries, organizations, groups and places in the "
                           f"briefs: page {number} of {count}."}
        return self.render("actors_index.md.j2", path, groups=sections, diagram=diagram,
                           jump=jump if count > 1 else [],
                           pager=self.pager(first, number, count), **extra)

    def actor_entry(self, path: str, actor_id: str) -> dict[str, Any]:
        actor = facet_as(self.graph.facets, actor_id, ActorFacet)
        return {"link": self.link(path, actor_id).bare, "role": actor.role,
                "summary": self.text(path, actor.summary, inline=True)}

    def glossary_index(self, number: int = 1) -> tuple[str, str]:
        """Page `number` of every term, A to Z under letter headings; every page has the
        letters, each linked to the page (and heading) where it begins."""
        first = urls.GLOSSARY_INDEX
        path = urls.numbered_path(first, number)
        by_letter = self.graph.terms_by_letter
        groups = [(letter, by_letter[letter]) for letter in
                  sorted(by_letter, key=lambda k: (k == OTHER_LETTER, k))]
        size = paging.TERMS_PER_PAGE
        count = paging.page_count(sum(len(ids) for _, ids in groups), size)
        parts = paging.grouped_page(groups, number, size)
        letters = [{"letter": part.key, "continued": part.continued,
                    "terms": [{"link": self.link(path, term_id).bare,
                               "definition": self.tooltips[term_id]} for term_id in part.items]}
                   for part in parts]
        jump = [self.jump(path, first, page, letter)
                for letter, page in paging.group_pages(groups, size).items()]
        extra: dict[str, Any] = {} if number == 1 else {
            "title": "Glossary" + page_suffix(number, count),
            "description": "The terms the briefs rely on, A to Z, each with a one-sentence "
                           f"definition: page {number} of {count}."}
        return self.render("glossary_index.md.j2", path, letters=letters, jump=jump,
                           pager=self.pager(first, number, count),
                           jsonld=structured.glossary_jsonld(
                               self.graph, self.config,
                               [t for part in parts for t in part.items]), **extra)

    def jump(self, path: str, first: str, number: int, heading: str) -> dict[str, Any]:
        """A link of a jump list: to the heading `heading` on page `number` of the listing
        whose first page is `first` (on this page: the anchor alone)."""
        target = urls.numbered_path(first, number)
        anchor = heading_anchor(heading)
        return {"text": heading,
                "href": Markup(html_text(f"#{anchor}" if target == path
                                         else urls.relative_url(path, target, anchor)))}

    def tag_page(self, tag: str, brief_ids: tuple[str, ...], number: int = 1
                 ) -> tuple[str, str]:
        first = urls.tag_path(tag)
        path = urls.numbered_path(first, number)
        size = paging.BRIEFS_PER_PAGE
        count = paging.page_count(len(brief_ids), size)
        suffix = page_suffix(number, count)
        shown = paging.page_items(brief_ids, number, size)
        return self.render("tag.md.j2", path, tag=tag, title=f"Tag: {tag}{suffix}",
                           description=f"Briefs tagged {tag}{suffix}",
                           # cards on the first page, compact rows on the later ones
                           cards=[self.card(path, b) for b in shown] if number == 1 else [],
                           rows=[self.row(path, b) for b in shown] if number > 1 else [],
                           tags_href=self.href(path, urls.TAGS_INDEX),
                           feed=urls.feed_path(first),
                           feed_href=self.href(path, urls.feed_path(first)),
                           pager=self.pager(first, number, count))

    def mentions_page(self, entity_id: str, number: int = 1) -> tuple[str, str]:
        """Page `number` of every brief an actor appears in or a term is used in, newest
        first, as compact rows (the entity's own page shows the newest few as cards,
        paging.PROFILE_BRIEFS)."""
        kind = self.graph.kind_of(entity_id)
        first = urls.mentions_path(kind, entity_id)
        path = urls.numbered_path(first, number)
        size = paging.BRIEFS_PER_PAGE
        briefs = self.graph.appears_in.get(entity_id, ())
        count = paging.page_count(len(briefs), size)
        owner = self.link(path, entity_id)
        verb, verbs = ("use", "uses") if kind is urls.Kind.TERM else ("mention", "mentions")
        suffix = page_suffix(number, count)
        return self.render(
            "mentions.md.j2", path, title=f"Briefs that {verb} {owner.text}{suffix}",
            description=f"Every brief that {verbs} {owner.text}, newest first{suffix}.",
            owner=owner, verb=verbs,
            rows=[self.row(path, b) for b in paging.page_items(briefs, number, size)],
            pager=self.pager(first, number, count))

    def tags_index(self) -> tuple[str, str]:
        entries = [{"link": LinkView(urls.relative_url(urls.TAGS_INDEX, urls.tag_path(tag)), tag,
                                     css="tag"), "count": len(brief_ids)}
                   for tag, brief_ids in self.graph.tags.items()]
        return self.render("tags_index.md.j2", urls.TAGS_INDEX, tags=entries)

    def actor_events_page(self, actor_id: str, number: int = 1) -> tuple[str, str]:
        """Page `number` of every timeline event of an actor, oldest first (the actor's
        own page shows the latest few, paging.PROFILE_EVENTS)."""
        first = urls.events_path(actor_id)
        path = urls.numbered_path(first, number)
        size = paging.EVENTS_PER_PAGE
        events = self.graph.events_by_actor.get(actor_id, ())
        count = paging.page_count(len(events), size)
        owner = self.link(path, actor_id)
        suffix = page_suffix(number, count)
        return self.render(
            "actor_events.md.j2", path, title=f"Events of {owner.text}{suffix}",
            description=f"Every dated event of {owner.text} from every brief, oldest first"
            f"{suffix}.", owner=owner, events=[self.event_view(path, e.index, e.brief)
                                                for e in paging.page_items(events, number, size)],
            pager=self.pager(first, number, count))

    def timeline_years(self) -> dict[int, list[SiteEvent]]:
        """Every event by year, newest year and event first (one page per year)."""
        years: dict[int, list[SiteEvent]] = defaultdict(list)
        for event in reversed(self.graph.events):
            years[event.date.year].append(event)
        return dict(sorted(years.items(), reverse=True))

    def timeline_page(self) -> tuple[str, str]:
        """The newest events, then the years: the page stays small however many events."""
        path = urls.TIMELINE
        newest = list(itertools.islice(reversed(self.graph.events), paging.TIMELINE_LATEST))
        years = [{"link": LinkView(urls.relative_url(path, urls.timeline_year_path(year)),
                                   str(year), css="timeline-years__year"), "count": len(events)}
                 for year, events in self.timeline_years().items()]
        return self.render("timeline.md.j2", path, years=years,
                            latest=[self.event_view(path, e.index, e.brief) for e in newest])

    def timeline_year_page(self, year: int, events: list[SiteEvent], number: int = 1
                           ) -> tuple[str, str]:
        first = urls.timeline_year_path(year)
        path = urls.numbered_path(first, number)
        size = paging.EVENTS_PER_PAGE
        count = paging.page_count(len(events), size)
        shown = paging.page_items(events, number, size)
        return self.render(
            "timeline_year.md.j2", path, title=f"Timeline: {year}{page_suffix(number, count)}",
            description=f"Every dated event of {year} from every brief, newest first"
                        + (f": page {number} of {count}." if count > 1 else "."),
            year=year, events=[self.event_view(path, e.index, e.brief) for e in shown],
            timeline=LinkView(urls.relative_url(path, urls.TIMELINE), "Timeline"),
            pager=self.pager(first, number, count))

    def guide_page(self) -> tuple[str, str]:
        from ..schema import field_tables

        return self.render("guide.md.j2", urls.GUIDE, tables=field_tables(),
                            example=self.guide_example())

    def guide_example(self) -> dict[str, str] | None:
        """The opening of the newest brief's YAML, as the worked example of the guide."""
        if not self.graph.briefs_by_date:
            return None
        entity = self.content.briefs[self.graph.briefs_by_date[0]]
        lines = entity.doc.text.splitlines()
        cut = next((i for i, line in enumerate(lines) if line.startswith("key_points:")),
                   min(len(lines), 30))
        shown = lines[:cut + 3] if cut + 3 < len(lines) else lines
        return {"path": entity.rel, "text": "\n".join(shown),
                "more": str(len(lines) - len(shown))}

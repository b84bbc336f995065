"""The listing pages: home, the indexes, tags, the timeline, the guide, and the feed."""

from __future__ import annotations

import itertools
import unicodedata
from collections import defaultdict
from typing import Any

from .. import structured, urls
from ..diagrams import unique_edges
from ..graph import ActorFacet, SiteEvent, TermFacet
from ..kinds import ACTOR_KINDS
from . import paging
from .views import LinkView, RendererBase, sort_text


def page_suffix(number: int, count: int) -> str:
    """What a title says of a page of a listing: nothing for a listing of one page."""
    return f" (page {number} of {count})" if count > 1 else ""


def base_letters(text: str) -> str:
    """`text` with its accents dropped (NFKD, combining marks removed): "État" -> "Etat".

    Only marks go: a non-Latin letter stays itself, so "Мир" is still filed under Other.
    """
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


class ListingPages(RendererBase):
    """Pages that list entities, built from facets and the graph's indexes only."""

    def feed(self) -> tuple[str, str]:
        feed = structured.atom_feed_view(self.graph, self.config)
        return self._done(urls.FEED, self.template("feed.xml.j2", env=self.xml_env, feed=feed))

    def home(self) -> tuple[str, str]:
        path = urls.HOME
        latest = [self.card(path, b) for b in self.graph.briefs_by_date[:12]]
        return self.render("home.md.j2", path, latest=latest,
                           counts={"briefs": len(self.graph.briefs_by_date),
                                   "actors": len(self._of_kind(ActorFacet)),
                                    "terms": len(self._of_kind(TermFacet))})

    def briefs_index(self, number: int = 1) -> tuple[str, str]:
        """Page `number` of every brief, newest first."""
        first = urls.BRIEFS_INDEX
        path = urls.numbered_path(first, number)
        size = paging.BRIEFS_PER_PAGE
        briefs = self.graph.briefs_by_date
        count = paging.page_count(len(briefs), size)
        cards = [self.card(path, b) for b in paging.page_items(briefs, number, size)]
        extra: dict[str, Any] = {} if number == 1 else {
            "title": "Briefs" + page_suffix(number, count),
            "description": f"Every brief, newest first: page {number} of {count}."}
        return self.render("briefs_index.md.j2", path, cards=cards,
                           pager=self.pager(first, number, count), **extra)

    def actors_index(self) -> tuple[str, str]:
        path = urls.ACTORS_INDEX
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for actor_id, actor in sorted(self._of_kind(ActorFacet).items(),
                                      key=lambda a: (a[1].name.casefold(), a[0])):
            groups[actor.actor_kind].append({
                "link": self.link(path, actor_id),
                "role": actor.role,
                "summary": self.text(path, actor.summary, inline=True),
            })
        ordered = [(spec.heading, groups[k]) for k, spec in ACTOR_KINDS.items() if groups.get(k)]
        diagram = self.diagram(path, unique_edges(self.graph.edges),
                               "Relations between all actors")
        return self.render("actors_index.md.j2", path, groups=ordered, diagram=diagram)

    def glossary_index(self) -> tuple[str, str]:
        path = urls.GLOSSARY_INDEX
        letters: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for term_id, term in sorted(self._of_kind(TermFacet).items(),
                                    key=lambda t: (base_letters(sort_text(t[1].name)),
                                                   sort_text(t[1].name), t[0])):
            first = base_letters(sort_text(term.name))[:1].upper()
            letter = first if "A" <= first <= "Z" else "Other"
            letters[letter].append({"link": self.link(path, term_id),
                                    "definition": term.tooltip})
        groups = [{"letter": k, "anchor": k.lower(), "terms": v}
                  for k, v in sorted(letters.items(), key=lambda kv: (kv[0] == "Other", kv[0]))]
        return self.render("glossary_index.md.j2", path, letters=groups,
                            jsonld=structured.glossary_jsonld(self.graph, self.config))

    def tag_page(self, tag: str, brief_ids: tuple[str, ...], number: int = 1
                 ) -> tuple[str, str]:
        first = urls.tag_path(tag)
        path = urls.numbered_path(first, number)
        size = paging.BRIEFS_PER_PAGE
        count = paging.page_count(len(brief_ids), size)
        suffix = page_suffix(number, count)
        return self.render("tag.md.j2", path, tag=tag, title=f"Tag: {tag}{suffix}",
                           description=f"Briefs tagged {tag}{suffix}",
                           cards=[self.card(path, b)
                                  for b in paging.page_items(brief_ids, number, size)],
                           tags_href=self.href(path, urls.TAGS_INDEX),
                           pager=self.pager(first, number, count))

    def mentions_page(self, entity_id: str, number: int = 1) -> tuple[str, str]:
        """Page `number` of every brief an actor appears in or a term is used in, newest
        first (the entity's own page shows the newest few, paging.PROFILE_BRIEFS)."""
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
            cards=[self.card(path, b) for b in paging.page_items(briefs, number, size)],
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

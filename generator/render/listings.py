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
from .views import LinkView, RendererBase, sort_text

TIMELINE_LATEST = 50  # events on the timeline's first page; each year has a page of its own


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

    def briefs_index(self) -> tuple[str, str]:
        path = urls.BRIEFS_INDEX
        cards = [self.card(path, b) for b in self.graph.briefs_by_date]
        return self.render("briefs_index.md.j2", path, cards=cards)

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

    def tag_page(self, tag: str, brief_ids: tuple[str, ...]) -> tuple[str, str]:
        path = urls.tag_path(tag)
        return self.render("tag.md.j2", path, tag=tag,
                           cards=[self.card(path, b) for b in brief_ids])

    def tags_index(self) -> tuple[str, str]:
        entries = [{"link": LinkView(urls.relative_url(urls.TAGS_INDEX, urls.tag_path(tag)), tag,
                                     css="tag"), "count": len(brief_ids)}
                   for tag, brief_ids in self.graph.tags.items()]
        return self.render("tags_index.md.j2", urls.TAGS_INDEX, tags=entries)

    def timeline_years(self) -> dict[int, list[SiteEvent]]:
        """Every event by year, newest year and event first (one page per year)."""
        years: dict[int, list[SiteEvent]] = defaultdict(list)
        for event in reversed(self.graph.events):
            years[event.date.year].append(event)
        return dict(sorted(years.items(), reverse=True))

    def timeline_page(self) -> tuple[str, str]:
        """The newest events, then the years: the page stays small however many events."""
        path = urls.TIMELINE
        newest = list(itertools.islice(reversed(self.graph.events), TIMELINE_LATEST))
        years = [{"link": LinkView(urls.relative_url(path, urls.timeline_year_path(year)),
                                   str(year), css="timeline-years__year"), "count": len(events)}
                 for year, events in self.timeline_years().items()]
        return self.render("timeline.md.j2", path, years=years,
                            latest=[self.event_view(path, e.index, e.brief) for e in newest])

    def timeline_year_page(self, year: int, events: list[SiteEvent]) -> tuple[str, str]:
        path = urls.timeline_year_path(year)
        return self.render(
            "timeline_year.md.j2", path, title=f"Timeline: {year}",
            description=f"Every dated event of {year} from every brief, newest first.",
            year=year, events=[self.event_view(path, e.index, e.brief) for e in events],
            timeline=LinkView(urls.relative_url(path, urls.TIMELINE), "Timeline"))

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

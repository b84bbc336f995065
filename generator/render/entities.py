"""The pages of the entities: one per brief, actor and term."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence

from markupsafe import Markup

from .. import structured, urls
from ..diagrams import unique_edges
from ..graph import BriefFacet, facet_as, sort_text
from ..load import Loc
from ..models import Brief, Quote, Story, WatchItem
from ..stories import WATCH_LABELS, overdue
from ..urls import Kind
from . import paging
from .views import LinkView, RendererBase, date_view

WORDS_PER_MINUTE = 220


class EntityPages(RendererBase):
    """An entity's own page: its model, its linked text and its slices of the indexes."""

    def brief_page(self, brief_id: str) -> tuple[str, str]:
        entity = self.content.briefs[brief_id]
        brief: Brief = entity.model
        path = urls.page_path(Kind.BRIEF, brief_id)
        seed = self.content.seeds[brief.source.seed]

        def rich(loc: Loc) -> Markup:
            return self.rich(path, brief_id, loc)

        facet = facet_as(self.graph.facets, brief_id, BriefFacet)

        words = sum(len(r.plain(self.names).split())
                    for r in self.graph.rich[brief_id].values())
        meta = seed.meta
        source = {
            "title": (meta.title if meta and meta.title else brief.title),
            "outlet": brief.source.outlet or (meta.outlet if meta else None) or "",
            "url": brief.source.url or (meta.url if meta else None) or "",
            "published": date_view(brief.source.published or (meta.published if meta
                                                               else None)),
            "seed": seed.rel,
            "license": (meta.license if meta else None) or "",
        }
        view = {
            "id": brief_id,
            "title": brief.title,
            "dek": brief.dek,
            "date": date_view(brief.date),
            "updated": date_view(brief.updated),
            "reading_minutes": max(1, math.ceil(words / WORDS_PER_MINUTE)),
            "tags": [LinkView(urls.relative_url(path, urls.tag_path(t)), t, css="tag")
                     for t in brief.tags],
            "why_it_matters": rich(("why_it_matters",)),
            "key_points": [self.rich(path, brief_id, ("key_points", i), inline=True)
                           for i in range(len(brief.key_points))],
            "what_happened": rich(("what_happened",)),
            "context": rich(("context",)) if brief.context else None,
            "perspectives": [{"actor": self.link(path, p.actor),
                              "view": rich(("perspectives", i, "view"))}
                             for i, p in enumerate(brief.perspectives)],
            "quotes": [self.quote_view(path, q, rich(("quotes", i, "note")) if q.note else None)
                       for i, q in enumerate(brief.quotes)],
            "timeline": [self.event_view(path, i, brief_id) for i in range(len(brief.timeline))],
            "whats_next": rich(("whats_next",)) if brief.whats_next else None,
            "diagram": self.diagram(path, unique_edges(
                self.graph.edges_by_brief.get(brief_id, ())),
                "Relations between the actors of this brief"),
            "actors": [self.link(path, a) for a in self.graph.brief_actors[brief_id]],
            "terms": [self.link(path, t) for t in self.graph.brief_terms[brief_id]],
            "related": [self.card(path, b, tags=False) for b in self.graph.related[brief_id]],
            "updates": [{"date": date_view(u.date), "kind": u.kind,
                         "id": facet.correction_anchor(i) if u.kind == "correction" else "",
                         "note": rich(("updates", i, "note"))}
                        for i, u in sorted(enumerate(brief.updates),
                                           key=lambda iu: (-iu[1].date.toordinal(), iu[0]))],
            "story": self.story_position(path, brief.story, brief_id) if brief.story else None,
            "source": source,
        }
        return self.render("brief.md.j2", path, brief=view,
                           jsonld=structured.brief_jsonld(self.graph, self.config, brief_id))

    def story_position(self, path: str, story_id: str, brief_id: str) -> dict[str, object]:
        """Where a brief stands in its story: "development k of n", the story, the previous
        and next developments and, unless it is the newest, the newest one."""
        developments = self.graph.developments.get(story_id, ())
        k = developments.index(brief_id)
        newest = developments[-1]
        return {
            "link": self.link(path, story_id),
            "feed": urls.feed_path(urls.page_path(Kind.STORY, story_id)),
            "feed_href": self.href(path, urls.feed_path(urls.page_path(Kind.STORY, story_id))),
            "number": k + 1, "count": len(developments),
            "prev": self.link(path, developments[k - 1]) if k > 0 else None,
            "next": self.link(path, developments[k + 1]) if k + 1 < len(developments) else None,
            "newest": None if newest == brief_id else {
                "link": self.link(path, newest),
                "date": date_view(facet_as(self.graph.facets, newest, BriefFacet).date)},
        }

    def story_page(self, story_id: str) -> tuple[str, str]:
        """A story's own page: the story so far, the newest developments (older ones on
        numbered pages, story_developments_page), the latest events of their merged
        timeline, the actors and terms most involved, the questions and the watch list."""
        story: Story = self.content.stories[story_id].model
        path = urls.page_path(Kind.STORY, story_id)
        developments = self.graph.developments.get(story_id, ())
        facets = [facet_as(self.graph.facets, b, BriefFacet) for b in developments]
        newest = facets[-1].date if facets else None
        page = self.section_page(path, 1, range(len(developments) - 1, -1, -1),
                                 paging.STORY_DEVELOPMENTS)
        events = sorted(((e.date, b, i) for b, f in zip(developments, facets, strict=True)
                         for i, e in enumerate(f.events)))
        shown_events = events[max(0, len(events) - paging.STORY_EVENTS):]
        involved = Counter(i for f in facets for i in f.involved)
        ranked = sorted(involved, key=lambda i: (-involved[i], sort_text(self.names[i]), i))
        kinds = self.content.known_ids
        actors = [i for i in ranked if kinds.get(i) is Kind.ACTOR]
        terms = [i for i in ranked if kinds.get(i) is Kind.TERM]
        most = paging.STORY_ENTITIES
        view = {
            "id": story_id,
            "title": story.title,
            "status": story.status,
            "summary": self.rich(path, story_id, ("summary",)),
            "updated": date_view(story.updated),
            "newest": self.development_view(path, developments, len(developments) - 1)
            if developments else None,
            "count": len(developments),
            "developments": [self.development_view(path, developments, k) for k in page.items],
            "pager": page.pager,
            "timeline": [self.event_view(path, i, b) for _, b, i in shown_events],
            "earlier_events": len(events) - len(shown_events),
            "actors": [self.link(path, i) for i in actors[:most]],
            "more_actors": max(0, len(actors) - most),
            "terms": [self.link(path, i) for i in terms[:most]],
            "more_terms": max(0, len(terms) - most),
            "questions": [self.rich(path, story_id, ("questions", i), inline=True)
                          for i in range(len(story.questions))],
            "watch": [self.watch_view(path, story_id, i, item, newest)
                      for i, item in enumerate(story.watch)],
            "tags": [LinkView(urls.relative_url(path, urls.tag_path(t)), t, css="tag")
                     if t in self.graph.tags else LinkView("", t, css="tag")
                     for t in story.tags],
            "feed": self.href(path, urls.feed_path(path)),
        }
        return self.render("story.md.j2", path, story=view, feed=urls.feed_path(path),
                           description=self.tooltips[story_id],
                           jsonld=structured.story_jsonld(self.graph, self.config, story_id))

    def story_developments_page(self, story_id: str, number: int) -> tuple[str, str]:
        """Page `number` (from 2) of a story's developments, newest first."""
        first = urls.page_path(Kind.STORY, story_id)
        developments = self.graph.developments.get(story_id, ())
        page = self.section_page(first, number, range(len(developments) - 1, -1, -1),
                                 paging.STORY_DEVELOPMENTS)
        story = self.link(page.path, story_id)
        return self.render(
            "story_developments.md.j2", page.path, story=story, pager=page.pager,
            developments=[self.development_view(page.path, developments, k)
                          for k in page.items],
            title=f"{story.text}: developments (page {number} of {page.count})",
            description=f"Every development of {story.text}, newest first: page {number} "
                        f"of {page.count}.")

    def development_view(self, path: str, developments: Sequence[str], k: int
                         ) -> dict[str, object]:
        """Development `k` (from 0, oldest first) of a story."""
        brief_id = developments[k]
        brief = facet_as(self.graph.facets, brief_id, BriefFacet)
        return {"id": brief_id, "number": k + 1, "link": self.link(path, brief_id).bare,
                "dek": brief.tooltip, "date": date_view(brief.date)}

    def watch_view(self, path: str, story_id: str, index: int, item: WatchItem,
                   newest: dt.date | None) -> dict[str, object]:
        return {
            "item": item.item,
            "due": item.due.display if item.due else "",
            "due_iso": item.due.iso if item.due else "",
            "status": item.status,
            "label": WATCH_LABELS[item.status],
            "overdue": overdue(item, newest),
            "resolved_by": self.link(path, item.resolved_by)
            if item.resolved_by and item.resolved_by in self.names else None,
            "note": self.rich(path, story_id, ("watch", index, "note"), inline=True)
            if item.note else None,
        }

    def quote_view(self, path: str, quote: Quote, note: Markup | None) -> dict[str, object]:
        """A quote with its badge, which says what the check verified (link.py): the words
        are inside a quotation of the source, and the source names the speaker near them."""
        speaker = self.link(path, quote.speaker)
        named = (f"names the speaker near them (“{quote.attribution}”)" if quote.attribution
                 else f"names {speaker.text} near them")
        return {"text": quote.text, "speaker": speaker, "note": note,
                "verified": "Verified: quoted and attributed in the source",
                "verified_detail": "The source article has these words inside quotation "
                                   f"marks and {named}"}

    def newest_briefs(self, path: str, kind: Kind, entity_id: str, name: str
                      ) -> dict[str, object]:
        """The newest briefs an actor appears in or a term is used in (`name`), and
        (`<name>_all`) a link to all of them on pages of their own when there are more."""
        briefs = self.graph.appears_in.get(entity_id, ())
        shown = briefs[:paging.PROFILE_BRIEFS]
        every = None
        if len(briefs) > len(shown):
            every = {"href": self.href(path, urls.mentions_path(kind, entity_id)),
                     "count": len(briefs)}
        return {name: [self.card(path, b) for b in shown], f"{name}_all": every}

    def latest_events(self, path: str, actor_id: str) -> dict[str, object]:
        """An actor's latest events, oldest first (`events`), and (`events_all`) a link to
        all of them on pages of their own when there are more."""
        events = self.graph.events_by_actor.get(actor_id, ())
        shown = events[max(0, len(events) - paging.PROFILE_EVENTS):]
        every = None
        if len(events) > len(shown):
            every = {"href": self.href(path, urls.events_path(actor_id)), "count": len(events)}
        return {"events": [self.event_view(path, e.index, e.brief) for e in shown],
                "events_all": every}

    def actor_page(self, actor_id: str) -> tuple[str, str]:
        actor = self.content.actors[actor_id].model
        path = urls.page_path(Kind.ACTOR, actor_id)
        view = {
            "id": actor_id,
            "name": actor.name,
            "kind": actor.kind,
            "role": actor.role or "",
            "as_of": date_view(actor.as_of),
            "affiliation": self.link(path, actor.affiliation)
            if actor.affiliation and actor.affiliation in self.names else None,
            "members": [self.link(path, m) for m in actor.members if m in self.names],
            "member_of": [self.link(path, o) for o in self.graph.member_of.get(actor_id, ())],
            "affiliated": [self.link(path, o) for o in self.graph.affiliated.get(actor_id, ())],
            "aliases": [a for a in actor.aliases if a != actor.name],
            "summary": self.rich(path, actor_id, ("summary",)),
            "description": self.tooltips[actor_id],
            "profile": self.rich(path, actor_id, ("profile",)) if actor.profile else None,
            "links": [{"label": label, "url": url} for label, url in actor.links.items()],
            **self.newest_briefs(path, Kind.ACTOR, actor_id, "appears_in"),
            # its feed: the briefs it appears in (urls.feed_path), when there are any
            "feed": urls.feed_path(path) if self.graph.appears_in.get(actor_id) else None,
            "feed_href": self.href(path, urls.feed_path(path)),
            "terms": [self.link(path, t) for t in self.graph.used_by_terms.get(actor_id, ())],
            **self.latest_events(path, actor_id),
            "diagram": self.diagram(path, unique_edges(
                self.graph.edges_by_actor.get(actor_id, ())),
                f"Connections of {actor.name}"),
        }
        return self.render("actor.md.j2", path, actor=view, jsonld=structured.actor_jsonld(
            self.graph, self.config, actor_id, self.tooltips[actor_id]))

    def term_page(self, term_id: str) -> tuple[str, str]:
        term = self.content.terms[term_id].model
        path = urls.page_path(Kind.TERM, term_id)
        view = {
            "id": term_id,
            "term": term.term,
            "definition": term.definition,
            "aliases": [a for a in term.aliases if a != term.term],
            "explanation": self.rich(path, term_id, ("explanation",))
            if term.explanation else None,
            "used_by": [self.link(path, a) for a in term.used_by if a in self.names],
            "related": [self.link(path, r) for r in term.related if r in self.names],
            **self.newest_briefs(path, Kind.TERM, term_id, "used_in"),
        }
        return self.render("term.md.j2", path, term=view,
                           jsonld=structured.term_jsonld(self.graph, self.config, term_id))

"""The rules of stories, in one place: what a watch item's status says, when it is overdue,
and the warnings an editor gets about a story (content model: Story).

A story's developments are the briefs that name it, oldest first (graph.derive). Nothing
here reads the clock: "overdue" is measured against the story's newest development, so
the same content always builds the same site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .diagnostics import Diagnostic
from .graph import BriefFacet, Graph, facet_as
from .models import Story, WatchItem, WatchStatus

# How the story page names each status of a watch item.
WATCH_LABELS: dict[WatchStatus, str] = {
    "pending": "Pending",
    "happened": "Happened",
    "did-not-happen": "Did not happen",
    "dropped": "Dropped",
}


def overdue(item: WatchItem, newest: dt.date | None) -> bool:
    """A pending item whose due period ended before the story's newest development:
    "2026-05" is overdue once a development is dated 1 June 2026 or later."""
    return (item.status == "pending" and item.due is not None and newest is not None
            and item.due.last_day < newest)


def newest_development(graph: Graph, story_id: str) -> BriefFacet | None:
    developments = graph.developments.get(story_id, ())
    return facet_as(graph.facets, developments[-1], BriefFacet) if developments else None


def story_warnings(graph: Graph) -> Iterator[Diagnostic]:
    """Every warning about the stories of a checked graph (its content fully loaded):
    a summary older than the newest development, an overdue pending watch item."""
    for story_id, entity in sorted(graph.content.stories.items()):
        story: Story = entity.model
        newest = newest_development(graph, story_id)
        if newest is None:
            continue
        where = graph.content.briefs[graph.developments[story_id][-1]].rel
        if story.updated is not None and story.updated < newest.date:
            yield entity.doc.diagnostic(
                ("updated",), "story-summary-stale",
                f"the story so far was last revised on {story.updated}, before its newest "
                f"development ({where}, {newest.date}): bring the summary up to date, then "
                "set `updated`", severity="warning")
        for i, item in enumerate(story.watch):
            if overdue(item, newest.date):
                assert item.due is not None
                yield entity.doc.diagnostic(
                    ("watch", i, "due"), "watch-overdue",
                    f"'{item.item}' was due by {item.due.iso} and is still pending at the "
                    f"newest development ({newest.date}): set its status (happened, "
                    "did-not-happen or dropped) or a later `due`", severity="warning")

"""Machine readers: JSON-LD for every page and the Atom feeds (briefs, corrections)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from . import urls
from .graph import ActorFacet, BriefFacet, Graph, StoryFacet, facet_as
from .kinds import ACTOR_KINDS
from .urls import Kind, SiteConfig

MAX_FEED_ENTRIES = 50
MAX_PARTS = 50  # a story's newest developments named in its JSON-LD (`hasPart`)


def absolute(config: SiteConfig, path: str) -> str:
    return config.site_url + urls.page_url(path)


def entity_ref(graph: Graph, config: SiteConfig, entity_id: str) -> dict[str, Any]:
    kind = graph.kind_of(entity_id)
    if kind is Kind.ACTOR:
        schema_type = ACTOR_KINDS[facet_as(graph.facets, entity_id, ActorFacet).actor_kind
                                   ].schema_type
    elif kind is Kind.TERM:
        schema_type = "DefinedTerm"
    elif kind is Kind.STORY:
        schema_type = "CreativeWorkSeries"
    else:
        schema_type = "BackgroundNewsArticle"
    return {"@type": schema_type, "@id": absolute(config, urls.page_path(kind, entity_id)),
            "name": graph.name_of(entity_id)}


def brief_jsonld(graph: Graph, config: SiteConfig, brief_id: str) -> dict[str, Any]:
    brief = graph.content.briefs[brief_id].model
    seed = graph.content.seeds.get(brief.source.seed)
    meta = seed.meta if seed else None
    based_on: dict[str, Any] = {"@type": "NewsArticle",
                                "headline": meta.title if meta and meta.title else brief.title}
    url = brief.source.url or (meta.url if meta else None)
    if url:
        based_on["url"] = url
    published = brief.source.published or (meta.published if meta else None)
    if published:
        based_on["datePublished"] = published.isoformat()
    outlet = brief.source.outlet or (meta.outlet if meta else None)
    if outlet:
        based_on["publisher"] = {"@type": "Organization", "name": outlet}
    about = [a for a in dict.fromkeys([*brief.actors, *(p.actor for p in brief.perspectives)])
             if graph.is_actor(a)]
    # `mentions` names what the brief also links to, once: what `about` has is not repeated
    # (a brief's actors are nearly all mentioned too; listing them twice was ~1 KB a page).
    in_about = set(about)
    mentioned = [e for e in (*graph.brief_actors[brief_id], *graph.brief_terms[brief_id])
                 if e not in in_about]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BackgroundNewsArticle",
        "@id": absolute(config, urls.page_path(Kind.BRIEF, brief_id)),
        "url": absolute(config, urls.page_path(Kind.BRIEF, brief_id)),
        "headline": brief.title,
        "description": brief.dek,
        "datePublished": brief.date.isoformat(),
        "dateModified": (brief.updated or brief.date).isoformat(),
        "keywords": list(brief.tags),
        "about": [entity_ref(graph, config, a) for a in about],
        "mentions": [entity_ref(graph, config, e) for e in mentioned] or None,
        "isBasedOn": based_on,
        "isPartOf": entity_ref(graph, config, brief.story) if brief.story else None,
        "correction": [{"@type": "CorrectionComment", "text": note,
                        "datePublished": day.isoformat()}
                       for _, day, note in facet_as(graph.facets, brief_id,
                                                    BriefFacet).corrections()] or None,
        "publisher": {"@type": "Organization", "name": config.site_name,
                      "url": config.site_url or None},
    }
    return _drop_none(data)


def story_jsonld(graph: Graph, config: SiteConfig, story_id: str) -> dict[str, Any]:
    story = facet_as(graph.facets, story_id, StoryFacet)
    developments = graph.developments.get(story_id, ())
    newest = facet_as(graph.facets, developments[-1], BriefFacet) if developments else None
    return _drop_none({
        "@context": "https://schema.org",
        **entity_ref(graph, config, story_id),
        "url": absolute(config, urls.page_path(Kind.STORY, story_id)),
        "description": story.tooltip,
        "keywords": list(story.tags) or None,
        "dateModified": max((d.isoformat() for d in (
            story.updated, newest and _modified(newest)) if d), default=None),
        "hasPart": [entity_ref(graph, config, b)
                    for b in developments[::-1][:MAX_PARTS]] or None,
    })


def actor_jsonld(graph: Graph, config: SiteConfig, actor_id: str, description: str
                 ) -> dict[str, Any]:
    actor = graph.content.actors[actor_id].model
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        **entity_ref(graph, config, actor_id),
        "url": absolute(config, urls.page_path(Kind.ACTOR, actor_id)),
        "description": description,
        "alternateName": [a for a in actor.aliases if a != actor.name] or None,
        "sameAs": list(actor.links.values()) or None,
    }
    if actor.kind == "person":
        data["jobTitle"] = actor.role
        if actor.affiliation and graph.is_actor(actor.affiliation):
            data["affiliation"] = entity_ref(graph, config, actor.affiliation)
    elif actor.members:
        data["member"] = [entity_ref(graph, config, m) for m in actor.members
                          if graph.is_actor(m)]
    return _drop_none(data)


def term_jsonld(graph: Graph, config: SiteConfig, term_id: str) -> dict[str, Any]:
    term = graph.content.terms[term_id].model
    return _drop_none({
        "@context": "https://schema.org",
        **entity_ref(graph, config, term_id),
        "url": absolute(config, urls.page_path(Kind.TERM, term_id)),
        "description": term.definition,
        "alternateName": [a for a in term.aliases if a != term.term] or None,
        "inDefinedTermSet": {"@type": "DefinedTermSet", "name": f"{config.site_name} glossary",
                             "@id": absolute(config, urls.GLOSSARY_INDEX)},
    })


def page_jsonld(config: SiteConfig, path: str, name: str, description: str,
                schema_type: str = "WebPage") -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": schema_type, "name": name,
            "description": description, "url": absolute(config, path)}


def glossary_jsonld(graph: Graph, config: SiteConfig, term_ids: Iterable[str]
                    ) -> dict[str, Any]:
    """The glossary as a DefinedTermSet; a page of it names the terms it shows (the pages
    describe one set, by its @id, so a reader merges them)."""
    return {"@context": "https://schema.org", "@type": "DefinedTermSet",
            "@id": absolute(config, urls.GLOSSARY_INDEX),
            "name": f"{config.site_name} glossary",
            "hasDefinedTerm": [entity_ref(graph, config, t) for t in sorted(term_ids)]}


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != []}


# ---------------------------------------------------------------- Atom feed


def atom_feed_view(graph: Graph, config: SiteConfig, brief_ids: Iterable[str], *,
                   title: str, feed: str = urls.FEED, page: str = urls.HOME) -> dict[str, Any]:
    """An Atom feed (site_templates/pages/feed.xml.j2) of the newest of `brief_ids` (given
    newest first): the site's, or a story's, an actor's, a tag's (`feed` its path, `page`
    the page it follows). An entry's id is the brief's URL, which never changes; timestamps
    come from the content, never the clock."""
    entries = []
    for brief_id in list(brief_ids)[:MAX_FEED_ENTRIES]:
        brief = facet_as(graph.facets, brief_id, BriefFacet)
        url = absolute(config, urls.page_path(Kind.BRIEF, brief_id))
        entries.append({
            "title": brief.name, "id": url, "url": url, "summary": brief.tooltip,
            "published": _stamp(_modified(brief, published=True)),
            "updated": _stamp(_modified(brief)), "tags": brief.tags,
            "updates": [{"date": day.isoformat(), "note": note, "kind": kind}
                        for day, note, kind in sorted(brief.updates, key=lambda u: u[0],
                                                      reverse=True)],
        })
    return _feed(config, title, feed, page, entries)


def corrections_feed_view(graph: Graph, config: SiteConfig) -> dict[str, Any]:
    """The Atom feed of corrections, newest first: one entry per correction, its id the
    brief's URL with the correction's anchor (BriefFacet.correction_anchor)."""
    entries = []
    for brief_id, index in graph.corrections[:MAX_FEED_ENTRIES]:
        brief = facet_as(graph.facets, brief_id, BriefFacet)
        day, note, _ = brief.updates[index]
        url = absolute(config, urls.page_path(Kind.BRIEF, brief_id))
        entries.append({
            "title": f"Correction: {brief.name}",
            "id": f"{url}#{brief.correction_anchor(index)}",
            "url": url, "summary": note, "published": _stamp(day), "updated": _stamp(day),
            "tags": (), "updates": []})
    return _feed(config, f"{config.site_name}: corrections", urls.CORRECTIONS_FEED,
                 urls.CORRECTIONS, entries)


def _feed(config: SiteConfig, title: str, feed: str, page: str,
          entries: list[dict[str, Any]]) -> dict[str, Any]:
    home = absolute(config, page) or "./"
    return {"title": title, "id": home, "home": home, "self": config.site_url + feed,
            "author": config.site_name,
            "updated": max((e["updated"] for e in entries), default=_stamp(dt.date(1970, 1, 1))),
            "entries": entries}


def _modified(brief: BriefFacet, *, published: bool = False) -> dt.date:
    return brief.date if published else brief.updated or brief.date


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"

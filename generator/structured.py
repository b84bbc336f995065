"""Machine readers: JSON-LD for every page and the Atom feed of briefs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import urls
from .graph import ActorFacet, BriefFacet, Graph, facet_as
from .kinds import ACTOR_KINDS
from .urls import Kind, SiteConfig

MAX_FEED_ENTRIES = 50


def absolute(config: SiteConfig, path: str) -> str:
    return config.site_url + urls.page_url(path)


def entity_ref(graph: Graph, config: SiteConfig, entity_id: str) -> dict[str, Any]:
    kind = graph.kind_of(entity_id)
    if kind is Kind.ACTOR:
        schema_type = ACTOR_KINDS[facet_as(graph.facets, entity_id, ActorFacet).actor_kind
                                   ].schema_type
    elif kind is Kind.TERM:
        schema_type = "DefinedTerm"
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
    about = list(dict.fromkeys([*brief.actors, *(p.actor for p in brief.perspectives)]))
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
        "about": [entity_ref(graph, config, a) for a in about if graph.is_actor(a)],
        "mentions": [entity_ref(graph, config, e) for e in
                     (*graph.brief_actors[brief_id], *graph.brief_terms[brief_id])],
        "isBasedOn": based_on,
        "publisher": {"@type": "Organization", "name": config.site_name,
                      "url": config.site_url or None},
    }
    return _drop_none(data)


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


def glossary_jsonld(graph: Graph, config: SiteConfig) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "DefinedTermSet",
            "@id": absolute(config, urls.GLOSSARY_INDEX),
            "name": f"{config.site_name} glossary",
            "hasDefinedTerm": [entity_ref(graph, config, t) for t in sorted(
                i for i, facet in graph.facets.items() if facet.kind is Kind.TERM)]}


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != []}


# ---------------------------------------------------------------- Atom feed


def atom_feed_view(graph: Graph, config: SiteConfig) -> dict[str, Any]:
    """The newest briefs for the Atom feed (site_templates/pages/feed.xml.j2); timestamps
    come from the content, never the clock."""
    briefs = graph.facets
    ids = graph.briefs_by_date[:MAX_FEED_ENTRIES]
    home = config.site_url or "./"
    entries = []
    for brief_id in ids:
        brief = facet_as(briefs, brief_id, BriefFacet)
        url = absolute(config, urls.page_path(Kind.BRIEF, brief_id))
        entries.append({
            "title": brief.name, "id": url, "url": url, "summary": brief.tooltip,
            "published": _stamp(_modified(brief, published=True)),
            "updated": _stamp(_modified(brief)), "tags": brief.tags,
            "updates": [{"date": day.isoformat(), "note": note} for day, note in
                        sorted(brief.updates, key=lambda u: u[0], reverse=True)],
        })
    return {"title": config.site_name, "id": home, "home": home,
            "self": config.site_url + urls.FEED, "author": config.site_name,
            "updated": max((_stamp(_modified(facet_as(briefs, b, BriefFacet))) for b in ids),
                           default=_stamp(dt.date(1970, 1, 1))),
            "entries": entries}


def _modified(brief: BriefFacet, *, published: bool = False) -> dt.date:
    return brief.date if published else brief.updated or brief.date


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"

"""JSON-LD (schema.org) on every page: it parses, and types and links match the content.

These read the built HTML (no browser needed) but share the browser suite's build.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import BRIEF_ID, Site

pytestmark = pytest.mark.browser

ACTOR_TYPES = {"person": "Person", "country": "Country", "organization": "Organization",
               "group": "Organization", "place": "Place"}
BRIEF_TYPES = {"NewsArticle", "BackgroundNewsArticle"}
NO_JSONLD = {"404.html"}  # the error page describes nothing


def jsonld(site: Site, rel: str) -> list[dict[str, Any]]:
    """Every JSON-LD object on a page (top-level arrays and @graph flattened)."""
    out: list[dict[str, Any]] = []
    for script in site.soup(rel).select('script[type="application/ld+json"]'):
        data = json.loads(script.string or "")
        items = data if isinstance(data, list) else [data]
        for item in items:
            assert isinstance(item, dict), f"{rel}: JSON-LD item is not an object: {item!r}"
            out += item.get("@graph", [item])
    return out


def main_item(site: Site, rel: str, types: set[str]) -> dict[str, Any]:
    items = [i for i in jsonld(site, rel) if i.get("@type") in types]
    assert len(items) == 1, f"{rel}: expected one JSON-LD item of type {types}, got {items}"
    return items[0]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_every_page_has_parsing_jsonld(site: Site) -> None:
    problems = []
    for rel in site.pages:
        scripts = site.soup(rel).select('script[type="application/ld+json"]')
        if not scripts and rel not in NO_JSONLD:
            problems.append(f"{rel or 'home'}: no JSON-LD")
        for script in scripts:
            try:
                data = json.loads(script.string or "")
            except json.JSONDecodeError as exc:
                problems.append(f"{rel or 'home'}: JSON-LD does not parse: {exc}")
                continue
            for item in as_list(data):
                if item.get("@context") not in ("https://schema.org", "https://schema.org/"):
                    problems.append(f"{rel or 'home'}: @context is {item.get('@context')!r}")
                if item.get("url") and item["url"] != site.page_url(rel):
                    problems.append(f"{rel or 'home'}: url {item['url']} is not the page")
    assert not problems, "\n".join(problems)


def test_brief_jsonld(site: Site) -> None:
    rel = f"briefs/{BRIEF_ID}/"
    yaml = site.briefs[BRIEF_ID]
    item = main_item(site, rel, BRIEF_TYPES)
    assert item["headline"] == yaml["title"]
    assert item.get("description") == yaml["dek"]
    assert item.get("datePublished", "").startswith(yaml["date"])
    for key in ("about", "mentions"):
        refs = as_list(item.get(key, []))
        assert refs, f"brief JSON-LD has no {key}"
        for ref in refs:
            assert ref.get("@id") and site.file_for(ref["@id"]), f"{key}: {ref} is not a page"
            assert ref.get("name"), f"{key}: {ref} has no name"
    about = {ref["@id"] for ref in as_list(item["about"])}
    for actor_id in yaml.get("actors", []):
        assert site.page_url(f"actors/{actor_id}/") in about, f"about lacks {actor_id}"
    mentioned = {ref["@id"] for ref in as_list(item["mentions"])}
    for term_id in yaml.get("terms", []):
        assert site.page_url(f"glossary/{term_id}/") in mentioned, f"mentions lack {term_id}"
    based_on = item.get("isBasedOn")
    assert based_on, "brief JSON-LD has no isBasedOn (the source article)"
    for source in as_list(based_on):
        assert isinstance(source, dict | str)
        if isinstance(source, dict):
            assert source.get("headline") or source.get("url") or source.get("name"), source


def test_actor_jsonld(site: Site) -> None:
    problems = []
    for actor_id, yaml in site.actors.items():
        rel = f"actors/{actor_id}/"
        wanted = ACTOR_TYPES[yaml["kind"]]
        items = [i for i in jsonld(site, rel) if i.get("@id") == site.page_url(rel)]
        if len(items) != 1:
            problems.append(f"{actor_id}: {len(items)} JSON-LD items about the page")
            continue
        item = items[0]
        if item.get("@type") != wanted:
            problems.append(f"{actor_id} ({yaml['kind']}): @type {item.get('@type')}, "
                            f"expected {wanted}")
        if item.get("name") != yaml["name"]:
            problems.append(f"{actor_id}: name {item.get('name')!r}")
        wikipedia = yaml.get("links", {}).get("wikipedia")
        if wikipedia and wikipedia not in as_list(item.get("sameAs", [])):
            problems.append(f"{actor_id}: sameAs {item.get('sameAs')} lacks {wikipedia}")
    assert not problems, "\n".join(problems)


def test_term_jsonld(site: Site) -> None:
    problems = []
    glossary = site.page_url("glossary/")
    for term_id, yaml in site.terms.items():
        item = main_item(site, f"glossary/{term_id}/", {"DefinedTerm"})
        if item.get("name") != yaml["term"]:
            problems.append(f"{term_id}: name {item.get('name')!r}")
        if item.get("description") != yaml["definition"]:
            problems.append(f"{term_id}: description is not the definition")
        term_set = item.get("inDefinedTermSet")
        term_set_id = term_set.get("@id") or term_set.get("url") if isinstance(
            term_set, dict) else term_set
        if term_set_id != glossary:
            problems.append(f"{term_id}: inDefinedTermSet {term_set!r}, expected {glossary}")
    assert not problems, "\n".join(problems)

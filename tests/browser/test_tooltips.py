"""Glossary and actor links show their definition/summary as a tooltip on hover and on focus.

Material 9.8 (`content.tooltips`) takes each `[title]` element in the content, removes the
title while active and appends `<div class="md-tooltip2" role="tooltip" id="__tooltip2_N">`
to <body>, with class `md-tooltip2--active` and `aria-describedby` on the link. It reacts
to mouseenter and to focus (focusin/focusout), so keyboard users get the same tooltip.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import BRIEF_ID, Site

pytestmark = pytest.mark.browser

ARTICLE = ".md-content article"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def tooltip_for(page: Any, link: Any) -> Any:
    """The active tooltip that `link` points at via aria-describedby (waits for it)."""
    link.page.wait_for_function(
        "(el) => !!el.getAttribute('aria-describedby')", arg=link.element_handle())
    tooltip_id = link.get_attribute("aria-describedby")
    tooltip = page.locator(f'[id="{tooltip_id}"]')
    tooltip.wait_for(state="visible")
    page.wait_for_function(
        "(id) => document.getElementById(id).classList.contains('md-tooltip2--active')",
        arg=tooltip_id)
    return tooltip


def definition_of(site: Site, href: str) -> str:
    term_id = href.rstrip("/").rsplit("/", 1)[-1]
    return norm(site.terms[term_id]["definition"])


def test_reference_links_carry_titles(site: Site) -> None:
    """In the HTML: glossary and actor links have a title (what Material turns into the
    tooltip); a glossary link's title is the term's definition."""
    links = site.soup(f"briefs/{BRIEF_ID}/").select(
        f"{ARTICLE} a.ref-term, {ARTICLE} a.ref-actor")
    terms = [a for a in links if "ref-term" in a.get("class", [])]
    assert terms, "no glossary links (a.ref-term) on the brief page"
    assert len(links) > len(terms), "no actor links (a.ref-actor) on the brief page"
    untitled = [a.get("href") for a in links if not (a.get("title") or "").strip()]
    assert not untitled, f"reference links without a title (no tooltip): {untitled}"
    for a in terms:
        assert norm(a["title"]) == definition_of(site, a["href"]), a["href"]


def test_glossary_tooltip_on_hover(page: Any, site: Site) -> None:
    page.goto(site.page_url(f"briefs/{BRIEF_ID}/"))
    link = page.locator(f"{ARTICLE} a.ref-term").first
    href = link.get_attribute("href")
    expected = definition_of(site, href)
    assert not page.locator(".md-tooltip2--active").count()
    link.hover()
    tooltip = tooltip_for(page, link)
    assert tooltip.get_attribute("role") == "tooltip"
    assert norm(tooltip.inner_text()) == expected
    box = tooltip.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    # It goes away when the pointer leaves.
    page.mouse.move(0, 0)
    page.wait_for_function("() => !document.querySelector('.md-tooltip2--active')")


def test_glossary_tooltip_on_keyboard_focus(page: Any, site: Site) -> None:
    """Tab through the page until a glossary link has focus: its tooltip must show."""
    page.goto(site.page_url(f"briefs/{BRIEF_ID}/"))
    page.mouse.move(0, 0)
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.matches('a.ref-term') && "
            "!!document.activeElement.closest('.md-content')")
        if focused:
            break
    else:
        pytest.fail("no glossary link (a.ref-term) in the content is reachable with Tab")
    link = page.locator(":focus")
    expected = definition_of(site, link.get_attribute("href"))
    tooltip = tooltip_for(page, link)
    assert norm(tooltip.inner_text()) == expected
    # Moving focus on hides it again.
    page.keyboard.press("Tab")
    page.wait_for_function(
        "(id) => { const t = document.getElementById(id);"
        " return !t || !t.classList.contains('md-tooltip2--active'); }",
        arg=tooltip.get_attribute("id"))


def test_actor_tooltip_on_focus(page: Any, site: Site) -> None:
    page.goto(site.page_url(f"briefs/{BRIEF_ID}/"))
    page.mouse.move(0, 0)
    link = page.locator(f"{ARTICLE} a.ref-actor").first
    actor_id = link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
    title = norm(link.get_attribute("title") or "")
    assert title, f"actor link to {actor_id} has no title"
    link.focus()
    tooltip = tooltip_for(page, link)
    assert norm(tooltip.inner_text()) == title

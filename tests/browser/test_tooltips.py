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
    """In the HTML: the first glossary or actor link to each target has a title (what
    Material turns into the tooltip; a glossary link's title is the term's definition);
    later links to the same target say `data-tip` instead of repeating it."""
    links = site.soup(f"briefs/{BRIEF_ID}/").select(
        f"{ARTICLE} a.ref-term, {ARTICLE} a.ref-actor")
    terms = [a for a in links if "ref-term" in a.get("class", [])]
    assert terms, "no glossary links (a.ref-term) on the brief page"
    assert len(links) > len(terms), "no actor links (a.ref-actor) on the brief page"
    seen: set[str] = set()
    for a in links:
        if a["href"] in seen:
            assert a.has_attr("data-tip") and not a.has_attr("title"), a
            continue
        seen.add(a["href"])
        assert (a.get("title") or "").strip(), f"first link to {a['href']} has no title"
        if "ref-term" in a["class"]:
            assert norm(a["title"]) == definition_of(site, a["href"]), a["href"]
    assert len(seen) < len(links), "no target linked twice: nothing to check"


def test_every_reference_link_has_its_title_in_the_browser(page: Any, site: Site) -> None:
    """assets/tooltips.js gives repeated links their target's title before Material reads
    titles: every actor and glossary link has the same title as the first link to it."""
    page.goto(site.page_url(f"briefs/{BRIEF_ID}/"))
    page.mouse.move(0, 0)
    rows = page.evaluate(
        "(sel) => Array.from(document.querySelectorAll(sel), a => [a.getAttribute('href'),"
        " a.getAttribute('title') || a.getAttribute('data-md-tooltip') || ''])",
        f"{ARTICLE} a.ref-term, {ARTICLE} a.ref-actor")
    first: dict[str, str] = {}
    for href, title in rows:
        first.setdefault(href, title)
        assert title and title == first[href], (href, title)
    assert len(first) < len(rows)


def test_repeated_link_tooltip_on_hover(page: Any, site: Site) -> None:
    """A later link to an actor shows the same tooltip as the first."""
    page.goto(site.page_url(f"briefs/{BRIEF_ID}/"))
    page.mouse.move(0, 0)
    link = page.locator(f"{ARTICLE} a.ref-actor[data-tip]").nth(3)
    href = link.get_attribute("href")
    expected = norm(page.locator(f'{ARTICLE} a.ref-actor[href="{href}"]').first
                    .get_attribute("title") or "")
    assert expected
    link.scroll_into_view_if_needed()
    link.hover()
    tooltip = tooltip_for(page, link)
    assert norm(tooltip.inner_text()) == expected


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

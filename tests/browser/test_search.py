"""The search dialog (Pagefind) in the browser: found by keyboard, results with kind, title
and dek, filters, announced, and nothing loaded from another host."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import BRIEF_ID, Site, built_and_served, is_local

pytestmark = pytest.mark.browser

DIALOG = "#briefs-search"
INPUT = "#briefs-search-query"
RESULT = ".briefs-search__result"
READ_RESULTS = """() => Array.from(document.querySelectorAll('.briefs-search__result')).map(a => ({
  href: a.href,
  kind: a.querySelector('.briefs-search__kind').textContent,
  title: a.querySelector('.briefs-search__title').textContent,
  dek: a.querySelector('.briefs-search__dek').textContent,
}))"""


def open_search(page: Any, url: str, key: str = "/") -> None:
    """Open `url` and the search dialog with the keyboard only."""
    page.goto(url)
    page.locator("[data-briefs-search-open]").wait_for(state="visible")  # the script ran
    page.locator("body").focus()
    page.keyboard.press(key)
    page.locator(DIALOG).wait_for(state="visible")
    assert page.evaluate("() => document.activeElement.id") == "briefs-search-query"


def results_for(page: Any, query: str, wanted: list[str]) -> list[dict[str, str]]:
    """Type `query` into the open dialog; the results once every wanted URL is listed
    (or whatever is listed when waiting gives up: the caller's assertion says what)."""
    page.keyboard.type(query, delay=20)
    page.locator(RESULT).first.wait_for(state="visible")
    with contextlib.suppress(Exception):  # the caller's assertion reports what is missing
        page.wait_for_function(
            """(wanted) => {
                 const found = new Set(Array.from(document.querySelectorAll(
                   '.briefs-search__result')).map(a => a.href));
                 return wanted.every(w => found.has(w));
               }""", arg=wanted, timeout=5_000)
    # The first results are shown as they arrive; the count is announced once all are in.
    page.wait_for_function("(q) => document.querySelector('.briefs-search__status')"
                           ".textContent.includes(`for “${q}”`)", arg=query)
    results: list[dict[str, str]] = page.evaluate(READ_RESULTS)
    return results


def test_search_lists_the_actor_and_the_brief(page: Any, site: Site) -> None:
    wanted = [site.page_url("actors/sergei-lavrov/"), site.page_url(f"briefs/{BRIEF_ID}/")]
    open_search(page, site.url)
    results = results_for(page, "Lavrov", wanted)
    by_url = {r["href"]: r for r in results}
    for url in wanted:
        assert url in by_url, f"{url} not among {sorted(by_url)}"
    actor, brief = by_url[wanted[0]], by_url[wanted[1]]
    assert actor["kind"] == "Actor" and actor["title"] == "Sergei V. Lavrov"
    assert actor["dek"].startswith("Russia's Foreign Minister")  # the actor's summary
    assert brief["kind"] == "Brief"
    assert brief["title"] == site.briefs[BRIEF_ID]["title"]
    assert brief["dek"] == " ".join(site.briefs[BRIEF_ID]["dek"].split())
    # The count is announced to screen readers (a polite live region)
    status = page.locator(".briefs-search__status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.get_attribute("role") == "status"
    assert f"{len(results)} results for “Lavrov”" in status.inner_text()


def test_keyboard_only_open_type_choose_and_go(page: Any, site: Site) -> None:
    open_search(page, site.page_url("glossary/"), key="s")
    results_for(page, "Lavrov", [site.page_url("actors/sergei-lavrov/")])
    page.keyboard.press("ArrowDown")
    first = page.evaluate("() => document.activeElement.href")
    assert first == page.evaluate(
        "() => document.querySelector('.briefs-search__result').href")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("() => document.activeElement.href")
    assert second != first
    page.keyboard.press("ArrowUp")
    assert page.evaluate("() => document.activeElement.href") == first
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == first


def test_tab_reaches_the_results_and_escape_closes(page: Any, site: Site) -> None:
    open_search(page, site.url)
    results_for(page, "Lavrov", [site.page_url("actors/sergei-lavrov/")])
    for _ in range(10):  # the close button, the three filters, then the first result
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains("
                         "'briefs-search__result')"):
            break
    else:
        pytest.fail("Tab never reached a result")
    page.keyboard.press("Escape")
    page.locator(DIALOG).wait_for(state="hidden")
    # Focus goes back to where the reader was; `/` opens the dialog again
    page.keyboard.press("/")
    page.locator(DIALOG).wait_for(state="visible")


def test_filters_narrow_the_results(page: Any, site: Site) -> None:
    open_search(page, site.url)
    everything = results_for(page, "Lavrov", [site.page_url("actors/sergei-lavrov/")])
    assert {r["kind"] for r in everything} >= {"Actor", "Brief"}
    page.keyboard.press("Tab")  # from the query, past the close button, to the first filter
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.filter") == "kind"
    page.locator("select[data-filter=kind] option").nth(1).wait_for(state="attached")
    kinds = page.locator("select[data-filter=kind] option").all_inner_texts()
    assert {"Brief", "Actor", "Term", "Page"} <= set(kinds), kinds
    page.locator("select[data-filter=kind]").select_option("Actor")
    page.wait_for_function(
        """() => { const kinds = Array.from(document.querySelectorAll('.briefs-search__kind'))
                     .map(k => k.textContent);
                   return kinds.length > 0 && kinds.every(k => k === 'Actor'); }""")
    actors = page.evaluate(READ_RESULTS)
    assert 0 < len(actors) < len(everything)
    # Tag and year come from the briefs
    page.locator("select[data-filter=kind]").select_option("")
    tags = page.locator("select[data-filter=tag] option").all_inner_texts()
    assert set(site.briefs[BRIEF_ID]["tags"]) <= set(tags), tags
    years = page.locator("select[data-filter=year] option").all_inner_texts()
    assert site.briefs[BRIEF_ID]["date"][:4] in years
    page.locator("select[data-filter=year]").select_option(site.briefs[BRIEF_ID]["date"][:4])
    page.wait_for_function(
        """() => { const kinds = Array.from(document.querySelectorAll('.briefs-search__kind'))
                     .map(k => k.textContent);
                   return kinds.length > 0 && kinds.every(k => k === 'Brief'); }""")


def test_a_query_loads_no_filter_until_the_filters_are_reached(page: Any, site: Site) -> None:
    """The filters' values (every page's kind, tags and year; 229 kB at 20,000 briefs) are
    not part of a first query: they load when the pointer or the focus reaches them."""
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url))
    open_search(page, site.url)
    results_for(page, "Lavrov", [site.page_url("actors/sergei-lavrov/")])
    page.wait_for_load_state("networkidle")
    assert page.locator("#briefs-search[data-ready]").count() == 1
    assert any("/pagefind/index/" in url for url in fetched), "the query loaded the index"
    assert not any("/pagefind/filter/" in url for url in fetched)
    assert page.locator("select[data-filter=kind] option").count() == 1  # "All kinds" only
    page.locator("select[data-filter=tag]").hover()
    page.locator("select[data-filter=kind] option").nth(1).wait_for(state="attached")
    assert any("/pagefind/filter/" in url for url in fetched)
    tags = page.locator("select[data-filter=tag] option").all_inner_texts()
    assert set(site.briefs[BRIEF_ID]["tags"]) <= set(tags), tags


def test_no_script_errors_and_nothing_from_another_host(site: Site,
                                                        contexts: Callable[[str], Any]) -> None:
    context = contexts("dark")
    page = context.new_page()
    page.bring_to_front()
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda request: requests.append(request.url))
    try:
        open_search(page, site.page_url(f"briefs/{BRIEF_ID}/"))
        results_for(page, "Lavrov", [site.page_url("actors/sergei-lavrov/")])
        page.keyboard.press("Escape")
        page.keyboard.press("s")
        page.locator(DIALOG).wait_for(state="visible")
        page.keyboard.type(" sanctions")
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    assert errors == []
    assert [url for url in requests if not is_local(url)] == []
    assert any("/pagefind/" in url for url in requests)  # the index came from the site


# ---------------------------------------------------------------- at scale


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """A generated corpus of 300 briefs, built and served on 127.0.0.1."""
    from tests.corpus import build_corpus

    root = tmp_path_factory.mktemp("search-corpus") / "project"
    corpus = build_corpus(root, 300, 80, 60)
    with built_and_served(root) as url:
        yield url, corpus


@pytest.mark.slow
def test_search_on_a_generated_corpus(page: Any, corpus_site: tuple[str, Any]) -> None:
    url, corpus = corpus_site
    root: Path = corpus.root
    actor = corpus.actors[0]  # the most mentioned actor
    name = next(line.split(":", 1)[1].strip().strip('"') for line in
                (root / "briefs" / "actors" / f"{actor}.yaml").read_text("utf-8").splitlines()
                if line.startswith("name:"))
    open_search(page, url)
    results = results_for(page, name, [f"{url}actors/{actor}/"])
    assert f"{url}actors/{actor}/" in {r["href"] for r in results}
    assert {r["kind"] for r in results} >= {"Actor", "Brief"}
    status = page.locator(".briefs-search__status").inner_text()
    assert "results for" in status
    page.locator("select[data-filter=kind]").focus()  # the filters' values load when reached
    page.locator("select[data-filter=kind]").select_option("Brief")
    page.wait_for_function(
        """() => { const kinds = Array.from(document.querySelectorAll('.briefs-search__kind'))
                     .map(k => k.textContent);
                   return kinds.length > 0 && kinds.every(k => k === 'Brief'); }""")
    assert all(r["dek"] for r in page.evaluate(READ_RESULTS))

"""Stories in the browser: "new since your last visit" end to end, story navigation on a
brief, the Follow feeds, axe on the story pages, and screenshots.

This module builds a project of its own: the included content plus two more developments
of the included story (copies of its brief with new ids and later dates). The "new since"
test adds a fourth development and rebuilds into the same folder behind the same server
(localStorage belongs to the origin, so the port must not change). The other tests read
the story's developments from `StorySite.developments`, which follows that rebuild, so
they hold before and after it, in whatever order pytest-randomly runs them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from tests.conftest import copy_project

from .conftest import (
    BRIEF_ID,
    OPEN_SHADOW_ROOTS,
    built_and_served,
    is_local,
    read_yaml,
    wait_for_diagrams,
)
from .test_a11y import BLOCKING, RUN_AXE, SCHEMES, describe
from .test_layout import OVERFLOWING, VIEWPORTS

pytestmark = pytest.mark.browser

STORY_ID = "china-russia-ties"
STORY_PAGE = f"stories/{STORY_ID}/"
SEEN_KEY = f"briefs:seen:{STORY_ID}"  # what stories.js remembers, per story
ATOM = "application/atom+xml"
# Developments added to the included one (oldest first), and the one the rebuild adds.
ADDED = (("china-russia-second-talks", "2024-04-20"), ("china-russia-third-talks", "2024-05-01"))
FOURTH = ("china-russia-fourth-talks", "2024-05-15")
# Pages with a feed of their own, besides the site's (the story page is checked too).
FEED_PAGES = {"story": STORY_PAGE, "actor": "actors/sergei-lavrov/", "tag": "tags/diplomacy/"}
# Each item of the developments list: its brief id and whether it carries the "New" badge.
READ_DEVELOPMENTS = """() => Array.from(
  document.querySelectorAll('ol.story-developments[data-story] > li.story-development'))
  .map(li => ({id: li.dataset.development, badged: !!li.querySelector('.badge--new')}))"""


def brief_path(brief_id: str) -> str:
    return f"briefs/{brief_id}/"


def write_development(root: Path, brief_id: str, day: str) -> None:
    """A copy of the included brief as a new development of the story, dated `day`."""
    text = (root / "briefs" / f"{BRIEF_ID}.yaml").read_text(encoding="utf-8")
    number = len(list((root / "briefs").glob("*.yaml"))) + 1
    replacements = {
        r"^title: .*$": f"title: Xi and Lavrov, China and Russia talks, development {number}",
        r"^date: .*$": f"date: {day}",
        r"^updated: .*\n": "",  # an `updated` before the new date would be an error
        r"^story: .*\n": "",
    }
    for pattern, new in replacements.items():
        text, count = re.subn(pattern, new, text, count=1, flags=re.MULTILINE)
        assert count or pattern.startswith(("^updated", "^story")), f"no {pattern} in the brief"
    text = text.replace(f"date: {day}", f"date: {day}\nstory: {STORY_ID}", 1)
    (root / "briefs" / f"{brief_id}.yaml").write_text(text, encoding="utf-8")


@dataclass
class StorySite:
    """The project with the three-development story, as built and served now."""

    root: Path
    url: str
    developments: list[str]  # brief ids, oldest first, as the site shows them now

    def page_url(self, rel: str) -> str:
        return urljoin(self.url, rel)

    @property
    def title(self) -> str:
        return str(read_yaml(self.root / "briefs" / "stories" / f"{STORY_ID}.yaml")["title"])

    def brief_title(self, brief_id: str) -> str:
        return str(read_yaml(self.root / "briefs" / f"{brief_id}.yaml")["title"])

    def add_development(self, brief_id: str, day: str) -> None:
        """Write one more (newest) development and rebuild into the same site folder."""
        from generator import pipeline
        from generator import site as site_module

        write_development(self.root, brief_id, day)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SITE_URL", self.url)
            pipeline.generate(self.root, site_module.site_config(self.root))
            site_module.build_site(self.root)
        self.developments.append(brief_id)


@pytest.fixture(scope="module")
def story_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorySite]:
    root = copy_project(tmp_path_factory.mktemp("stories") / "project")
    members = [p.stem for p in sorted((root / "briefs").glob("*.yaml"))
               if read_yaml(p).get("story") == STORY_ID]
    assert members == [BRIEF_ID], f"the included story's developments changed: {members}"
    for brief_id, day in ADDED:
        write_development(root, brief_id, day)
    with built_and_served(root) as url:
        yield StorySite(root, url, [BRIEF_ID, *(brief_id for brief_id, _ in ADDED)])


@pytest.fixture
def new_context(browser: Any, story_site: StorySite) -> Iterator[Callable[..., Any]]:
    """`new_context(**options)`: a fresh browser context (own storage and cache) on the
    story site, 1280x900 unless told otherwise; all of them closed after the test."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=story_site.url, **options)
        context.add_init_script(OPEN_SHADOW_ROOTS)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def open_page(context: Any, url: str) -> Any:
    """A new tab (a visit) on `url`, loaded, in front (background tabs render slowly)."""
    page = context.new_page()
    page.bring_to_front()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response}"
    return page


def visit_story(context: Any, site: StorySite) -> tuple[Any, list[dict[str, Any]]]:
    """One visit to the story page in a new tab: the tab and the developments it lists,
    newest first, each with whether it carries a New badge."""
    page = open_page(context, site.page_url(STORY_PAGE))
    shown: list[dict[str, Any]] = page.evaluate(READ_DEVELOPMENTS)
    badges = page.locator(".badge--new").count()
    assert badges == sum(d["badged"] for d in shown), "a New badge outside the list"
    return page, shown


def ids(shown: list[dict[str, Any]], *, badged: bool = False) -> list[str]:
    """The development ids listed (or only those with a badge), in page order."""
    return [d["id"] for d in shown if d["badged"] or not badged]


def show_newest_as_new(page: Any, site: StorySite) -> None:
    """Open the story page as a reader who has seen every development but the newest (the
    memory is written, then the page reloaded), so the newest carries the "New" badge."""
    page.goto(site.page_url(STORY_PAGE))
    page.evaluate("([key, ids]) => localStorage.setItem(key, JSON.stringify(ids))",
                  [SEEN_KEY, site.developments[:-1]])
    page.reload()
    badged = page.locator(f'li[data-development="{site.developments[-1]}"] .badge--new')
    badged.wait_for(state="visible")


# ---- 1. "New since your last visit", end to end


def test_new_since_last_visit(story_site: StorySite, new_context: Callable[..., Any]) -> None:
    reader = new_context()
    no_script = new_context(java_script_enabled=False)
    foreign: list[str] = []
    for context in (reader, no_script):
        context.on("request", lambda r: None if is_local(r.url) else foreign.append(r.url))
    before = list(story_site.developments)
    newest_first = list(reversed(before))

    page, first = visit_story(reader, story_site)
    stored = page.evaluate("key => localStorage.getItem(key)", SEEN_KEY)
    page.close()
    assert ids(first) == newest_first, "developments not newest first"
    assert not ids(first, badged=True), "the first visit marked developments"
    assert stored is not None, f"nothing remembered under {SEEN_KEY}"
    assert sorted(json.loads(stored)) == sorted(before)
    page, shown = visit_story(no_script, story_site)
    page.close()
    assert ids(shown) == newest_first and not ids(shown, badged=True)

    new_id, day = FOURTH
    story_site.add_development(new_id, day)
    for context in (reader, no_script):  # the reader comes back later: nothing cached
        probe = context.new_page()
        context.new_cdp_session(probe).send("Network.clearBrowserCache")
        probe.close()

    page, second = visit_story(reader, story_site)
    assert ids(second) == [new_id, *newest_first], "the rebuilt story page is not served"
    assert ids(second, badged=True) == [new_id]
    badge = page.locator(f'li[data-development="{new_id}"] .story-development__title '
                         ".badge--new")
    assert badge.is_visible(), "the New badge is not visible"
    assert badge.evaluate("b => b.firstChild.textContent") == "New"
    assert " ".join(badge.text_content().split()) == "New since your last visit"
    box = badge.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 5, box
    colours = badge.evaluate(
        "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
    assert colours[0] != colours[1], f"badge text and background alike: {colours}"
    page.close()

    page, third = visit_story(reader, story_site)
    page.close()
    assert ids(third) == [new_id, *newest_first]
    assert not ids(third, badged=True), "the third visit marked developments"

    page, later = visit_story(no_script, story_site)
    page.close()
    assert ids(later) == [new_id, *newest_first]
    assert not ids(later, badged=True), "marked without JavaScript"

    assert not foreign, f"requests to other hosts: {foreign}"
    assert reader.cookies() == [] and no_script.cookies() == [], "a cookie was set"


# ---- 2. Story navigation on a brief


def nav_position(page: Any) -> str:
    return " ".join(page.locator("nav.story-nav .story-nav__position").inner_text().split())


def test_story_navigation_on_a_middle_brief(story_site: StorySite,
                                           new_context: Callable[..., Any]) -> None:
    order = list(story_site.developments)
    count = len(order)
    assert count >= 3
    middle, newest = order[1], order[-1]
    page = open_page(new_context(), story_site.page_url(brief_path(middle)))

    assert nav_position(page) == (f"Development 2 of {count} in the story {story_site.title}"
                                  " · Follow this story")
    story_link = page.locator("nav.story-nav .story-nav__position a.ref-story")
    assert story_link.evaluate("a => a.href") == story_site.page_url(STORY_PAGE)
    follow = page.locator("nav.story-nav a.follow")
    assert follow.evaluate("a => a.href") == story_site.page_url("feeds/story-china-russia-ties.xml")
    alternate = page.locator('head link[rel="alternate"][href$="feeds/story-china-russia-ties.xml"]')
    assert alternate.get_attribute("title") == f"Story: {story_site.title}"
    notice = page.locator('div.story-developed[role="note"]')
    assert notice.count() == 1 and notice.is_visible()
    latest = notice.locator("a")
    assert latest.count() == 1
    assert latest.evaluate("a => a.href") == story_site.page_url(brief_path(newest))
    assert latest.inner_text() == story_site.brief_title(newest)

    for step, target, number in (("prev", order[0], 1), ("next", order[2], 3)):
        page.goto(story_site.page_url(brief_path(middle)))
        link = page.locator(f"nav.story-nav .story-nav__{step} a")
        assert link.count() == 1, f"no {step} link"
        link.click()
        page.wait_for_url(story_site.page_url(brief_path(target)))
        assert page.locator("h1").first.inner_text() == story_site.brief_title(target)
        assert nav_position(page).startswith(f"Development {number} of {count} "), step

    page.goto(story_site.page_url(brief_path(newest)))
    assert nav_position(page).startswith(f"Development {count} of {count} ")
    assert page.locator("div.story-developed").count() == 0, "notice on the newest brief"
    assert page.locator("nav.story-nav .story-nav__next").count() == 0
    page.close()


# ---- 3. Feeds


@pytest.mark.parametrize("name", list(FEED_PAGES))
def test_feed_advertised_and_followable(story_site: StorySite, new_context: Callable[..., Any],
                                        name: str) -> None:
    import feedparser

    rel = FEED_PAGES[name]
    page = open_page(new_context(), story_site.page_url(rel))
    advertised = page.eval_on_selector_all(
        f'head link[rel~="alternate"][type="{ATOM}"]', "links => links.map(l => l.href)")
    own = [href for href in advertised if href != story_site.page_url("feed.xml")]
    assert len(own) == 1, f"{rel}: Atom links in <head>: {advertised}"
    follow = page.locator("a.follow")
    assert follow.count() == 1, f"{rel}: {follow.count()} Follow links"
    assert follow.is_visible()
    assert follow.inner_text().startswith("Follow")
    assert follow.evaluate("a => a.href") == own[0]

    response = page.request.get(own[0])
    assert response.status == 200, f"{own[0]}: {response.status}"
    feed = feedparser.parse(response.body())
    page.close()
    assert not feed.bozo, f"{own[0]} is not well-formed: {feed.get('bozo_exception')}"
    assert feed.version == "atom10", feed.version
    links = [entry.link for entry in feed.entries]
    briefs = {p.stem: read_yaml(p) for p in sorted((story_site.root / "briefs").glob("*.yaml"))}
    if name == "story":
        expected = [brief_path(b) for b in reversed(story_site.developments)]
        assert links == [story_site.page_url(p) for p in expected], "not newest first"
    else:
        key = rel.split("/")[1]
        field = "actors" if name == "actor" else "tags"
        wanted = {story_site.page_url(brief_path(b)) for b, data in briefs.items()
                  if key in data.get(field, [])}
        assert len(wanted) >= 3
        assert set(links) == wanted


# ---- 4. axe


AXE_PAGES = {"story": STORY_PAGE, "stories": "stories/", "corrections": "corrections/",
             "middle-brief": None}  # None: the second development, whatever the site holds


@pytest.fixture(scope="module")
def axe_report(artifacts: Path) -> Iterator[dict[str, dict[str, Any]]]:
    report: dict[str, dict[str, Any]] = {}
    yield report
    (artifacts / "axe-stories.json").write_text(
        json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name", list(AXE_PAGES))
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_no_serious_axe_violations(*, story_site: StorySite, axe_js: Path,
                                   new_context: Callable[..., Any],
                                   axe_report: dict[str, dict[str, Any]], name: str,
                                   scheme: str) -> None:
    rel = AXE_PAGES[name] or brief_path(story_site.developments[1])
    page = open_page(new_context(color_scheme=scheme), story_site.page_url(rel))
    if name == "story":  # with a New badge shown, so its colours are checked too
        show_newest_as_new(page, story_site)
    wait_for_diagrams(page)
    shown = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    assert shown == SCHEMES[scheme], f"prefers-color-scheme {scheme} gave scheme {shown}"
    page.add_script_tag(path=str(axe_js))
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    page.close()
    axe_report.setdefault(name, {})[scheme] = {"url": rel, "violations": violations}
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name} page ({scheme}):\n{describe(blocking)}"


# ---- 5. Screenshots (for people to look at, not compared) and no sideways scrolling


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", ["story", "middle-brief"])
def test_screenshot_and_no_horizontal_scroll(story_site: StorySite, artifacts: Path,
                                             new_context: Callable[..., Any], name: str,
                                             viewport: str) -> None:
    width, height = VIEWPORTS[viewport]
    rel = STORY_PAGE if name == "story" else brief_path(story_site.developments[1])
    page = open_page(new_context(viewport={"width": width, "height": height}),
                     story_site.page_url(rel))
    if name == "story":
        show_newest_as_new(page, story_site)
    wait_for_diagrams(page)
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    # Animations finished: Material fades its tabs in, one after another, on load.
    page.screenshot(path=str(folder / f"stories-{name}-{viewport}-{width}.png"), full_page=True,
                    animations="disabled")
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    overflowing = page.evaluate(OVERFLOWING) if scroll_width > inner_width else []
    page.close()
    assert scroll_width <= inner_width, (
        f"{name} scrolls sideways at {width} px (scrollWidth {scroll_width}); overflowing: "
        + ", ".join(overflowing))


# ---- 6. nothing fails to load


@pytest.mark.parametrize("rel", [STORY_PAGE, "actors/sergei-lavrov/", "tags/diplomacy/",
                                 "corrections/", "stories/"])
def test_pages_with_a_feed_load_without_errors(story_site: StorySite,
                                               new_context: Callable[..., Any],
                                               rel: str) -> None:
    """Material probes `sitemap.xml` beside every <link rel="alternate"> of a page (for
    alternate languages): beside a page's own feed that must not be a 404 on each visit."""
    page = new_context().new_page()
    failed: list[str] = []
    errors: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(story_site.page_url(rel), wait_until="networkidle")
    page.close()
    assert failed == [] and errors == [], (failed, errors)

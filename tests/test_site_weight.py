"""What keeps the published site's bytes down (#12 item 3), each trim guarded so that it can
fail: measured on the included content's generated Markdown (fast) and on its built site
(slow). tools/site_families.py measures a whole built site by page family."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator import cli
from generator.pipeline import generate_files
from tests.conftest import copy_project
from tests.test_golden import CONFIG


def _front(page: str, key: str) -> str:
    found = re.search(rf"^{key}: (.*)$", page, re.MULTILINE)
    assert found is not None, key
    return found[1]


def test_brief_jsonld_names_each_entity_once(project: Path) -> None:
    """`mentions` leaves out what `about` already names: the same node twice cost ~1 KB a
    brief page. Everything the brief links to is still named, in one or the other."""
    files = generate_files(project, CONFIG).files
    briefs = {p: d.decode() for p, d in files.items()
              if re.fullmatch(r"briefs/[^/]+/index\.md", p)}
    assert briefs
    for path, page in briefs.items():
        data = json.loads(json.loads(_front(page, "jsonld")))
        about = [ref["@id"] for ref in data["about"]]
        mentions = [ref["@id"] for ref in data.get("mentions", [])]
        assert about, path
        assert not set(about) & set(mentions), path
        assert len(set(about)) == len(about) and len(set(mentions)) == len(mentions), path
        linked = set(re.findall(r'href="(?:\.\./)+((?:actors|glossary)/[a-z0-9-]+)/"', page))
        named = {re.sub(r"^.*?/((?:actors|glossary)/[a-z0-9-]+)/$", r"\1", i)
                 for i in about + mentions}
        assert linked and linked <= named, path


# ---------------------------------------------------------------- the built site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("weight") / "project")
    assert cli.main(["--root", str(root), "build", "--quiet"]) == 0
    return root / "site"


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.rglob("*.html"))}


@pytest.mark.slow
def test_theme_icons_are_css_not_inline_svg(site: Path) -> None:
    """The logo (twice), menu, palette toggles, search and back-to-top icons are drawn by
    assets/briefs.css (masks from data URIs), not repeated as inline SVG on every page; and
    every icon a page asks for has its rule, so none is drawn blank."""
    css = (site / "assets" / "briefs.css").read_text(encoding="utf-8")
    defined = set(re.findall(r"\.briefs-icon--([a-z0-9-]+) \{ --briefs-icon: url\(", css))
    for path, html in _pages(site).items():
        assert "<svg" not in html, path
        used = set(re.findall(r'class="briefs-icon briefs-icon--([a-z0-9-]+)"', html))
        assert used <= defined, (path, used - defined)
    brief = _pages(site)["briefs/xi-lavrov-beijing-talks/index.html"]
    assert len(re.findall(r'class="briefs-icon ', brief)) == 7  # logo x2, menu, 2 palettes,
    # search, back to top


@pytest.mark.slow
def test_material_config_has_only_what_the_site_uses(site: Path) -> None:
    """No search worker path and no translations of Material's search or version selector
    on every page (the search plugin is off); what the bundle needs is there."""
    for path, html in _pages(site).items():
        found = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html)
        assert found is not None, path
        config = json.loads(found[1])
        assert set(config) == {"base", "features", "translations"}, path
        assert set(config["translations"]) == {"clipboard.copy", "clipboard.copied"}, path
        assert "navigation.top" in config["features"], path


def test_long_lists_are_compact_rows(tmp_path: Path) -> None:
    """Every brief of an actor or a term, and a tag's pages after the first, list briefs as
    a date and a linked title: no card, no dek, no tags (the first page of a tag, the
    briefs index and the profiles keep cards). Small page sizes: the `pagination` state
    of tests/test_golden_states.py."""
    from tests.test_golden_states import _pages

    pages = _pages(tmp_path, "pagination")
    compact = [p for p in pages if re.fullmatch(
        r"(actors|glossary)/[^/]+/briefs/(page/\d+/)?index\.md|tags/[^/]+/page/\d+/index\.md", p)]
    assert {p.split("/")[0] for p in compact} == {"actors", "glossary", "tags"}
    for path in compact:
        page = pages[path]
        assert 'class="brief-row"' in page and "brief-card" not in page, path
        assert "Hearing" not in page, path  # the deks of the state's briefs
        rows = re.findall(r'<li class="brief-row">.*?</li>', page)
        assert all(len(row) < 200 for row in rows), path
    for path in ("tags/transport/index.md", "briefs/index.md", "actors/zoe-obrien/index.md"):
        assert 'class="brief-card"' in pages[path], path


def test_event_rows_link_their_brief_without_its_dek(tmp_path: Path) -> None:
    """An event's "From <brief>" link has no title: lists of a hundred events (an actor's
    events, a timeline year) would carry a hundred deks."""
    from tests.test_golden_states import _pages

    pages = _pages(tmp_path, "pagination")
    events = [p for p in pages if re.fullmatch(r"actors/[^/]+/events/(page/\d+/)?index\.md|"
                                                r"timeline/\d+/(page/\d+/)?index\.md", p)]
    assert events
    for path in events:
        assert 'class="timeline__event"' in pages[path], path
        assert not re.search(r'<a href="[^"]*/briefs/[^"]+" class="ref ref-brief" title=',
                             pages[path]), path


def test_feed_entries_say_each_thing_once(tmp_path: Path) -> None:
    """The feed has the author, not each entry (Atom: entries inherit it); an entry's
    content is there only when it says more than its summary (its updates)."""
    from tests.test_golden_states import _pages

    pages = _pages(tmp_path, "stories")
    feeds = {p: page for p, page in pages.items() if p.endswith(".xml") and "<entry>" in page}
    assert len(feeds) > 3
    with_updates = 0
    for path, feed in feeds.items():
        assert feed.count("<author>") == 1 and feed.index("<author>") < feed.index("<entry>")
        for entry in re.findall(r"<entry>.*?</entry>", feed, re.DOTALL):
            assert "<summary>" in entry, path
            if "<content" in entry:
                assert "Updates" in entry, path
                with_updates += 1
    assert with_updates


@pytest.mark.slow
def test_palette_script_is_a_file_not_inline(site: Path) -> None:
    """The script that applies the reader's colour scheme is assets/palette.js, loaded where
    Material wrote it inline (700 bytes on every page)."""
    assert "__md_get(\"__palette\")" in (site / "assets" / "palette.js").read_text("utf-8")
    for path, html in _pages(site).items():
        assert "var palette=" not in html, path
        script = re.search(r'<script src="([^"]*assets/palette\.js)"></script>', html)
        assert script is not None, path
        # after the palette's inputs it reads, before the content
        assert html.index('name="__palette"') < script.start() < html.index("md-content"), path


def test_related_briefs_are_cards_without_tags(tmp_path: Path) -> None:
    """A brief's related briefs keep title, date and dek, without their tags (a third of
    five cards on every brief page); cards elsewhere keep their tags."""
    from tests.test_golden_states import _pages

    pages = _pages(tmp_path, "pagination")
    related = {p: page.split("## Related briefs", 1)[1].split("\n## ", 1)[0]
               if "## Related briefs" in page else ""
               for p, page in pages.items() if re.fullmatch(r"briefs/fare-[^/]+/index\.md", p)}
    assert related and all(related.values())
    for path, part in related.items():
        assert 'class="brief-card"' in part and 'class="brief-card__dek"' in part, path
        assert 'class="tag"' not in part, path
    assert 'class="tag"' in pages["briefs/index.md"].split('class="brief-cards"', 1)[1]


CHROME_BUDGET = 11_000  # bytes of theme around the included brief's article and JSON-LD


@pytest.mark.slow
def test_theme_chrome_stays_within_budget(site: Path) -> None:
    """What the theme adds around a page's article (head, header, tabs, drawer navigation,
    table of contents, scripts), JSON-LD aside: 13.7 KB on the included brief before the
    trims above (inline icons, the full __config, the inline palette script), 10.8 KB after.
    Every page: at most the brief's budget and a long table of contents (the guide's)."""
    from tools.site_families import anatomy

    def chrome(html: str) -> int:
        parts = dict(anatomy(html))
        return len(html.encode("utf-8")) - parts["article"] - parts["JSON-LD"]

    pages = _pages(site)
    assert chrome(pages["briefs/xi-lavrov-beijing-talks/index.html"]) <= CHROME_BUDGET
    over = {p: chrome(html) for p, html in pages.items() if chrome(html) > CHROME_BUDGET + 2_000}
    assert over == {}

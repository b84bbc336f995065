"""Stories at scale and their feeds: a generated corpus whose briefs belong to stories.

The hand-made `stories` state (tests/test_golden_states.py) pins the pages of a small story;
here a corpus checks what only many developments show: the story page stays bounded (its
newest developments, then numbered pages; the latest events; the most involved actors and
terms), every development is listed exactly once, in order, and every feed is valid Atom
with unique entry ids and an `updated` on every entry. Expectations are computed from the
YAML files, not from the generator's graph.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml

from generator.cli import main
from generator.pipeline import Generated, generate_files
from generator.render import paging
from generator.structured import MAX_FEED_ENTRIES
from generator.urls import SiteConfig
from tests.corpus import Corpus, build_corpus

CONFIG = SiteConfig("Briefs", "https://example.org/site/")
SIZES = {"STORY_DEVELOPMENTS": 4, "STORY_EVENTS": 5, "STORY_ENTITIES": 3}
PAGE_BUDGET = 200_000  # bytes of Markdown a page may hold (tests/test_page_weight.py)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("stories") / "project", 60, 20, 12, stories=3)


@pytest.fixture(scope="module")
def small(corpus: Corpus) -> Iterator[Generated]:
    """The corpus generated with small story pages."""
    with pytest.MonkeyPatch.context() as patch:
        for name, size in SIZES.items():
            patch.setattr(paging, name, size)
        yield generate_files(corpus.root, CONFIG)


def _briefs(root: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((root / "briefs").glob("*.yaml"))}


def _developments(root: Path) -> dict[str, list[str]]:
    """Each story's briefs, oldest first (date, then id), read from the YAML."""
    stories: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for brief_id, data in _briefs(root).items():
        if data.get("story"):
            stories[str(data["story"])].append((data["date"], brief_id))
    return {s: [b for _, b in sorted(items)] for s, items in stories.items()}


def _text(files: dict[str, bytes], path: str) -> str:
    return files[path].decode("utf-8")


def test_every_development_is_listed_once_newest_first(corpus: Corpus, small: Generated
                                                        ) -> None:
    expected = _developments(corpus.root)
    assert sorted(expected) == sorted(corpus.stories)
    size = SIZES["STORY_DEVELOPMENTS"]
    for story, oldest_first in expected.items():
        pages = paging.page_count(len(oldest_first), size)
        assert pages > 2, "the corpus should give every story several pages"
        listed: list[str] = []
        for number in range(1, pages + 1):
            path = (f"stories/{story}/index.md" if number == 1
                    else f"stories/{story}/page/{number}/index.md")
            page = _text(small.files, path)
            ids = [html.unescape(i) for i in re.findall(r'data-development="([^"]+)"', page)]
            start = re.search(r'<ol class="story-developments" reversed start="(\d+)"', page)
            assert start is not None and int(start[1]) == len(oldest_first) - len(listed)
            assert len(ids) == (size if number < pages else len(oldest_first) - size * (pages - 1))
            assert ('rel="next"' in page) == (number < pages), path
            listed += ids
        assert f"stories/{story}/page/{pages + 1}/index.md" not in small.files
        assert listed == oldest_first[::-1]
        # only the first page is marked for "new since your last visit"
        assert 'data-story="' in _text(small.files, f"stories/{story}/index.md")
        assert 'data-story="' not in _text(small.files, f"stories/{story}/page/2/index.md")


def test_the_story_page_stays_bounded(corpus: Corpus, small: Generated) -> None:
    briefs = _briefs(corpus.root)
    for story, oldest_first in _developments(corpus.root).items():
        page = _text(small.files, f"stories/{story}/index.md")
        events = sum(len(briefs[b].get("timeline") or []) for b in oldest_first)
        timeline = page.split("## Timeline", 1)[1].split("\n## ", 1)[0]
        assert timeline.count('<li class="timeline__event">') == SIZES["STORY_EVENTS"]
        assert f"{events - SIZES['STORY_EVENTS']} earlier ones are in the briefs" in timeline
        who = page.split("## Who and what", 1)[1]
        actors = who.split("<strong>Actors:</strong>", 1)[1].split("</p>", 1)[0]
        assert actors.count('class="ref ref-actor"') == SIZES["STORY_ENTITIES"]
        assert re.search(r", and \d+ more$", actors)


def test_a_long_story_page_is_under_the_budget(tmp_path: Path) -> None:
    """One story of 200 developments, default page sizes: its pages stay small."""
    corpus = build_corpus(tmp_path / "project", 300, 60, 40, stories=1)
    files = generate_files(corpus.root, CONFIG).files
    story_pages = {p: len(b) for p, b in files.items() if p.startswith("stories/story-0")}
    assert len(story_pages) == paging.page_count(200, paging.STORY_DEVELOPMENTS)
    assert max(story_pages.values()) < PAGE_BUDGET, story_pages


def _feed(files: dict[str, bytes], path: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse(files[path])
    assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
    assert feed.version == "atom10", path
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids)), f"{path}: entry ids repeat"
    assert all(e.get("updated") for e in feed.entries), f"{path}: an entry without updated"
    assert feed.feed.get("updated"), path
    return feed


def test_every_feed_is_valid_atom_and_follows_its_page(corpus: Corpus, small: Generated
                                                       ) -> None:
    feeds = sorted(p for p in small.files if p.startswith("feeds/") and p.endswith(".xml")
                   and p != "feeds/sitemap.xml")
    briefs = _briefs(corpus.root)
    url = CONFIG.site_url + "briefs/{}/"
    for story, oldest_first in _developments(corpus.root).items():
        feed = _feed(small.files, f"feeds/story-{story}.xml")
        assert [e.link for e in feed.entries] == [url.format(b) for b in oldest_first[::-1]]
        assert f'href="../../feeds/story-{story}.xml"' in _text(small.files, f"stories/{story}/index.md")
    for tag in corpus.tags[:5]:
        feed = _feed(small.files, f"feeds/tag-{tag}.xml")
        tagged = {b for b, data in briefs.items() if tag in (data.get("tags") or [])}
        assert {e.link for e in feed.entries} == {url.format(b) for b in tagged} or (
            len(feed.entries) == MAX_FEED_ENTRIES)
    corrections = _feed(small.files, "feeds/corrections.xml")
    expected = sum(1 for data in briefs.values() for u in data.get("updates") or []
                   if u.get("kind") == "correction")
    assert expected > 0 and len(corrections.entries) == min(expected, MAX_FEED_ENTRIES)
    for entry in corrections.entries:
        brief_path = entry.link.removeprefix(CONFIG.site_url).rstrip("/") + "/index.md"
        anchor = entry.id.rsplit("#", 1)[1]
        assert f'id="{anchor.replace("-", "&#45;")}"' in _text(small.files, brief_path) or (
            f'id="{anchor}"' in _text(small.files, brief_path)), entry.id
    for path in feeds:  # every feed (actors' too) parses as Atom with unique ids
        _feed(small.files, path)


def test_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    corpus = build_corpus(tmp_path / "project", 12, 6, 4, stories=1)
    story = corpus.root / "briefs/stories/story-0.yaml"
    story.write_text(story.read_text(encoding="utf-8").replace("due: 2099", "due: 2001")
                     + "updated: 2001-01-01\n", encoding="utf-8")
    assert main(["--root", str(corpus.root), "check"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [re.sub(r":\d+:\d+:", ":L:C:", line.split(" ", 2)[0] + " " + line.split(" ", 2)[1])
            for line in lines] == [
        "briefs/stories/story-0.yaml:L:C: warning[watch-overdue]:",
        "briefs/stories/story-0.yaml:L:C: warning[story-summary-stale]:"]
    assert err.strip().endswith("2 warnings")
    assert main(["--root", str(corpus.root), "check", "--strict"]) == 1
    out, err = capsys.readouterr()
    assert "2 warnings; nothing was published" in err
    assert main(["--root", str(corpus.root), "check", "--format", "github"]) == 0
    out, _ = capsys.readouterr()
    assert all(line.startswith("::warning file=briefs/stories/story-0.yaml,line=")
               for line in out.splitlines()) and len(out.splitlines()) == 2
    # a fresh story from `briefs new story` is a skeleton to fill in, not content yet
    assert main(["--root", str(corpus.root), "new", "story", "harbour-fees"]) == 0
    capsys.readouterr()
    assert (corpus.root / "briefs/stories/harbour-fees.yaml").is_file()
    assert main(["--root", str(corpus.root), "check"]) == 1
    out, _ = capsys.readouterr()
    assert "briefs/stories/harbour-fees.yaml:" in out and "missing-field" in out

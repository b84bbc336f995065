"""The whole path for real: generate, then `mkdocs build --strict`, on the included content."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator import cli
from generator.diagnostics import EnvironmentProblem
from generator.pipeline import generate
from generator.site import build_site, site_config

pytestmark = pytest.mark.slow


def tree_hash(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    assert cli.main(["--root", str(root), "build"]) == 0
    return root


def test_site_has_every_page(built: Path) -> None:
    site = built / "site"
    ids = {p.stem for p in (built / "briefs").glob("*.yaml")}
    actors = {p.stem for p in (built / "briefs" / "actors").glob("*.yaml")}
    terms = {p.stem for p in (built / "briefs" / "glossary").glob("*.yaml")}
    for brief in ids:
        assert (site / "briefs" / brief / "index.html").is_file()
    for actor in actors:
        assert (site / "actors" / actor / "index.html").is_file()
    for term in terms:
        assert (site / "glossary" / term / "index.html").is_file()
    for section in ("index.html", "briefs/index.html", "actors/index.html", "glossary/index.html",
                    "timeline/index.html", "tags/index.html", "contribute/index.html",
                    "404.html", "feed.xml", "pagefind/pagefind.js",
                    "pagefind/pagefind-entry.json", "stories/index.html",
                    "corrections/index.html", "feeds/corrections.xml", "feeds/sitemap.xml"):
        assert (site / section).is_file(), section
    # Pagefind's own interfaces are not shipped: the site searches with assets/search.js
    assert sorted(p.name for p in (site / "pagefind").glob("pagefind-*ui*")) == []
    assert not (site / "pagefind" / "pagefind-highlight.js").exists()


def test_no_page_loads_from_another_host(built: Path) -> None:
    for page in (built / "site").rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"),
                          ("iframe", "src"), ("source", "src")):
            for element in soup.find_all(tag):
                url = str(element.get(attr) or "")
                if tag == "link" and "canonical" in (element.get("rel") or []):
                    continue
                if tag == "link" and "alternate" in (element.get("rel") or []):
                    continue
                assert not url.startswith(("http:", "https:", "//")), f"{page}: {tag} {url}"
    css = "\n".join(p.read_text(encoding="utf-8") for p in (built / "site").rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def test_brief_page_shows_every_section(built: Path) -> None:
    html = (built / "site" / "briefs" / "xi-lavrov-beijing-talks" / "index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    headings = [h.get_text(strip=True).rstrip("¶") for h in soup.find_all("h2")]
    for section in ("Why it matters", "Key points", "What happened", "Context", "Perspectives",
                    "Quotes", "Timeline", "What's next", "Who is involved", "Source"):
        assert section in headings
    assert soup.select("a.ref-term[title]"), "glossary links carry their definition"
    assert len(soup.select(".badge--verified")) == len(soup.select("figure.quote"))


def test_build_is_byte_identical_across_runs_and_environments(built: Path, tmp_path: Path) -> None:
    """Same input, same bytes, whatever the hash seed, locale or time zone."""
    outputs = []
    for n, env in enumerate(({"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"},
                             {"PYTHONHASHSEED": "4242", "TZ": "Asia/Tokyo",
                              "LC_ALL": "C.UTF-8"})):
        out = tmp_path / f"docs{n}"
        subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(built),
                        "generate", "--out", str(out)], check=True,
                       env={**os.environ, **env}, capture_output=True)
        outputs.append(tree_hash(out))
    assert outputs[0] == outputs[1]
    assert outputs[0] == tree_hash(built / "docs")


def test_second_generate_writes_nothing(built: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (built / "docs").rglob("*") if p.is_file()}
    report = generate(built, site_config(built))
    assert not report.changed
    after = {p: p.stat().st_mtime_ns for p in (built / "docs").rglob("*") if p.is_file()}
    assert before == after


def test_content_error_leaves_site_untouched(built: Path) -> None:
    before_site, before_docs = tree_hash(built / "site"), tree_hash(built / "docs")
    brief = built / "briefs" / "xi-lavrov-beijing-talks.yaml"
    original = brief.read_text(encoding="utf-8")
    try:
        brief.write_text(original.replace("title:", "titel:", 1), encoding="utf-8")
        assert cli.main(["--root", str(built), "build"]) == 1
    finally:
        brief.write_text(original, encoding="utf-8")
    assert tree_hash(built / "site") == before_site
    assert tree_hash(built / "docs") == before_docs


def test_plain_mkdocs_build_generates_first(tmp_path: Path) -> None:
    """A fresh clone has an empty docs/: `mkdocs build --strict` must still work."""
    from tests.conftest import copy_project

    root = copy_project(tmp_path / "fresh")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
                            cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "briefs" / "xi-lavrov-beijing-talks" / "index.html").is_file()
    assert "WARNING" not in result.stderr


def test_build_site_failure_keeps_previous_site(built: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import mkdocs.commands.build

    before = tree_hash(built / "site")

    def broken(config: object) -> None:
        raise RuntimeError("simulated crash inside MkDocs")

    monkeypatch.setattr(mkdocs.commands.build, "build", broken)
    with pytest.raises(EnvironmentProblem, match="simulated crash"):
        build_site(built)
    assert tree_hash(built / "site") == before
    assert not list(built.glob(".site.*"))

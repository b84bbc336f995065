"""The engines' table and what the project does for every engine alike (generator/engines.py,
generator/sitecheck.py). The engines' builds themselves are compared in
tests/browser/test_engines.py."""

from __future__ import annotations

import gzip
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from generator import engines
from generator.cli import main
from generator.diagnostics import EnvironmentProblem
from generator.engines import ENGINES, MKDOCS, check_versions, derived_config, engine_named, finish
from generator.site import build_site
from generator.sitecheck import broken_links
from tests.conftest import REPO, copy_project


def test_every_engine_is_pinned_in_its_extra_and_installed_for_the_tests() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert "briefs[properdocs,zensical]" in extras["test"]
    for engine in ENGINES.values():
        if engine is MKDOCS:
            assert any(d.startswith("mkdocs>=") for d in project["dependencies"])
            continue
        (pin,) = extras[engine.extra]
        version = pin.split("==")[1]
        assert engine.low <= engines.version_tuple(version) < engine.high, pin
        assert metadata.version(engine.package) == version  # what the tests ran with
        check_versions(engine)


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(EnvironmentProblem, match="unknown engine 'hugo'; choose one of "
                                                 "mkdocs, properdocs, zensical"):
        engine_named("hugo")


def test_a_missing_or_unsupported_engine_is_a_clear_error(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    real = metadata.version

    def missing(name: str) -> str:
        if name == "zensical":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(metadata, "version", missing)
    with pytest.raises(EnvironmentProblem,
                       match=r"zensical is not installed; install it with "
                             r"`pip install -e '\.\[zensical\]'`"):
        check_versions(ENGINES["zensical"])
    monkeypatch.setattr(metadata, "version",
                        lambda name: "1.7.0" if name == "properdocs" else real(name))
    with pytest.raises(EnvironmentProblem, match=r"properdocs 1\.7\.0 is not supported; this "
                                                 r"project needs properdocs>=1\.6\.7,<1\.7\.0"):
        check_versions(ENGINES["properdocs"])


def test_zensical_reads_mkdocs_yml_with_its_search_off(tmp_path: Path) -> None:
    config = yaml.safe_load(derived_config())
    assert config == {"INHERIT": "mkdocs.yml", "site_dir": "site",
                      "plugins": [{"search": {"enabled": False}}],
                      "theme": {"variant": "classic"}}
    assert ENGINES["zensical"].command(tmp_path, tmp_path / ".site.new")[-2:] == [
        "-f", str(tmp_path / engines.DERIVED_CONFIG)]


def test_zensical_builds_in_a_private_project(project: Path) -> None:
    """Its project holds the configuration and hard links to what it reads, nothing else
    (no .cache/ of the project, which its --clean would delete)."""
    (project / ".cache/schemas").mkdir(parents=True)
    work = engines.private_project(project)
    assert sorted(p.name for p in work.iterdir()) == [
        "docs", "mkdocs.yml", "site_templates", "zensical.yml"]
    css = "site_templates/assets/briefs.css"
    assert (work / css).read_bytes() == (project / css).read_bytes()
    assert (work / css).stat().st_ino == (project / css).stat().st_ino  # linked, not copied
    (work / ".cache").mkdir()
    (work / ".cache/planted").write_text("<script>planted</script>")
    assert engines.private_project(project) == work
    assert not (work / ".cache").exists()  # made fresh every time: nothing left behind


def _site(root: Path) -> Path:
    site = root / "s"
    (site / "briefs/a").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "index.html").write_text('<a href="briefs/a/">A</a>\n  <p>x</p>\n')
    (site / "briefs/a/index.html").write_text(
        '<link rel="stylesheet" href="../../assets/x.css">\n    <a href="../..">home</a>'
        '<a href="https&#58;//example.org/">out</a><a href="#top">top</a>'
        '<a href="/some-repo/">root-relative</a><a href="../../briefs/a/#k">self</a>'
        '<a href="../a">folder with a page</a>\n')
    (site / "assets/x.css").write_text("a{}")
    (site / "sitemap.xml").write_text("<urlset></urlset>\n")
    return site


def test_links_are_checked_for_every_engine(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert broken_links(site) == []
    (site / "briefs/a/index.html").write_text(
        '<a href="../missing/">m</a><img src="../../assets/nope.png">'
        '<a href="../../../outside/">o</a><a href="../../assets/x.css?v=1">ok</a>'
        '<a href="../../assets">a folder without a page</a>')
    assert broken_links(site) == [("briefs/a/index.html", "../missing/"),
                                  ("briefs/a/index.html", "../../assets/nope.png"),
                                  ("briefs/a/index.html", "../../../outside/"),
                                  ("briefs/a/index.html", "../../assets")]


def test_finish_does_what_an_engine_lacks(tmp_path: Path) -> None:
    site = _site(tmp_path)
    before = (site / "briefs/a/index.html").read_text()
    finish(MKDOCS, site)  # MkDocs compacts in the plugin and writes the gzipped sitemap
    assert (site / "briefs/a/index.html").read_text() == before
    assert not (site / "sitemap.xml.gz").exists()
    finish(ENGINES["zensical"], site)
    assert "\n    <a" not in (site / "briefs/a/index.html").read_text()
    packed = (site / "sitemap.xml.gz").read_bytes()
    assert gzip.decompress(packed) == b"<urlset></urlset>\n"
    finish(ENGINES["zensical"], site)
    assert (site / "sitemap.xml.gz").read_bytes() == packed  # the same bytes every build


def test_zensical_cannot_preview(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project), "serve", "--engine", "zensical"]) == 2
    err = capsys.readouterr().err
    assert "Zensical cannot preview" in err and "--engine mkdocs or properdocs" in err


def test_an_unknown_engine_is_a_usage_error(project: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--root", str(project), "build", "--engine", "hugo"])
    assert exit_.value.code == 2


@pytest.mark.slow
def test_a_broken_link_in_the_built_site_stops_the_build(tmp_path: Path) -> None:
    """A template that links to a page that does not exist: the build stops, naming it,
    and the previous site/ stays."""
    root = copy_project(tmp_path / "p")
    (root / "site").mkdir()
    (root / "site/index.html").write_text("previous")
    home = root / "site_templates/pages/home.md.j2"
    home.write_text(home.read_text(encoding="utf-8") + '\n<a href="nowhere/">x</a>\n',
                    encoding="utf-8")
    from generator.pipeline import DOCS_DIR, generate
    from generator.site import site_config

    generate(root, site_config(root), root / DOCS_DIR)
    with pytest.raises(EnvironmentProblem, match=r"1 broken link\(s\), site/ left as it "
                                                 r"was: index\.html links to nowhere/"):
        build_site(root)
    assert (root / "site/index.html").read_text() == "previous"


@pytest.mark.slow
def test_zensical_leaves_the_projects_cache_alone(tmp_path: Path) -> None:
    """Zensical's `--clean` deletes the `.cache/` of its project: the project's own (the
    editors' schemas, the test tools, or a folder a contributor committed) is untouched."""
    root = copy_project(tmp_path / "p")
    (root / ".cache/schemas").mkdir(parents=True)
    (root / ".cache/schemas/brief.schema.json").write_text("{}")
    (root / ".cache/1234567890").write_text("<script>planted</script>")
    assert main(["--root", str(root), "build", "--engine", "zensical", "--quiet"]) == 0
    assert (root / ".cache/schemas/brief.schema.json").read_text() == "{}"
    assert (root / ".cache/1234567890").read_text() == "<script>planted</script>"
    assert not (root / engines.ZENSICAL_WORK).exists()
    assert (root / "site/briefs/xi-lavrov-beijing-talks/index.html").is_file()
    assert all("planted" not in p.read_text() for p in (root / "site").rglob("*.html"))

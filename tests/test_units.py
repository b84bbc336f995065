"""Unit tests, one block per stage: load, text, provenance, urls, link, write, cli."""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from generator import cli, load, urls
from generator.graph import Graph
from generator.link import link
from generator.pipeline import check
from generator.provenance import normalise, verify_quote
from generator.text import Link, LinkTarget, Mention, parse_rich, render_rich
from generator.urls import SiteConfig, id_problem, link_scheme_problem, relative_url
from generator.write import UnsafeOutputPath, write_stream, write_tree

Write = Callable[[Path, str, str | bytes], Path]


@pytest.fixture(params=[True, False], ids=["c-loader", "python-loader"])
def loader(request: pytest.FixtureRequest) -> Iterator[bool]:
    load.use_c_loader(request.param)
    yield request.param
    load.use_c_loader(True)


# ---------------------------------------------------------------- load


def test_scalars_stay_as_typed(loader: bool) -> None:
    doc = load.parse_document("a: NO\nb: 1.10\nc: 012\nd: 12:30\ne: 2024-01-01\nf: ~\n", "x.yaml")
    assert doc.data == {"a": "NO", "b": "1.10", "c": "012", "d": "12:30", "e": "2024-01-01",
                        "f": "~"}


def test_positions_of_keys_and_values(loader: bool) -> None:
    doc = load.parse_document("title: x\nlist:\n  - one\n  - two\n", "x.yaml")
    assert doc.key_at(("list",)) == load.Position(2, 1)
    assert doc.at(("list", 1)) == load.Position(4, 5)


@pytest.mark.parametrize(("text", "code"), [
    ("a: &x 1\nb: *x\n", "yaml-alias"),
    ("a: !!binary aGk=\n", "yaml-tag"),
    ("<<: {a: b}\n", "merge-key"),
    ("a: 1\na: 2\n", "duplicate-key"),
    ("? [a]\n: b\n", "non-string-key"),
    ("- a\n", "not-a-mapping"),
    ("a: 1\n---\nb: 2\n", "multiple-documents"),
    ("", "empty-file"),
    ("a:\n\t- b\n", "yaml-syntax"),
])
def test_rejected_yaml(loader: bool, text: str, code: str) -> None:
    with pytest.raises(load.LoadError) as info:
        load.parse_document(text, "x.yaml")
    assert code in {d.code for d in info.value.diagnostics}


def test_billion_laughs_is_refused_fast(loader: bool) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    with pytest.raises(load.LoadError) as info:
        load.parse_document("\n".join(lines) + "\n", "x.yaml")
    assert info.value.diagnostics[0].code == "yaml-alias"


# ---------------------------------------------------------------- text


def test_rich_subset_renders_and_escapes() -> None:
    rich = parse_rich("Hi *em* **st** `c<d>` <b>raw</b> [[x|X]] [l](https://e.org/?a=1&b=2)\n\n- a\n- b")
    html = render_rich(rich, {"x": LinkTarget("../x/", 'say "hi"', "Ex", "ref")})
    assert "<em>em</em>" in html and "<strong>st</strong>" in html
    assert "<code>c&lt;d&gt;</code>" in html and "&lt;b&gt;raw&lt;/b&gt;" in html
    assert 'title="say &quot;hi&quot;"' in html and ">X</a>" in html
    assert 'href="https://e.org/?a=1&amp;b=2"' in html
    assert "<ul><li>a</li><li>b</li></ul>" in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x",
                                 "vbscript:x", "/relative", "java\tscript:x", ""])
def test_bad_link_schemes(url: str) -> None:
    assert link_scheme_problem(url) is not None
    rich = parse_rich(f"[x]({url})")
    # Either a located error, or no link at all (the text is then shown literally).
    assert rich.problems or not any(isinstance(i, Link) for i in rich.inlines())


def test_headings_and_extensions_stay_literal() -> None:
    rich = parse_rich("# Not a heading\n\n!!! note\n\n{: onclick=x}")
    html = render_rich(rich, {})
    assert "<h1" not in html and "# Not a heading" in html and "{: onclick=x}" in html


# ---------------------------------------------------------------- provenance


def test_quote_normalisation_and_elision() -> None:
    article = "He said: “We oppose — strongly — the ‘collective West,'” and left…"
    assert verify_quote('We oppose - strongly - the "collective West,"', article).found
    assert verify_quote("We oppose ... the ‘collective West", article).found
    assert not verify_quote("the collective West ... We oppose", article).found
    verdict = verify_quote("We opose strongly", article)
    assert not verdict.found and "oppose" in verdict.closest
    assert normalise("a\u00a0 b…") == "a b..."


# ---------------------------------------------------------------- urls


def test_ids_and_relative_urls() -> None:
    assert id_problem("xi-jinping") is None
    assert id_problem("Xi")[0] == "bad-id"  # type: ignore[index]
    assert id_problem("timeline")[0] == "reserved-id"  # type: ignore[index]
    assert id_problem("com1")[0] == "reserved-id"  # type: ignore[index]
    assert id_problem("a" * 65)[0] == "bad-id"  # type: ignore[index]
    assert relative_url("briefs/x/index.md", "actors/y/index.md") == "../../actors/y/"
    assert relative_url("index.md", "index.md") == "./"


# ---------------------------------------------------------------- link


def test_included_content_is_clean_and_quotes_verified(project: Path) -> None:
    graph, problems = check(project)
    assert problems == []
    brief = graph.content.briefs["xi-lavrov-beijing-talks"]
    assert len(brief.model.quotes) >= 5
    assert "brics" in graph.appears_in and "xi-lavrov-beijing-talks" in graph.appears_in["brics"]


MENTION_BRIEF = """\
title: Mentions
dek: A brief for testing mentions.
date: 2024-04-09
source:
  seed: xi-lavrov-beijing-2024
why_it_matters: |
  Mr. Lavrov met Xi. Lavrov left; `Putin` and
  [Putin](https://e.org) stay unlinked. Mr. Lavrovich is no alias.
what_happened: Lavrov again, and Putin at last.
key_points:
  - Xi once more.
"""


def test_first_mention_only_and_longest_alias(project: Path, write: Write) -> None:
    write(project, "briefs/mention-test.yaml", MENTION_BRIEF)
    graph, problems = check(project)
    assert problems == []
    mentions = [(i.target, i.text) for rich in graph.rich["mention-test"].values()
                for i in rich.inlines() if isinstance(i, Mention)]
    assert mentions == [("sergei-lavrov", "Mr. Lavrov"), ("xi-jinping", "Xi"),
                        ("vladimir-putin", "Putin")]


def test_alias_claimed_twice(project: Path, write: Write) -> None:
    write(project, "briefs/actors/zz-other.yaml",
          "name: Other\nkind: person\naliases: [Lavrov]\nsummary: Someone else.\n")
    _, problems = check(project)
    dup = [p for p in problems if p.code == "duplicate-alias"]
    assert len(dup) == 1 and "sergei-lavrov.yaml" in dup[0].message
    assert dup[0].path == "briefs/actors/zz-other.yaml" and dup[0].line == 3


def test_reference_cycles_render_once(project: Path, write: Write) -> None:
    write(project, "briefs/glossary/cycle-a.yaml",
          "term: Cycle A\ndefinition: One.\nrelated: [cycle-b]\nexplanation: See [[cycle-b]].\n")
    write(project, "briefs/glossary/cycle-b.yaml",
          "term: Cycle B\ndefinition: Two.\nrelated: [cycle-a]\nexplanation: See [[cycle-a]].\n")
    graph, problems = check(project)
    assert problems == []
    assert link(graph.content)[1] == []


# ---------------------------------------------------------------- write


def test_write_tree_only_changes_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = write_tree(out, {"a.md": b"a", "b/c.md": b"c"})
    assert first.written == ["a.md", "b/c.md"]
    stamp = (out / "a.md").stat().st_mtime_ns
    second = write_tree(out, {"a.md": b"a", "b/c.md": b"c2", "d.md": b"d"})
    assert second.written == ["b/c.md", "d.md"] and second.removed == []
    assert (out / "a.md").stat().st_mtime_ns == stamp
    third = write_tree(out, {"a.md": b"a"})
    assert third.removed == ["b/c.md", "d.md"] and not (out / "b").exists()
    assert not write_tree(out, {"a.md": b"a"}).changed
    assert not list(tmp_path.glob(".out.*"))
    with pytest.raises(ValueError, match="outside"):
        write_tree(out, {"../evil.md": b"x"})


def test_write_stream_keeps_the_target_when_the_stream_fails(tmp_path: Path) -> None:
    """Pages arrive one at a time; a failure half-way (a template error on page 2) leaves
    the previous output exactly as it was and no staging folder behind."""
    out = tmp_path / "out"
    write_stream(out, iter([("a.md", b"a"), ("b.md", b"b")]))
    inode = (out / "a.md").stat().st_ino

    def failing() -> Iterator[tuple[str, bytes]]:
        yield "a.md", b"new a"
        raise RuntimeError("template failed")

    with pytest.raises(RuntimeError):
        write_stream(out, failing())
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {"a.md": b"a", "b.md": b"b"}
    assert not list(tmp_path.glob(".out.*"))
    with pytest.raises(UnsafeOutputPath, match="two files"):
        write_stream(out, iter([("c.md", b"c"), ("c.md", b"c")]))
    unchanged = write_stream(out, iter([("a.md", b"a"), ("b.md", b"b")]))
    assert not unchanged.changed and unchanged.unchanged == 2
    assert (out / "a.md").stat().st_ino == inode  # not swapped: the same file


# ---------------------------------------------------------------- cli


def test_check_is_silent_on_included_content(project: Path) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["--root", str(project), "check"]) == 0
    assert out.getvalue() == ""


def test_check_reports_all_problems_sorted(project: Path, write: Write) -> None:
    write(project, "briefs/actors/bad-one.yaml", "name: X\nkind: persn\nsumary: x\n")
    write(project, "briefs/notes.txt", "hello")
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["--root", str(project), "check"]) == 1
    lines = out.getvalue().splitlines()
    assert lines == sorted(lines)
    assert any("error[bad-value]" in line and "did you mean 'person'" in line for line in lines)
    assert any("error[unknown-key]" in line and "did you mean 'summary'" in line
               for line in lines)
    assert any(line.startswith("briefs/notes.txt:1:1: error[not-content]") for line in lines)


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert cli.main(["--root", str(tmp_path / "nowhere"), "check"]) == 2


# ---------------------------------------------------------------- cache


def test_cache_skips_unchanged_runs_and_sees_every_change(project: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import pipeline

    config = SiteConfig("Briefs", "https://example.org/")
    first = pipeline.generate(project, config)
    assert first.written

    calls = {"n": 0}
    real = pipeline.checked

    def counting(root: Path, **kwargs: Any) -> Graph:
        calls["n"] += 1
        return real(root, **kwargs)

    monkeypatch.setattr(pipeline, "checked", counting)
    assert not pipeline.generate(project, config).changed
    assert calls["n"] == 0, "nothing changed: nothing parsed"

    brief = project / "briefs" / "xi-lavrov-beijing-talks.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("title: ", "title: New ", 1),
                     encoding="utf-8")
    report = pipeline.generate(project, config)
    assert calls["n"] == 1 and "briefs/xi-lavrov-beijing-talks/index.md" in report.written

    (project / "docs" / "index.md").unlink()  # an output removed by hand
    assert pipeline.generate(project, config).written == ["index.md"]
    assert calls["n"] == 2

    assert not pipeline.generate(project, SiteConfig("Briefs", "https://example.org/")).changed
    pipeline.generate(project, SiteConfig("Briefs", "https://other.example/"))
    assert calls["n"] == 3, "a new site URL regenerates"


def test_template_errors_are_located_diagnostics(project: Path, write: Write) -> None:
    write(project, "site_templates/pages/_card.j2", "{% if %}broken")
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["--root", str(project), "generate"]) == 1
    assert out.getvalue().startswith("site_templates/pages/_card.j2:1:1: error[template]: ")


def test_a_released_document_finds_its_positions_again(project: Path) -> None:
    """Validation releases positions (memory); a later problem gets the same position."""
    rel = "briefs/xi-lavrov-beijing-talks.yaml"
    doc = load.load_document(project / rel, rel)
    values, keys, spans = dict(doc.values), dict(doc.keys), dict(doc.spans)
    assert values and keys and spans
    doc.release()
    assert not doc.values and doc.released
    assert [doc.at(loc) for loc in values] == list(values.values())
    assert [doc.key_at(loc) for loc in keys] == [keys[loc] for loc in keys]
    assert doc.spans == spans and not doc.released


def test_templates_stay_readable() -> None:
    """Whitespace control, not long lines: no template line over 200 characters."""
    folder = Path(__file__).parent.parent / "site_templates"
    long = [f"{p.relative_to(folder)}:{n}" for p in sorted(folder.rglob("*.j2"))
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if len(line) > 200]
    assert long == []


def test_every_kind_names_its_facet_and_its_page_builder() -> None:
    """The table of kinds is the one place a kind is declared: its facet builds from its
    model and its page builder exists on the renderer."""
    from generator.graph import Facet
    from generator.kinds import KINDS
    from generator.render import Renderer

    for kind, spec in KINDS.items():
        assert issubclass(spec.facet, Facet) and spec.facet.kind is kind
        assert callable(getattr(Renderer, spec.page, None)), spec.page
        assert "of" in vars(spec.facet), f"{spec.facet.__name__} builds no facet of its own"


def test_numbered_pages_route_both_ways() -> None:
    """urls.numbered_path and its reverse agree; no entity's own page is a numbered page."""
    for first in ("briefs/index.md", "tags/energy/index.md", "timeline/2024/index.md",
                  "actors/xi-jinping/briefs/index.md", "glossary/hegemony/briefs/index.md"):
        assert urls.numbered_path(first, 1) == first
        assert urls.numbered_first(first) == (first, 1)
        for n in (2, 3, 120):
            path = urls.numbered_path(first, n)
            assert path.endswith(f"/page/{n}/index.md")
            assert urls.numbered_first(path) == (first, n)
    assert urls.numbered_path("briefs/index.md", 2) == "briefs/page/2/index.md"
    for other in ("briefs/page/index.md", "briefs/page/1/index.md", "briefs/page/02/index.md",
                  "briefs/page/x/index.md", "briefs/page/٣/index.md", "briefs/page/2.md"):
        assert urls.numbered_first(other) == (other, 1)
    assert urls.list_owner(urls.mentions_path(urls.Kind.ACTOR, "xi-jinping")) == (
        "xi-jinping", "briefs")
    assert urls.list_owner(urls.mentions_path(urls.Kind.TERM, "hegemony")) == ("hegemony", "briefs")
    assert urls.list_owner(urls.events_path("xi-jinping")) == ("xi-jinping", "events")
    for other in ("briefs/xi-jinping/briefs/index.md", "glossary/hegemony/events/index.md",
                  "actors/x/y/index.md", "actors/index.md",
                  "actors/xi-jinping/briefs/page/2/index.md", "actors/xi-jinping/briefs.md"):
        assert urls.list_owner(other) is None, other
    assert urls.page_owner("actors/xi-jinping/briefs/index.md", {"xi-jinping": urls.Kind.ACTOR}) is None


def test_a_seed_records_its_licence_and_the_brief_shows_it(project: Path) -> None:
    """seeds/<id>.yaml takes `license` (it was refused as an unknown key); the brief's
    Source section shows it."""
    from generator.pipeline import generate_files

    meta = project / "seeds" / "xi-lavrov-beijing-2024.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "license: Public domain (VOA)\n",
                    encoding="utf-8")
    assert check(project)[1] == []
    page = generate_files(project, SiteConfig("Briefs", "https://example.org/")).files[
        "briefs/xi-lavrov-beijing-talks/index.md"].decode("utf-8")
    assert '<p class="source-license">Licence: Public domain (VOA)</p>' in html.unescape(page)


def test_check_says_what_it_checked(project: Path) -> None:
    """A clean check is not silent: one summary line on stderr (stdout stays empty, for
    tools that read the diagnostics)."""
    from contextlib import redirect_stderr

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert cli.main(["--root", str(project), "check"]) == 0
    assert out.getvalue() == ""
    assert err.getvalue() == ("checked 1 brief, 24 actors, 17 terms, 1 story, 1 seed article: "
                                 "no problems\n")
    # without stories, they are not named
    for story in (project / "briefs" / "stories").glob("*.yaml"):
        story.unlink()
    brief = project / "briefs" / "xi-lavrov-beijing-talks.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("story: china-russia-ties\n", ""),
                     encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert cli.main(["--root", str(project), "check"]) == 0
    assert err.getvalue() == "checked 1 brief, 24 actors, 17 terms, 1 seed article: no problems\n"


# ---------------------------------------------------------------- page weight


def test_compact_html_drops_indentation_outside_preformatted_elements() -> None:
    from generator.compact import compact_html

    page = ("<div>\n    <p>a\n      b</p>\n  <pre><code>x\n    y</code></pre>\n"
            "  <script>\n  var a = 1;</script>\n <TEXTAREA>\n  t</TEXTAREA>\n\n  <p>c</p>")
    assert compact_html(page) == ("<div>\n<p>a\nb</p>\n<pre><code>x\n    y</code></pre>\n"
                                  "<script>\n  var a = 1;</script>\n<TEXTAREA>\n  t</TEXTAREA>\n"
                                  "<p>c</p>")
    assert compact_html("no breaks  here") == "no breaks  here"


def test_tooltips_once_keeps_the_first_title_per_target() -> None:
    from generator.text import tooltips_once

    actor = LinkTarget("../a/", "Summary of A", "A", "ref ref-actor")
    term = LinkTarget("../t/", "Definition", "T", "ref ref-term")
    bare = LinkTarget("../a/", "", "A", "ref ref-actor")
    page = " ".join(render(t) for t in (bare, actor, term, actor, actor, term))
    assert tooltips_once(page) == (
        '<a href="../a/" class="ref ref-actor">A</a> '
        '<a href="../a/" class="ref ref-actor" title="Summary of A">A</a> '
        '<a href="../t/" class="ref ref-term" title="Definition">T</a> '
        '<a href="../a/" class="ref ref-actor" data-tip>A</a> '
        '<a href="../a/" class="ref ref-actor" data-tip>A</a> '
        '<a href="../t/" class="ref ref-term" data-tip>T</a>')


def render(target: LinkTarget) -> str:
    from generator.text import anchor

    return anchor(target, target.label)


def test_scheme_colours_are_declared_where_the_scheme_is() -> None:
    """A custom property made of Material's scheme colours resolves where it is declared:
    declared on :root alone it keeps the light scheme's value in the dark one (muted text
    at 1.2:1). Every rule that declares one also applies to [data-md-color-scheme]."""
    import re

    from tests.conftest import REPO

    css = (REPO / "site_templates" / "assets" / "briefs.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]+)\{([^{}]*--[\w-]+:\s*var\(--md-[^{}]*)\}", css)
    assert rules
    for selector, _ in rules:
        assert "[data-md-color-scheme]" in selector, selector.strip()

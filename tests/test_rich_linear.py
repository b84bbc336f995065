"""Rich text is parsed in linear time, and code spans never carry line breaks into a page.

The work is measured with the parser's own count of the characters it examines
(`parse_rich_counted`), never with a clock, so the checks are deterministic: on every
hostile input family the count stays under a fixed multiple of the input's length and
at most about doubles when the input doubles.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import cycle, islice
from pathlib import Path
from random import Random

import markdown  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.yaml import yaml_load

from generator.text import (
    BulletList,
    Code,
    Emph,
    Inline,
    LinkTarget,
    Paragraph,
    Rich,
    Strong,
    Text,
    parse_rich,
    parse_rich_counted,
    render_rich,
)
from tests.conftest import examples

REPO = Path(__file__).resolve().parent.parent

STEPS_PER_CHAR = 24  # what any input may cost per character (the families measure 3 to 9)
STEPS_SLACK = 16  # and a constant for very short inputs
DOUBLING = 2.3  # doubling the input may at most about double the work
SIZES = (2_000, 4_000, 8_000, 16_000, 32_000, 64_000)

Family = Callable[[int], str]


def repeat(unit: str) -> Family:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def backtick_staircase(n: int) -> str:
    """Runs of 1, 2, 3, ... backticks: no opener has a closer of its length."""
    parts, size, k = [], 0, 1
    while size < n:
        parts.append("`" * k + "a ")
        size += k + 2
        k += 1
    return "".join(parts)[:n]


def backtick_cycle(n: int) -> str:
    """Runs of 1 to 9 backticks over and over."""
    return "".join("`" * k + "a " for k in islice(cycle(range(1, 10)), n))[:n]


def parens_in_a_link(n: int) -> str:
    return ("[a](" + "(" * n)[:n]


def nested_emphasis(n: int) -> str:
    m = n // 20
    return ("*a **b *c " * m + " c* b** a*" * m).ljust(n, "x")


_MIX_UNITS = ("[a", "[[a ", "*a ", "**a ", "[a](", "``a ", "`", "(", ")", "]", "\\", "|", "\n",
              "*", "**", "a]", "](", "[[a|", "x")
_MIX = "".join(Random(7).choices(_MIX_UNITS, k=40_000))


def mixture(n: int) -> str:
    return (_MIX * (n // len(_MIX) + 1))[:n]


FAMILIES: dict[str, Family] = {
    "open-brackets": repeat("[a"),
    "open-references": repeat("[[a "),
    "open-emphasis": repeat("*a "),
    "open-strong": repeat("**a "),
    "open-links": repeat("[a]("),
    "double-backticks": repeat("``a "),
    "backtick-staircase": backtick_staircase,
    "backtick-cycle": backtick_cycle,
    "parens-in-a-link": parens_in_a_link,
    "open-paren-links": repeat("[a](x("),
    "nested-emphasis": nested_emphasis,
    "open-nested-emphasis": repeat("*a **b *c "),
    "triple-stars": repeat("***a "),
    "emphasis-in-links": repeat("*x [**y *z* w**](u) v* "),
    "references-and-brackets": repeat(" **[[a[| ]"),
    "escapes-and-links": repeat("**\\*[]( "),
    "mixture": mixture,
    "mixture-lines": repeat("[[a|b\n[c](d\n*e\n``f\n"),
}


def steps(source: str) -> int:
    return parse_rich_counted(source)[1]


@pytest.mark.parametrize("family", FAMILIES.values(), ids=FAMILIES.keys())
def test_parsing_work_grows_linearly(family: Family) -> None:
    previous = 0
    for size in SIZES:
        source = family(size)
        assert len(source) == size
        work = steps(source)
        assert work <= STEPS_PER_CHAR * size, (size, work)
        if previous:
            assert work <= DOUBLING * previous, (size, previous, work)
        previous = work


@pytest.mark.slow  # a scale test (7 s): the growth test above checks the same bound up to 64 KB
@pytest.mark.parametrize("family", FAMILIES.values(), ids=FAMILIES.keys())
def test_200_kb_of_hostile_text_parses(family: Family) -> None:
    source = family(200_000)
    rich, work = parse_rich_counted(source)
    assert rich.blocks
    assert work <= STEPS_PER_CHAR * len(source)


RICH_PIECES = st.sampled_from([*"[]()*`\\| \nabAB", "**", "[[", "]]", "``", "](", "\n\n", "- ",
                               "https://x.example/"])


@settings(derandomize=True, max_examples=examples(300), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(source=st.one_of(st.lists(RICH_PIECES, max_size=400).map("".join),
                        st.text(alphabet="[]()*`\\| \nab", max_size=400)))
def test_any_text_parses_in_linear_work_and_renders(source: str) -> None:
    rich, work = parse_rich_counted(source)
    assert work <= STEPS_PER_CHAR * len(source) + STEPS_SLACK
    targets = {ref.target: LinkTarget("../x/", "tip", "Name", "ref") for ref in rich.refs()}
    html = str(render_rich(rich, targets))
    assert html.count("\n") == max(len(rich.blocks) - 1, 0)  # one line per block
    assert "\n" not in str(render_rich(rich, targets, inline=True))


# ---------------------------------------------------------------- the changed edge cases


def inlines(source: str) -> tuple[Inline, ...]:
    (paragraph,) = parse_rich(source).blocks
    assert isinstance(paragraph, Paragraph)
    return paragraph.children


def test_code_span_closes_at_a_run_of_its_own_length() -> None:
    # CommonMark's rule; a run of 3 no longer closes a span of 1 (`a``` was Code("a``"))
    assert inlines("`a```b` and ``c`d``") == (Code("a```b"), Text(" and "), Code("c`d"))
    assert inlines("`a``") == (Text("`"), Text("a"), Text("``"))


def test_escaped_backtick_opens_a_shorter_span() -> None:
    assert inlines(r"\``x` y") == (Text("`"), Code("x"), Text(" y"))


def test_emphasis_nests_as_before() -> None:
    assert inlines("*a **b *c* d** e* and **f *g***") == (
        Emph((Text("a "), Strong((Text("b "), Emph((Text("c"),)), Text(" d"))), Text(" e"))),
        Text(" and "),
        Strong((Text("f "), Emph((Text("g"),)))),
    )


# ---------------------------------------------------------------- code spans in the page

FENCED_MERMAID = "Before ``x\n~~~mermaid\ngraph TD; A-->B\n~~~\na < b & c`` after."
FENCED_HEADER = "Before ````x\n``` {#md-content .md-header}\na < b & c\n```\ny```` after."


@cache
def _reader() -> markdown.Markdown:
    """Python-Markdown as MkDocs sets it up from mkdocs.yml (MkDocs' built-ins first)."""
    config = yaml_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    names, options = ["toc", "tables", "fenced_code"], {}
    for entry in config["markdown_extensions"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if isinstance(entry, dict):
            options[name] = entry[name] or {}
        if name not in names:
            names.append(name)
    return markdown.Markdown(extensions=names, extension_configs=options)


def _page(source: str) -> str:
    """`source` as a brief page holds it (a section and a key point), read by Markdown."""
    rich = parse_rich(source)
    page = (f'<div class="brief-section">{render_rich(rich, {})}</div>\n\n'
            f'<ul class="key-points"><li>{render_rich(rich, {}, inline=True)}</li></ul>\n')
    return str(_reader().reset().convert(page))


def test_line_breaks_in_code_spans_become_spaces() -> None:
    assert inlines("``a\nb``") == (Code("a b"),)
    assert parse_rich("- ``a\n  b``").blocks[0] == BulletList(((Code("a b"),),))


@pytest.mark.parametrize(("source", "code"), [
    (FENCED_MERMAID, "<code>x ~~~mermaid graph TD; A--&gt;B ~~~ a &lt; b &amp; c</code>"),
    (FENCED_HEADER, "<code>x ``` {#md-content .md-header} a &lt; b &amp; c ``` y</code>"),
], ids=["mermaid", "md-content"])
def test_fence_in_a_code_span_stays_code_text(source: str, code: str) -> None:
    rich = parse_rich(source)
    assert "\n" not in str(render_rich(rich, {}))
    html = _page(source)
    assert "<pre" not in html
    assert 'class="mermaid"' not in html
    assert 'id="md-content"' not in html
    assert html.count(code) == 2  # once-escaped, in the section and in the list item
    assert "&amp;lt;" not in html and "&amp;gt;" not in html and "&amp;amp;" not in html


def test_code_span_text_is_escaped_once() -> None:
    html = _page("Code `a < b & c`, `&amp;` and **`x > y`**.")
    assert html.count("<code>a &lt; b &amp; c</code>") == 2
    assert html.count("<code>&amp;amp;</code>") == 2  # `&amp;` as typed, shown as typed
    assert html.count("<strong><code>x &gt; y</code></strong>") == 2


def test_render_never_breaks_a_line_inside_a_block() -> None:
    built = Rich("", (Paragraph((Text("a\nb"), Code("c\r\nd\re"))),))  # not from the parser
    assert str(render_rich(built, {})) == "<p>a b<code>c d e</code></p>"

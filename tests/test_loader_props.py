"""Property tests: no input makes the loader, the check or the text functions misbehave.

* any bytes into decode/parse_document, with either YAML parser, give data or LoadError;
* both parsers accept the same documents, read them the same and report the same problems;
* `briefs check` on a project holding one arbitrary file reports, never raises;
* rich text renders to HTML whose text is its plain rendering, with only subset elements;
* md_plain text rendered by Python-Markdown is exactly the text, with no new elements.

Examples are derandomized so every run explores the same inputs; `make test-fast` runs a
fifth of them (the "fast" Hypothesis profile, tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import load
from generator.cli import main
from generator.diagnostics import CODES
from generator.text import LinkTarget, md_plain, parse_rich, render_rich, text_problem
from generator.urls import link_scheme_problem
from tests.conftest import examples

CASES_BASE = Path(__file__).resolve().parent / "cases" / "_base"
PROPS = settings(max_examples=examples(200), deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow])
DIAGNOSTIC_LINE = re.compile(r"^[^:\n]+:[1-9]\d*:[1-9]\d*: error\[([a-z0-9-]+)\]: .+$")

# Pieces of YAML syntax (and of the things the loader must refuse), to be glued at random.
FRAGMENTS = [
    "title", "kind", "name", "a", "b", ": ", ":", "- ", "-", "\n", "\n  ", "\n    ", "  ", " ",
    "\t", "&x ", "*x", "!!str ", "!!binary ", "!!python/object/apply:os.system ", "!t ",
    "<<: ", "? ", "[", "]", "{", "}", ", ", "'", '"', "|\n", ">-\n", "# c", "---\n", "...\n",
    "%YAML 1.1\n", "%TAG ! tag:x,1:\n", "\\u00e9", "\\ud800", "\\x41", "\\", "é", "\u2028",
    "\ufeff", "\x85", "\x00", "\x07", "1.10", "NO", "~", "null", "2024-02-30", "12:30", "0x1F",
    "[[arland]]", "[x](javascript:alert(1))", "<script>", "😀", "\r\n", "\r",
]
yaml_text = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
any_text = st.one_of(yaml_text, st.text(max_size=200))


@contextlib.contextmanager
def parser(c_loader: bool) -> Iterator[None]:
    load.use_c_loader(c_loader)
    try:
        yield
    finally:
        load.use_c_loader(True)


def outcome(text: str, c_loader: bool) -> tuple[str, object]:
    """('ok', data) or ('error', sorted (line, column, code)); anything else raises."""
    with parser(c_loader):
        try:
            doc = load.parse_document(text, "briefs/x.yaml")
        except load.LoadError as exc:
            problems = exc.diagnostics
        else:
            problems = []
    if problems:
        for d in problems:
            assert d.path == "briefs/x.yaml"
            assert d.line >= 1
            assert d.column >= 1
            assert d.code in CODES
            assert d.message
        return "error", sorted((d.line, d.column, d.code) for d in problems)
    assert isinstance(doc.data, dict)
    _assert_plain_data(doc.data)
    return "ok", doc.data


def _assert_plain_data(value: object) -> None:
    """Loaded data is only dicts with str keys, lists, str and None: no YAML types."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            _assert_plain_data(item)
    elif isinstance(value, list):
        for item in value:
            _assert_plain_data(item)
    else:
        assert value is None or isinstance(value, str), type(value)


@pytest.mark.parametrize("c_loader", [True, False], ids=["libyaml", "pure-python"])
@PROPS
@given(raw=st.binary(max_size=300))
def test_any_bytes_decode_or_report(c_loader: bool, raw: bytes) -> None:
    try:
        text = load.decode(raw, "briefs/x.yaml")
    except load.LoadError as exc:
        codes = [d.code for d in exc.diagnostics]
    else:
        codes = []
    if codes:
        assert codes in (["nul-byte"], ["not-utf8"])
        return
    outcome(text, c_loader)


@pytest.mark.parametrize("c_loader", [True, False], ids=["libyaml", "pure-python"])
@PROPS
@given(text=any_text)
def test_any_text_parses_or_reports(c_loader: bool, text: str) -> None:
    outcome(text, c_loader)


@PROPS
@given(text=yaml_text)
@example(text="a: 1\nb:\tc\n")  # a tab after the colon
@example(text="%FOO bar\n---\na: 1\n")  # an unknown directive
@example(text='a: "\\ud800"\n')  # a lone surrogate escape
def test_both_parsers_agree(text: str) -> None:
    """Same documents accepted, same data, same problems at the same places."""
    assert outcome(text, True) == outcome(text, False)


# ---------------------------------------------------------------- the whole check


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(shutil.copytree(CASES_BASE, tmp_path_factory.mktemp("props") / "p"))


PLACES = ["briefs/extra.yaml", "briefs/actors/extra.yaml", "briefs/glossary/extra.yaml",
          "briefs/ministers-meet.yaml", "briefs/actors/arland.yaml", "seeds/talks.yaml",
          "seeds/talks.txt", "briefs/notes.txt"]


@pytest.mark.parametrize("c_loader", [True, False], ids=["libyaml", "pure-python"])
@settings(PROPS, max_examples=examples(100))
@given(place=st.sampled_from(PLACES),
       data=st.one_of(st.binary(max_size=200), yaml_text.map(str.encode),
                      st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_check_reports_and_never_raises(scratch: Path, c_loader: bool, place: str,
                                        data: bytes) -> None:
    path = scratch / place
    original = path.read_bytes() if path.exists() else None
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        with parser(c_loader), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["--root", str(scratch), "check"])
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)
    assert status in (0, 1), err.getvalue()
    text = out.getvalue()
    text.encode("utf-8")  # printable on a UTF-8 terminal: no lone surrogates
    for line in text.splitlines():
        match = DIAGNOSTIC_LINE.match(line)
        assert match, line
        assert match.group(1) in CODES
    assert (status == 0) == (text == "")


# ---------------------------------------------------------------- rich text


RICH_ALPHABET = st.sampled_from([*"ab AB.,:;!?\n-*_`[]()|\\<>&\"'#{}=~^$%/1",
                                 "[[arland]]", "[[borvia|B]]", "https://x.example/",
                                 "mailto:a@b.c", "javascript:", "**", "- ", "\n\n", "é", "😀"])
rich_text = st.lists(RICH_ALPHABET, max_size=60).map("".join)


def _nows(text: str) -> str:
    return "".join(text.split())


@PROPS
@given(source=st.one_of(rich_text, st.text(max_size=120)))
def test_rich_html_text_is_its_plain_rendering(source: str) -> None:
    if text_problem(source, multiline=True):
        return
    rich = parse_rich(source)
    if rich.problems:
        for problem in rich.problems:
            assert problem.code in CODES
            assert problem.snippet in source
        return
    targets = {ref.target: LinkTarget(f"../{ref.target or 'x'}/", "tip <b>", f"Name {ref.target}",
                                      "ref")
               for ref in rich.refs()}
    names = {target: view.label for target, view in targets.items()}
    rendered = render_rich(rich, targets)
    soup = BeautifulSoup(str(rendered), "html.parser")
    assert _nows(soup.get_text("")) == _nows(rich.plain(names))
    for el in soup.find_all(True):
        assert el.name in ("p", "ul", "li", "em", "strong", "code", "a"), el.name
        assert set(el.attrs) <= {"href", "rel", "class", "title"}, el.attrs
        if el.name == "a":
            href = str(el.get("href"))
            assert href.startswith("../") or link_scheme_problem(href) is None, href


# ---------------------------------------------------------------- plain text in Markdown


def plain_values() -> st.SearchStrategy[str]:
    alphabet = st.one_of(st.sampled_from(list("<>&\"'`*_[](){}#!|=:-+.\\/~^$%@ 1aA")),
                         st.characters(codec="utf-8"))
    return (st.lists(alphabet, min_size=1, max_size=40).map("".join)
            .filter(lambda t: t.strip() != "" and text_problem(t, multiline=False) is None))


EXTENSIONS = ["toc", "pymdownx.superfences", "attr_list", "md_in_html", "admonition",
              "pymdownx.snippets", "pymdownx.tabbed", "footnotes", "def_list", "abbr", "tables"]


_MD = markdown.Markdown(extensions=EXTENSIONS)


def _markdown(text: str) -> BeautifulSoup:
    return BeautifulSoup(_MD.reset().convert(text), "html.parser")


@PROPS
@given(text=plain_values())
def test_md_plain_inside_a_paragraph_is_literal(text: str) -> None:
    """Within running text (where templates place plain values) nothing is interpreted."""
    soup = _markdown(f"Before {md_plain(text)} after")
    assert [el.name for el in soup.find_all(True)] == ["p"]
    assert html.unescape(soup.get_text()) == f"Before {text} after"


@PROPS
@given(text=plain_values())
@example(text="2024. A year of talks")  # an ordered-list marker
@example(text="    indented")  # an indented code block
def test_md_plain_at_line_start_is_literal(text: str) -> None:
    """md_plain promises 'any Markdown context': a whole paragraph of its own included."""
    soup = _markdown(str(md_plain(text)))
    assert [el.name for el in soup.find_all(True)] == ["p"], str(soup)
    assert html.unescape(soup.get_text()).strip() == text.strip()


@PROPS
@given(text=plain_values())
def test_md_plain_in_a_heading_and_a_link_is_literal(text: str) -> None:
    soup = _markdown(f"## {md_plain(text)}\n\n[{md_plain(text)}](https://example.com/)")
    heading, link = soup.find("h2"), soup.find("a")
    assert heading is not None
    assert link is not None
    assert html.unescape(heading.get_text()).strip() == text.strip()
    assert html.unescape(link.get_text()).strip() == text.strip()
    assert {el.name for el in soup.find_all(True)} == {"h2", "p", "a"}


# ---------------------------------------------------------------- YAML 1.1 guessing


GUESSES = {"no": "NO", "yes": "yes", "off": "Off", "float": "1.10", "octal": "012",
           "sexagesimal": "12:30", "hex": "0x1F", "exp": "1e3", "inf": ".inf", "nan": ".NaN",
           "null": "null", "tilde": "~", "date": "2024-04-09", "bad-date": "2024-02-30",
           "timestamp": "2024-04-09T10:00:00Z", "int-sep": "1_000", "binary": "0b101",
           "plus": "+12", "bool-y": "y"}


@pytest.mark.parametrize("c_loader", [True, False], ids=["libyaml", "pure-python"])
def test_scalars_stay_the_text_typed(c_loader: bool) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in GUESSES.items())
    text += "list:\n" + "".join(f"  - {value}\n" for value in GUESSES.values())
    text += "empty:\nquoted-empty: ''\n"
    with parser(c_loader):
        doc = load.parse_document(text, "briefs/x.yaml")
    expected: dict[str, object] = dict(GUESSES)
    expected["list"] = list(GUESSES.values())
    expected.update({"empty": None, "quoted-empty": ""})
    assert doc.data == expected

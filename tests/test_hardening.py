"""Untrusted content, second round: the rules every text obeys wherever it enters or lands.

* one character rule for every field kind (plain, rich, URL) and for ids and dates;
* text normalised to NFC where it is read, so lookalikes are one spelling;
* front matter written by a YAML emitter and read back: a page whose front matter MkDocs
  would drop is an error, never Markdown;
* a diagnostic is always one line, whatever the value it quotes;
* content folders that are links or missing are errors, even when the cache is fresh;
* quotes are matched as whole words and hold at least one word.

The located diagnostics for each class are golden cases in tests/cases/; these are the
properties behind them.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import PluginError

from generator.chars import bad_character, nfc, shown
from generator.diagnostics import Diagnostic, DiagnosticsError, format_diagnostics
from generator.load import LoadError, parse_document, read_text
from generator.mkdocs_plugin import BriefsPlugin
from generator.models import Actor
from generator.pipeline import check, generate
from generator.provenance import verify_quote
from generator.text import count_sentences, front_matter_problem, yaml_string
from generator.urls import SiteConfig, id_problem, link_scheme_problem
from tests.conftest import examples

PROPS = settings(max_examples=examples(300), deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow])
CONFIG = SiteConfig("Briefs", "https://example.org/")
REFUSED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
ID_FULL = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# ---------------------------------------------------------------- the character rule

def _refused(char: str) -> bool:
    return unicodedata.category(char) in REFUSED and char not in "\t\n"


@PROPS
@given(st.text(min_size=1, max_size=40))
@example("https://example.com/a\x9bb")
@example("https://example.com/\ufffe")
@example("https://exa\u200bmple.com/")
@example("https://example.com/\u202egpj.exe")
def test_no_refused_character_passes_any_field_kind(value: str) -> None:
    """Plain text, rich text and URLs share the rule: a control (C0, DEL, C1), format,
    surrogate, private-use or unassigned character is never content."""
    has_refused = any(_refused(c) for c in value.replace("\u200d", ""))
    if has_refused:
        assert bad_character(value, multiline=False) is not None
        assert bad_character(value, multiline=True) is not None
        url = "https://example.com/" + value
        assert link_scheme_problem(url) is not None
        assert link_scheme_problem(url, ("http", "https")) is not None


def test_zero_width_joiner_only_inside_emoji() -> None:
    assert bad_character("👩\u200d💻", multiline=False) is None
    assert bad_character("Arl\u200dand", multiline=False) is not None
    assert bad_character("\u200dArland", multiline=False) is not None


@PROPS
@given(st.text(max_size=30))
@example("zz-nl\n")
@example("china\n")
@example("a--b")
def test_ids_are_matched_in_full(value: str) -> None:
    if id_problem(value) is None:
        assert ID_FULL.fullmatch(value) and len(value) <= 64


@pytest.mark.parametrize("value", ["2024-05-01\n", "\u0662\u0660\u0662\u0664-05-01",
                                   "\uff12\uff10\uff12\uff14-05-01", " 2024-05-01"])
def test_dates_are_ascii_and_whole(value: str) -> None:
    document = f'name: X\nkind: person\nsummary: One.\nrole: R\nas_of: "{value}"\n'
    data = yaml.safe_load(document)
    with pytest.raises(Exception, match="as_of"):
        Actor.model_validate(data)


# ---------------------------------------------------------------- normalisation


@PROPS
@given(st.text(alphabet=st.sampled_from("aeoucnAEO\u0301\u0308\u0303\u00e9\u00f1 "),
               min_size=1, max_size=20))
def test_scalars_are_nfc_once_read(value: str) -> None:
    text = "key: " + str(yaml_string(unicodedata.normalize("NFD", value))) + "\n"
    document = parse_document(text, "x.yaml")
    assert document.data["key"] == unicodedata.normalize("NFC", value)
    assert nfc(document.data["key"]) == document.data["key"]


def test_quote_typed_nfd_matches_article_in_nfc() -> None:
    article = nfc('She said: "Caf\u00e9 talks will go on," and left.')
    assert verify_quote(nfc("Cafe\u0301 talks will go on"), article).found


# ---------------------------------------------------------------- front matter


@PROPS
@given(st.text(max_size=60))
@example("a\x9bb")
@example("Click [here](javascript:alert(document.domain)) now")
@example("x\ufffe\x85\u2028")
@example('"quoted": yes # no')
@example("😀 e\u0301")
def test_front_matter_reads_back_whatever_the_value(value: str) -> None:
    """Any text through the emitter is read back as itself by MkDocs' reader."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return  # not text: a lone surrogate cannot come from UTF-8 input
    page = f"---\ntitle: {yaml_string(value)}\n---\n\nbody\n"
    assert front_matter_problem(page) is None
    match = re.match(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", page, re.DOTALL)
    assert match is not None
    assert yaml.safe_load(match.group(1)) == {"title": value}


def test_unreadable_front_matter_is_a_problem() -> None:
    assert front_matter_problem('---\ntitle: "a\x9bb"\n---\n\nx\n') is not None
    assert front_matter_problem("---\ntitle: [unclosed\n---\n\nx\n") is not None
    assert front_matter_problem("---\ntitle: x\n") is not None
    assert front_matter_problem("---\n- a list\n---\n\nx\n") is not None
    assert front_matter_problem("---\ntitle: x\n---\n\nx\n") is None
    assert front_matter_problem("# no front matter\n") is None


def test_plugin_refuses_a_page_whose_front_matter_was_dropped() -> None:
    """MkDocs keeps the block in the Markdown when its YAML reader refuses it; the plugin
    stops the build instead of publishing the block as Markdown."""
    plugin = BriefsPlugin()
    page = SimpleNamespace(file=SimpleNamespace(src_uri="briefs/x/index.md"))
    bad = '---\ntitle: "Click [here](javascript:alert(1))\x9b"\n---\n\nbody\n'
    with pytest.raises(PluginError, match=r"briefs/x/index\.md"):
        plugin.on_page_markdown(bad, page=page, config=None, files=None)  # type: ignore[arg-type]
    assert plugin.on_page_markdown("body\n", page=page, config=None,  # type: ignore[arg-type]
                                   files=None) == "body\n"


def test_generated_pages_keep_their_front_matter(project: Path) -> None:
    generate(project, CONFIG)
    pages = list((project / "docs").rglob("*.md"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if text.startswith("---"):
            assert front_matter_problem(text) is None, page


# ---------------------------------------------------------------- diagnostics


@PROPS
@given(st.text(max_size=40), st.text(max_size=20))
@example("x\nbriefs/fake.yaml:1:1: error[bad-ref]: injected", "")
@example("a\rb\u2028c\x85d", "hint\nline")
def test_a_diagnostic_is_always_one_line(message: str, hint: str) -> None:
    diagnostic = Diagnostic("briefs/a\nb.yaml", 1, 1, "bad-value", message, hint)
    for fmt in ("text", "github"):
        out = format_diagnostics([diagnostic], fmt)
        assert len(out.splitlines()) == 1, out
    assert "\n" not in shown(message)


def test_forged_diagnostic_is_not_printed(project: Path) -> None:
    brief = next((project / "briefs").glob("*.yaml"))
    text = brief.read_text(encoding="utf-8")
    brief.write_text(re.sub(r"(?m)^date: .*$",
                            'date: "x\\nbriefs/fake.yaml:1:1: error[bad-ref]: injected"', text,
                            count=1), encoding="utf-8")
    _, problems = check(project)
    out = format_diagnostics(problems)
    assert not any(line.startswith("briefs/fake.yaml") for line in out.splitlines())
    assert len(out.splitlines()) == len(problems)


# ---------------------------------------------------------------- files and folders


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    import os
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(LoadError) as caught:
        read_text(fifo, "briefs/pipe.yaml")  # would block forever if opened for reading
    assert caught.value.diagnostics[0].code == "not-content"


def _replace_with_link(folder: Path) -> None:
    real = folder.with_name(f"real-{folder.name}")
    shutil.move(folder, real)
    folder.symlink_to(real.name)


@pytest.mark.parametrize("name", ["briefs", "seeds"])
def test_linked_folder_after_a_build_is_an_error_not_a_cached_site(project: Path,
                                                                   name: str) -> None:
    """A fresh cache must not hide a content folder that became a link since."""
    generate(project, CONFIG)
    before = {p: p.read_bytes() for p in (project / "docs").rglob("*") if p.is_file()}
    _replace_with_link(project / name)
    with pytest.raises(DiagnosticsError) as caught:
        generate(project, CONFIG)
    assert [d.code for d in caught.value.diagnostics] == ["bad-folder"]
    assert {p: p.read_bytes() for p in (project / "docs").rglob("*") if p.is_file()} == before


def test_missing_briefs_folder_is_an_error(project: Path) -> None:
    shutil.rmtree(project / "briefs")
    _, problems = check(project)
    assert [(d.path, d.code) for d in problems] == [("briefs", "bad-folder")]


# ---------------------------------------------------------------- quotes and sentences

ARTICLE = nfc('The minister said: "We remain globally isolated, and we know it." Then: '
              '"Talks will go on."')


@pytest.mark.parametrize(("quote", "found"), [
    ("We remain globally isolated", True),
    ("globally isolated, and we know it", True),
    ("We remain … we know it", True),
    ("ally isolated", False),  # part of a word
    ("We remain global", False),
    ("know i", False),
    ("…", False),  # no word at all
    ("“ ... ”", False),
    ("' '", False),
])
def test_quotes_match_whole_words(quote: str, found: bool) -> None:
    assert verify_quote(nfc(quote), ARTICLE).found is found


@pytest.mark.parametrize(("text", "count"), [
    ("One.Two.Three.Four.Five! six?", 6),
    ("Sergei V. Lavrov is Foreign Minister. He has served since 2004.", 2),
    ("The U.S. and China met. Talks went on.", 2),
    ("Mr. Smith went to Washington.", 1),
    ("See example.com or version 3.5 for more.", 1),
    ("Really? yes! no.", 3),
])
def test_sentences_are_counted_without_spaces_too(text: str, count: int) -> None:
    assert count_sentences(text) == count


@PROPS
@given(st.text(alphabet=st.sampled_from("ab .!?\n\"A"), max_size=2000))
def test_sentence_count_is_bounded_by_the_stops(text: str) -> None:
    stops = sum(text.count(c) for c in ".!?")
    assert 1 <= count_sentences(text) <= stops + 1

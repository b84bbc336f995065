"""Quotes are checked as quotes, and attributed (CONTENT-MODEL.md, Provenance).

`check_quote` on small seed articles written here: the words must lie inside one quotation
of the article (multi-paragraph quotations, nested quotes, apostrophes, straight quotes),
and a name of the speaker, or the quote's `attribution`, must occur in the quote's
paragraph or one of the two before it. Then the same through `briefs check` (codes,
messages, locations), and through generation: an actor's alias edit re-checks the quotes
that name it.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import cache, incremental
from generator.diagnostics import DiagnosticsError
from generator.incremental import FullReason, Reason
from generator.pipeline import check, generate, generate_files
from generator.provenance import Verdict, check_quote, normalise, read_article
from generator.site import site_config
from generator.urls import SiteConfig
from tests.conftest import REPO, examples
from tests.corpus import build_corpus

LIMA = ("Ana Lima", "Ms Lima", "Lima")


def verdict(article: str, quote: str, names: tuple[str, ...] = LIMA) -> Verdict:
    return check_quote(quote, read_article(article), names)


def accepted(article: str, quote: str, names: tuple[str, ...] = LIMA) -> bool:
    return verdict(article, quote, names).verified


# ---------------------------------------------------------------- quoted, not narrated

SPANNING = (
    "Ana Lima spoke at length on Monday.\n"
    "“We will build the bridge,” Ms Lima said. “It will take years\n"
    "\n"
    "“and it will cost more than anyone expects.\n"
    "“But it will be built.” The minister then left.\n"
    "Reporters waited outside.\n"
)


@pytest.mark.parametrize("quote", [
    "We will build the bridge",
    "It will take years",
    "and it will cost more than anyone expects",  # a paragraph the quotation goes on in
    "But it will be built",
    "It will take years ... and it will cost more",  # an elision over the break
    "We will build the bridge ... But it will be built",  # parts in two quotations
])
def test_a_quotation_runs_over_paragraphs_that_reopen_it(quote: str) -> None:
    assert accepted(SPANNING, quote)


@pytest.mark.parametrize(("quote", "narrated", "paragraph"), [
    ("The minister then left", "The minister then left", 4),  # after the closing mark
    ("Reporters waited outside", "Reporters waited outside", 5),
    ("Ms Lima said", "Ms Lima said", 2),
    ("We will build the bridge, ... Ms Lima said", "Ms Lima said", 2),
    ("built.' The minister", "built.' The minister", 4),  # across the closing mark
])
def test_narration_is_not_a_quote(quote: str, narrated: str, paragraph: int) -> None:
    result = verdict(SPANNING, quote)
    assert result.found and not result.verified
    assert (result.unquoted, result.paragraph) == (narrated, paragraph)


def test_a_paragraph_that_does_not_reopen_ends_the_quotation() -> None:
    article = "“We will build it, Ms Lima said\nOfficials doubt the plan.\n"
    assert accepted(article, "We will build it")
    assert verdict(article, "Officials doubt the plan").unquoted == "Officials doubt the plan"


NESTED = (
    "Ms Lima answered her critics on Monday.\n"
    "“They call it ‘the collective West,’ and it’s the Kremlins’ word, not ours,” she said.\n"
    "Her aides’ view of the ‘collective West’ was harsher, Ms Lima’s office said.\n"
)


@pytest.mark.parametrize("quote", [
    "the collective West",  # in a quotation within the quotation
    "They call it ‘the collective West,’ and it’s the Kremlins’ word",
    "and it's the Kremlins' word, not ours",  # apostrophes inside do not close it
])
def test_nested_quotes_and_apostrophes_inside_a_quotation(quote: str) -> None:
    assert accepted(NESTED, quote)


@pytest.mark.parametrize("quote", [
    "Her aides’ view",  # an apostrophe at the end of a word opens nothing
    "was harsher",  # ’ of "aides’" is no quotation mark that ‘ could close
    "Lima’s office said",
])
def test_apostrophes_and_single_quotes_in_narration_are_no_quotation(quote: str) -> None:
    assert verdict(NESTED, quote).unquoted


def test_single_quotes_count_only_inside_double_ones() -> None:
    # ‘collective West’ occurs twice: in the quotation (counts) and in narration (not)
    assert accepted(NESTED, "collective West")
    narration_only = "Her aides spoke of the ‘collective West’ on Monday, Ms Lima said.\n"
    assert verdict(narration_only, "collective West").unquoted == "collective West"


def test_curly_quotes_inside_curly_quotes_nest() -> None:
    article = "“We reject what they call “order” in the region,” Ms Lima said.\n"
    assert accepted(article, "We reject what they call 'order' in the region")
    assert accepted(article, "in the region")


STRAIGHT = ('"We agree," Ms Lima said. "Fully, and at once."\n'
            'She left for "talks" abroad.\n')


def test_straight_quotes_open_and_close_in_turn() -> None:
    assert accepted(STRAIGHT, "We agree")
    assert accepted(STRAIGHT, "Fully, and at once.")
    assert accepted(STRAIGHT, "talks", names=("She",))
    assert verdict(STRAIGHT, "Ms Lima said").unquoted == "Ms Lima said"
    assert verdict(STRAIGHT, "She left for").unquoted == "She left for"


def test_straight_quotes_reopen_a_following_paragraph() -> None:
    article = '"We agree, Ms Lima said\n"and we will sign.\nOfficials were silent.\n'
    assert accepted(article, "and we will sign")
    assert verdict(article, "Officials were silent").unquoted


def test_an_occurrence_inside_a_quotation_counts_beside_one_in_narration() -> None:
    article = ("Ms Lima said the plan is sound.\n"
               "“The plan is sound,” she added. “It is.”\n")
    assert accepted(article, "plan is sound")
    assert verdict(article, "Ms Lima said the plan").unquoted


def test_every_part_of_an_elided_quote_must_be_quoted() -> None:
    article = ("“We will build the bridge,” Ms Lima said on Monday. The bridge will cost "
               "more than planned.\n")
    assert accepted(article, "We will ... the bridge")
    result = verdict(article, "We will build the bridge ... will cost more")
    assert result.unquoted == "will cost more" and result.paragraph == 1


def test_a_quote_not_in_the_article_is_reported_as_before() -> None:
    result = verdict(SPANNING, "We shall build a bridge")
    assert not result.found and result.closest and not result.unquoted


# ---------------------------------------------------------------- attributed

WINDOW = ("Ana Lima arrived in the capital.\n"
          "The talks went on all day.\n"
          "Officials gave few details.\n"
          "“We agree,” said the acting chief justice.\n")


def test_the_speaker_named_two_paragraphs_before_is_enough() -> None:
    article = WINDOW.split("\n", 1)[1].replace("The talks", "Ms Lima's talks", 1)
    assert accepted(article, "We agree")


def test_the_speaker_named_three_paragraphs_before_is_not() -> None:
    result = verdict(WINDOW, "We agree")
    assert result.found and not result.unquoted
    assert result.unattributed == ((2, 4),)


def test_the_speaker_named_in_the_quote_s_paragraph() -> None:
    assert accepted("Nothing here.\n“We agree,” Lima said.\n", "We agree")


def test_aliases_are_whole_words_case_sensitive_and_normalised() -> None:
    assert not accepted("Limas and LIMA.\n“We agree,” they said.\n", "We agree")
    assert accepted("Ms\u00a0Lima’s aides.\n“We agree,” they said.\n", "We agree",
                    names=("Ms Lima's",))


def test_attribution_words_stand_in_for_the_names() -> None:
    assert accepted(WINDOW, "We agree", names=("said the acting chief justice",))
    result = verdict(WINDOW, "We agree", names=("said the chief justice",))
    assert result.unattributed == ((2, 4),)
    # the window holds for attribution words too: here they are three paragraphs before
    late = WINDOW + "Lunch followed.\n\n“We disagree,” the justice added.\n"
    assert not accepted(late, "We disagree", names=("Officials gave",))
    assert accepted(late, "We disagree", names=("the justice added",))


def test_a_quotation_over_paragraphs_is_attributed_from_its_first_part() -> None:
    # window: two paragraphs before the first part, to the paragraph of the last
    article = "Ms Lima spoke.\nFiller one.\n“A first,\n“then a second.”\n"
    assert accepted(article, "A first, ... then a second")
    assert not accepted(article, "then a second")  # its own window starts at "Filler one"


def test_every_occurrence_inside_a_quotation_is_tried() -> None:
    article = ("“We agree,” a voice said.\nA.\nB.\nC.\nMs Lima then spoke.\n"
               "“We agree,” she said.\n")
    assert accepted(article, "We agree")
    assert verdict(article, "We agree", names=("Nobody",)).unattributed == ((1, 1), (4, 6))


# ---------------------------------------------------------------- properties

WORD = st.text(alphabet="bcfjqruvwxyz", min_size=1, max_size=8)
WORDS = st.lists(st.one_of(WORD, WORD.map(lambda w: w + "’s")), min_size=1, max_size=6
                 ).map(" ".join)


@settings(max_examples=examples(200), deadline=None, derandomize=True, database=None)
@given(words=WORDS, before=st.integers(0, 1), straight=st.booleans())
def test_words_in_quotation_marks_near_the_speaker_are_accepted(
        words: str, before: int, straight: bool) -> None:
    opening, closing = ('"', '"') if straight else ("“", "”")
    filler = ["Ms Lima arrived.", *["Talks went on."] * before]
    article = "\n".join([*filler, f"{opening}{words},{closing} the minister said.",
                         "“Nothing to add,” an aide said."]) + "\n"
    assert accepted(article, words)


@settings(max_examples=examples(200), deadline=None, derandomize=True, database=None)
@given(words=WORDS, before=st.integers(0, 1))
def test_the_same_words_outside_any_quotation_are_refused(words: str, before: int) -> None:
    filler = ["Ms Lima arrived.", *["Talks went on."] * before]
    article = "\n".join([*filler, f"The minister said {words} today.",
                         "“Nothing to add,” an aide said."]) + "\n"
    result = verdict(article, words)
    assert result.found and result.unquoted == normalise(words)


@settings(max_examples=examples(300), deadline=None, derandomize=True, database=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab ’‘“”\"'…-—.\n\t\r\u00a0\u2028\x1c")),
                    max_size=40))
def test_the_article_s_text_is_the_normalised_text_with_its_origins(text: str) -> None:
    article = read_article(text)
    assert article.text == normalise(text)
    for i, char in enumerate(article.text):
        source = text[article.origin(i)]
        assert normalise(source) == char or (source, char) == ("…", ".") or (
            char == " " and source.isspace())
    assert list(article.quotation_starts) == sorted(article.quotation_starts)
    assert all(s <= e for s, e in zip(article.quotation_starts, article.quotation_ends,
                                      strict=True))
    paragraphs = [line for line in text.replace("\r", "\n").split("\n") if line.strip()]
    assert [article.text[s:e] for s, e in zip(article.paragraph_starts,
                                              article.paragraph_ends, strict=True)] == [
        normalise(p) for p in paragraphs]


# ---------------------------------------------------------------- briefs check

BASE = Path(__file__).resolve().parent / "cases" / "_base"
SEED = ("Arland and Borvia held talks on Tuesday.\n"
        "The talks lasted four hours.\n"
        "Officials described them as frank and useful.\n"
        "“We will keep talking,” the foreign minister said after the meeting.\n")


def _project(tmp_path: Path, quotes: str) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    (root / "seeds" / "talks.txt").write_text(SEED, encoding="utf-8")
    brief = root / "briefs" / "ministers-meet.yaml"
    text = brief.read_text(encoding="utf-8")
    start, end = text.index("quotes:\n"), text.index("relations:\n")
    brief.write_text(text[:start] + quotes + text[end:], encoding="utf-8")
    return root


def _problems(root: Path) -> list[str]:
    return [d.format_text() for d in check(root)[1]]


def test_check_reports_each_problem_once_at_its_field(tmp_path: Path) -> None:
    root = _project(tmp_path, (
        "quotes:\n"
        "  - speaker: arland\n"  # line 15
        "    text: frank and useful\n"
        "  - speaker: arland\n"
        "    text: We will keep talking\n"
        "  - speaker: borvia\n"
        "    text: We will keep talking\n"
        "    attribution: the Borvian minister said\n"
        "  - speaker: arland\n"
        "    text: We will keep talking\n"
        "    attribution: the foreign minister said\n"
        "  - speaker: borvia\n"
        "    text: We will ... talking ... after the meeting\n"))
    rel = "briefs/ministers-meet.yaml"
    assert _problems(root) == [
        f"{rel}:16:11: error[quote-not-quoted-in-source]: “frank and useful” is not inside "
        "one quotation of seeds/talks.txt (paragraph 3): a quote must be words the article "
        "puts between an opening and a closing quotation mark, not its own narration",
        f"{rel}:18:11: error[quote-speaker-not-in-source]: the speaker arland is not named "
        "near the quote: its name “Arland” does not occur in paragraphs 2-4 of seeds/talks.txt, "
        "the quote's paragraph and the two before it (where the article names the speaker in "
        "other words, such as “said the acting chief justice”, give them in the quote's "
        "attribution field)",
        f"{rel}:21:18: error[quote-speaker-not-in-source]: the attribution “the Borvian "
        "minister said” does not occur in paragraphs 2-4 of seeds/talks.txt, the quote's "
        "paragraph and the two before it (attribution gives the article's own words that "
        "name the speaker there)",
        f"{rel}:26:11: error[quote-not-quoted-in-source]: a part of the elided quote, “after "
        "the meeting”, is not inside one quotation of seeds/talks.txt (paragraph 4): a quote "
        "must be words the article puts between an opening and a closing quotation mark, not "
        "its own narration",
    ]


def test_a_speaker_with_several_names_lists_them(tmp_path: Path) -> None:
    root = _project(tmp_path, "quotes:\n  - speaker: borvia\n    text: We will keep talking\n")
    (problem,) = _problems(root)
    assert ("none of its names and aliases (“Borvia”, “the Borvians”) occurs in "
            "paragraphs 2-4 of seeds/talks.txt" in problem)


# ---------------------------------------------------------------- generation

ACTOR = "name: Ana Lima\nkind: person\naliases:\n  - {alias}\nsummary: |\n  A minister.\n"
BRIEF = """title: Lima on the bridge
dek: The minister defended the bridge.
date: 2024-04-09
source:
  seed: lima-bridge
what_happened: |
  The minister spoke.
why_it_matters: |
  The bridge is costly.
key_points:
  - The bridge will be built.
quotes:
  - speaker: ana-lima
    text: It will be built
"""


@pytest.fixture
def frozen_code(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                ) -> None:
    """The generator's code as imported: another edit of generator/ on disk while this runs
    is no code change to it (as in test_incremental.py)."""
    real = cache.fingerprint
    empty = tmp_path_factory.mktemp("empty")
    code = real(empty, SiteConfig("", ""), empty / "docs")["code"]

    def fingerprint(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**real(*args, **kwargs), "code": code}

    monkeypatch.setattr(cache, "fingerprint", fingerprint)


@pytest.mark.usefixtures("frozen_code")
def test_an_alias_edit_rechecks_the_quotes_that_name_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "site"
    build_corpus(root, 3, 4, 2)
    actor = root / "briefs" / "actors" / "ana-lima.yaml"
    actor.write_text(ACTOR.format(alias="Minister Lima"), encoding="utf-8")
    (root / "seeds" / "lima-bridge.txt").write_text(
        "Minister Lima spoke on Monday.\n“It will be built,” she said.\n", encoding="utf-8")
    (root / "briefs" / "lima-bridge.yaml").write_text(BRIEF, encoding="utf-8")
    config = site_config(root)
    assert generate(root, config).path == "full"
    assert generate(root, config).path == "unchanged"

    outcomes: list[object] = []
    real_update = incremental.update

    def update(*args: Any, **kwargs: Any) -> object:
        outcomes.append(real_update(*args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(incremental, "update", update)
    docs_before = sorted(p.read_bytes() for p in (root / "docs").rglob("*.md"))
    # The article names her "Minister Lima": without that alias, the quote is unattributed.
    actor.write_text(ACTOR.format(alias="Ms Lima"), encoding="utf-8")
    with pytest.raises(DiagnosticsError) as caught:
        generate(root, config)
    assert outcomes == [FullReason(Reason.ALIAS_CHANGED,
                                   "the aliases in briefs/actors/ana-lima.yaml changed")]
    assert [d.format_text() for d in caught.value.diagnostics] == [
        "briefs/lima-bridge.yaml:14:11: error[quote-speaker-not-in-source]: the speaker "
        "ana-lima is not named near the quote: none of its names and aliases (“Ana Lima”, "
        "“Ms Lima”) occurs in paragraphs 1-2 of seeds/lima-bridge.txt, the quote's paragraph and "
        "the two before it (where the article names the speaker in other words, such as "
        "“said the acting chief justice”, give them in the quote's attribution field)"]
    assert sorted(p.read_bytes() for p in (root / "docs").rglob("*.md")) == docs_before
    # The alias back: the quote holds again, and the site is generated.
    actor.write_text(ACTOR.format(alias="Minister Lima"), encoding="utf-8")
    assert generate(root, config).path in ("incremental", "full")


def test_the_badge_says_what_was_verified(tmp_path: Path) -> None:
    root = _project(tmp_path, (
        "quotes:\n"
        "  - speaker: arland\n"
        "    text: We will keep talking\n"
        "    attribution: the foreign minister said\n"))
    for part in ("site_templates", "mkdocs.yml"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            shutil.copyfile(source, root / part)
    page = html.unescape(generate_files(root, site_config(root)).files[
        "briefs/ministers-meet/index.md"].decode("utf-8"))
    badge = re.search(r'<span class="badge badge--verified" title="([^"]*)">([^<]*)</span>',
                      page)
    assert badge is not None
    assert badge.group(2) == "Verified: quoted and attributed in the source"
    assert badge.group(1) == ("The source article has these words inside quotation marks and "
                              "names the speaker near them (“the foreign minister said”)")

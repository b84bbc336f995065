"""Golden files for states the included content never shows, one small project each.

tests/test_golden.py pins the pages of the one included brief. Here small, hand-made
projects pin what that content cannot reach:

- `empty-sections`: briefs with only the required fields (optional keys left out, and
  list fields written as explicit empty lists), an actor in no brief with no profile,
  links or members, a term in no brief with no explanation; no tags, no timeline events,
  a glossary of one term, an actors index with no relations.
- `truncation`: more relations than the diagram draws (diagrams.MAX_EDGES), so the brief
  page, the actor page and the actors index each carry the "not drawn" note.
- `glossary-other`: terms starting with a digit, a quote mark, an accented letter and a
  non-Latin letter next to A-Z terms: the glossary's letter groups and their order.
- `timeline-paging`: more dated events than the timeline's first page shows
  (paging.TIMELINE_LATEST), over several years, with year-only and year-month dates.
- `no-content`: no briefs, actors or terms at all: every listing page's empty state.
- `pagination`: with small page sizes (PAGE_SIZES), more briefs than a page of the briefs
  index and of a tag holds, an actor and a term in more briefs than their own pages show
  (their full lists, on numbered pages), an actor with more events than its page shows
  and a timeline year over several pages.

Each project must pass `briefs check` first. The pages are compared byte for byte with
tests/golden/states/<state>/ (minus assets/ and .gitignore, as in test_golden.py);
`pytest --update-golden` rewrites them: review the diff. Next to each golden comparison a
test asserts the property the state is about, so the golden files are not the only check.
Defects these states show are strict xfail tests: when one is fixed, drop its xfail and
rerun `--update-golden`.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.diagrams import MAX_EDGES
from generator.pipeline import check
from generator.render import paging
from generator.render.paging import TIMELINE_LATEST
from generator.urls import SiteConfig, numbered_path, page_url
from tests.conftest import copy_project
from tests.test_golden import assert_golden, generated_docs

GOLDEN = Path(__file__).parent / "golden" / "states"
CONFIG = SiteConfig("Explainer Briefs", "https://example.org/briefs/")


# Page sizes of a state (render/paging.py), small so that its golden files stay small.
PAGE_SIZES: dict[str, dict[str, int]] = {
    "pagination": {"BRIEFS_PER_PAGE": 3, "PROFILE_BRIEFS": 2, "EVENTS_PER_PAGE": 3,
                   "PROFILE_EVENTS": 2},
}


def generated_pages(project: Path, state: str = "") -> dict[str, bytes]:
    """The generated docs folder of `project`, minus the assets and docs/.gitignore, with
    the state's page sizes.

    The one place this file calls the generator: adapt it here if that API changes.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name, size in PAGE_SIZES.get(state, {}).items():
            patch.setattr(paging, name, size)
        return generated_docs(project, CONFIG)


# ---------------------------------------------------------------- writing a project


def _q(value: str) -> str:
    """A double-quoted YAML scalar (a JSON string is one)."""
    return json.dumps(value, ensure_ascii=False)


def _put(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def _seed(root: Path, seed_id: str, title: str) -> None:
    _put(root, f"seeds/{seed_id}.txt", f"""
        {title}
        The article behind this brief, kept verbatim as the evidence for its quotes.
        """)


# ---------------------------------------------------------------- 1. empty sections

# Only the fields the content model requires.
_BARE_BRIEF = """
    title: Côte d'Ivoire's parliament passes the 2025 budget
    dek: Lawmakers in Abidjan approved the budget after a short debate, with no amendments.
    date: 2024-12-18
    source:
      seed: abidjan-budget-vote
    what_happened: |
      Parliament in Abidjan approved the 2025 budget on Wednesday. The full text is in
      [the finance ministry's summary](https://example.org/budget-2025?lang=fr&part=1).
    why_it_matters: |
      The budget sets spending on schools and roads for the coming year.
    key_points:
      - The vote passed without amendments.
    """

# The same, with every optional list field written out as an empty list.
_EMPTY_LISTS_BRIEF = """
    title: Accra's city council delays a vote on bus fares
    dek: The council postponed the vote to next month, citing missing figures.
    date: 2024-11-05
    source:
      seed: accra-bus-fares
    tags: []
    what_happened: |
      The council in Accra postponed its vote on bus fares by a month.
    why_it_matters: |
      Fares have not changed since 2019.
    key_points:
      - The vote was postponed.
      - Council members asked for *new figures* first.
    perspectives: []
    quotes: []
    timeline: []
    actors: []
    terms: []
    relations: []
    updates: []
    """

_LONELY_ACTOR = """
    name: Zoë O'Brien
    kind: person
    aliases: []
    members: []
    links: {}
    summary: |
      An Irish economist who has written on public budgets in West Africa.
    """

_LONELY_TERM = """
    term: Supplementary appropriation
    aliases: []
    definition: A budget law passed during the year to add spending the main budget left out.
    used_by: []
    related: []
    """


def build_empty_sections(root: Path) -> None:
    _put(root, "briefs/abidjan-budget-vote.yaml", _BARE_BRIEF)
    _put(root, "briefs/accra-bus-fares.yaml", _EMPTY_LISTS_BRIEF)
    _seed(root, "abidjan-budget-vote", "Abidjan lawmakers pass the budget")
    _seed(root, "accra-bus-fares", "Accra delays its bus fare vote")
    _put(root, "briefs/actors/zoe-obrien.yaml", _LONELY_ACTOR)
    _put(root, "briefs/glossary/supplementary-appropriation.yaml", _LONELY_TERM)


# ---------------------------------------------------------------- 2. truncation

# Relations in the brief: MAX_EDGES + 5, all from Zoë O'Brien, so the brief's diagram
# leaves 5 out. Her page adds her affiliation (to Ghana, which no relation joins): 6.
# The actors index adds the two membership edges of ECOWAS: 8.
TRUNCATION_RELATIONS = MAX_EDGES + 5
TRUNCATION_OMITTED = {
    "briefs/ecowas-mediation-rounds/index.md": 5,
    "actors/zoe-obrien/index.md": 6,
    "actors/index.md": 8,
}


def build_truncation(root: Path) -> None:
    relations = []
    for n in range(1, TRUNCATION_RELATIONS + 1):
        target = "cote-d-ivoire" if n % 2 else "ecowas"
        relations.append(f"  - from: zoe-obrien\n    to: {target}\n"
                         f"    label: {_q(f'mediation round {n}')}\n")
    _put(root, "briefs/ecowas-mediation-rounds.yaml", """
        title: Zoë O'Brien's mediation between Côte d'Ivoire and ECOWAS
        dek: The mediator held more rounds of talks than any diagram can draw.
        date: 2024-06-03
        source:
          seed: ecowas-mediation
        tags:
          - mediation
        what_happened: |
          Zoë O'Brien led round after round of talks between Côte d'Ivoire and ECOWAS.
        why_it_matters: |
          O'Brien's mediation is the longest the bloc has seen.
        key_points:
          - Every round is a relation in the diagram below.
        """)
    with (root / "briefs/ecowas-mediation-rounds.yaml").open("a", encoding="utf-8") as f:
        f.write("relations:\n" + "".join(relations))
    _seed(root, "ecowas-mediation", "The longest mediation")
    _put(root, "briefs/actors/zoe-obrien.yaml", """
        name: Zoë O'Brien
        kind: person
        aliases:
          - O'Brien
        role: Mediator for the bloc
        affiliation: ghana
        summary: |
          An Irish-born diplomat based in Accra who mediates for the bloc.
        """)
    _put(root, "briefs/actors/cote-d-ivoire.yaml", """
        name: Côte d'Ivoire
        kind: country
        summary: |
          A country in West Africa whose largest city is Abidjan.
        """)
    _put(root, "briefs/actors/ghana.yaml", """
        name: Ghana
        kind: country
        summary: |
          A country in West Africa whose capital is Accra.
        """)
    _put(root, "briefs/actors/ecowas.yaml", """
        name: Economic Community of West African States
        kind: organization
        aliases:
          - ECOWAS
        members:
          - cote-d-ivoire
          - ghana
        summary: |
          A regional bloc of West African states.
        """)


# ---------------------------------------------------------------- 3. glossary "Other"

# term id -> (term as shown, the letter group it is filed under)
GLOSSARY_TERMS = {
    "five-g": ("5G", "Other"),  # a digit
    "special-operation": ("“Special military operation”", "S"),  # leading quotes are skipped
    "etat-de-droit": ("État de droit", "E"),  # an accented capital: under its base letter
    "mir": ("Мир", "Other"),  # Cyrillic
    "apartheid": ("Apartheid", "A"),
    "ad-hoc": ("ad hoc", "A"),  # lower case sorts with upper case
    "detente": ("Détente", "D"),
    "deterrence": ("Deterrence", "D"),
    "dumping": ("Dumping", "D"),
    "zero-sum": ("Zero-sum game", "Z"),
}


def build_glossary_other(root: Path) -> None:
    for term_id, (term, _letter) in GLOSSARY_TERMS.items():
        _put(root, f"briefs/glossary/{term_id}.yaml", f"""
            term: {_q(term)}
            definition: {_q(f"What {term} means, in one neutral sentence.")}
            """)
    _put(root, "briefs/actors/cote-d-ivoire.yaml", """
        name: Côte d'Ivoire
        kind: country
        summary: |
          A country in West Africa whose largest city is Abidjan.
        """)
    _put(root, "briefs/words-of-the-talks.yaml", """
        title: The words of Côte d'Ivoire's security talks
        dek: A glossary-heavy brief on deterrence, détente and the rule of law.
        date: 2024-03-01
        source:
          seed: words-of-the-talks
        what_happened: |
          Côte d'Ivoire's negotiators spoke of Deterrence and of [[detente]], and asked for
          [[etat-de-droit|the rule of law]] before any [[five-g]] contract.
        why_it_matters: |
          The words each side picks show what it expects from the talks.
        key_points:
          - Neither side called the talks a Zero-sum game.
        """)
    _seed(root, "words-of-the-talks", "The words of the talks")


# ---------------------------------------------------------------- 4. timeline paging

# (brief, date, event): 58 events over 2020-2024, year-only and year-month dates among
# them, and one day shared by both briefs (events of a day are ordered by brief id).
def _timeline_events() -> list[tuple[str, str, str]]:
    events = [("fare-reform", "2020", "The transport ministry first proposes a fare reform."),
              ("fare-reform", "2021", "Bus operators in Côte d'Ivoire form a union."),
              ("fare-reform", "2021-06", "Zoë O'Brien reviews the fare system."),
              ("metro-line", "2022", "Work on the metro line's route begins."),
              ("metro-line", "2022-09", "The metro line's route is published."),
              ("fare-reform", "2023-05-02", "The fare reform and the metro line are "
                                            "presented together."),
              ("metro-line", "2023-05-02", "The metro line's budget is presented.")]
    for n in range(1, 25):  # 24 hearings, one a month in 2022 and 2023
        year, month = (2022, n) if n <= 12 else (2023, n - 12)
        events.append(("fare-reform", f"{year}-{month:02d}-10",
                       f"Fare hearing {n} takes place in Abidjan."))
    for n in range(1, 28):  # 27 site visits in 2023 and 2024
        year, month = (2023, (n + 1) // 2) if n <= 24 else (2024, n - 24)
        day = 5 if n % 2 else 25
        events.append(("metro-line", f"{year}-{month:02d}-{day:02d}",
                       f"Engineers inspect metro site {n}."))
    return events


TIMELINE_EVENTS = _timeline_events()


def build_timeline_paging(root: Path) -> None:
    by_brief: dict[str, list[str]] = {"fare-reform": [], "metro-line": []}
    for brief, date, event in TIMELINE_EVENTS:
        actors = "    actors:\n      - zoe-obrien\n" if "O'Brien" in event else ""
        by_brief[brief].append(f"  - date: {_q(date)}\n    event: {_q(event)}\n{actors}")
    heads = {
        "fare-reform": """
            title: Abidjan's bus fare reform, five years on
            dek: How a fare reform proposed in 2020 reached its last hearing.
            date: 2023-12-10
            source:
              seed: fare-reform
            tags:
              - transport
            what_happened: |
              The last of 24 hearings on Abidjan's bus fares ended in December. See
              [the hearing schedule](https://example.org/fares/hearings).
            why_it_matters: |
              Fares decide how far workers can live from their jobs.
            key_points:
              - The reform took more than three years.
            """,
        "metro-line": """
            title: Abidjan's metro line, site by site
            dek: Engineers have inspected every site of the planned metro line.
            date: 2024-03-25
            source:
              seed: metro-line
            tags:
              - transport
            what_happened: |
              Engineers finished their inspections of the metro line's sites in March.
            why_it_matters: |
              The inspections decide where building starts.
            key_points:
              - 27 sites were inspected.
            """,
    }
    for brief, head in heads.items():
        _put(root, f"briefs/{brief}.yaml", head)
        with (root / f"briefs/{brief}.yaml").open("a", encoding="utf-8") as f:
            f.write("timeline:\n" + "".join(by_brief[brief]))
        _seed(root, brief, f"The {brief.replace('-', ' ')} article")
    _put(root, "briefs/actors/zoe-obrien.yaml", """
        name: Zoë O'Brien
        kind: person
        summary: |
          An Irish economist who advises cities on public transport.
        """)


# ---------------------------------------------------------------- 5. no content


def build_no_content(root: Path) -> None:
    """Nothing at all: every listing page in its empty state (briefs/ and seeds/ exist)."""
    assert (root / "briefs").is_dir() and (root / "seeds").is_dir()


# ---------------------------------------------------------------- 6. pagination

PAGINATED_BRIEFS = 7  # 3 pages of 3 (PAGE_SIZES), the last with one


def build_pagination(root: Path) -> None:
    """Seven briefs, all tagged `transport`, all about Zoë O'Brien and the fare cap, each
    with one event of 2024 with her."""
    for n in range(1, PAGINATED_BRIEFS + 1):
        _put(root, f"briefs/fare-hearing-{n}.yaml", f"""
            title: Abidjan's fare hearing {n}
            dek: Hearing {n} on bus fares heard operators and riders.
            date: 2024-0{n}-10
            source:
              seed: fare-hearing-{n}
            tags:
              - transport
            what_happened: |
              Zoë O'Brien chaired fare hearing {n} on the fare cap.
            why_it_matters: |
              Fares decide how far workers can live from their jobs.
            key_points:
              - Hearing {n} took place.
            actors:
              - zoe-obrien
            terms:
              - fare-cap
            timeline:
              - date: "2024-0{n}-10"
                event: "Fare hearing {n} takes place."
                actors:
                  - zoe-obrien
            """)
        _seed(root, f"fare-hearing-{n}", f"Fare hearing {n}")
    _put(root, "briefs/actors/zoe-obrien.yaml", """
        name: Zoë O'Brien
        kind: person
        summary: |
          An Irish economist who advises cities on public transport.
        """)
    _put(root, "briefs/glossary/fare-cap.yaml", """
        term: Fare cap
        definition: The most a rider pays for a journey, whatever its length.
        """)


# ---------------------------------------------------------------- 7. stories

# Three developments of one story, out of file-name order (dates decide), one of another,
# concluded, story, and a story with no development yet.
STORY_BRIEFS = {  # id -> (date, story, title)
    "pass-talks-open": ("2024-03-02", "mariners-pass", "Talks on Mariner's Pass open in Lomé"),
    "pass-patrols-resume": ("2024-04-18", "mariners-pass",
                            "Patrols resume at Mariner's Pass after a two-week pause"),
    "a-pass-deal-is-signed": ("2024-06-30", "mariners-pass",
                              "Zoë O'Brien's mediation ends in a Mariner's Pass deal"),
    "ferry-dispute-ends": ("2023-11-20", "ferry-dispute", "The Sèvres ferry dispute ends"),
}


def build_stories(root: Path) -> None:
    for brief_id, (date, story, title) in STORY_BRIEFS.items():
        correction = """
            updates:
              - date: 2024-07-02
                kind: correction
                note: |
                  An earlier version gave the wrong length for the pause in patrols.
              - date: 2024-07-01
                note: |
                  Added the mediator's statement.
            """ if brief_id == "pass-patrols-resume" else ""
        _put(root, f"briefs/{brief_id}.yaml", f"""
            title: {_q(title)}
            dek: {_q(f"{title}, as the mediator Zoë O'Brien reported.")}
            date: {date}
            story: {story}
            source:
              seed: {brief_id}
            tags:
              - borders
            what_happened: |
              Zoë O'Brien reported on the talks.
            why_it_matters: |
              The pass carries most of the region's trade.
            key_points:
              - {title}.
            timeline:
              - date: "{date}"
                event: {_q(title + ".")}
                actors:
                  - zoe-obrien
            """ + textwrap.dedent(correction).replace("\n", "\n            "))
        _seed(root, brief_id, title)
    _put(root, "briefs/actors/zoe-obrien.yaml", """
        name: Zoë O'Brien
        kind: person
        summary: |
          An Irish mediator in the Mariner's Pass talks.
        """)
    _put(root, "briefs/stories/mariners-pass.yaml", """
        title: The Mariner's Pass border dispute
        status: developing
        updated: 2024-05-01
        tags:
          - borders
        summary: |
          Two neighbours dispute the pass that carries most of the region's trade. Talks
          opened in March 2024 under [[zoe-obrien]]'s mediation.

          Patrols were paused, then resumed in April.
        questions:
          - Will the deal hold once the patrols end?
        watch:
          - item: A deal signed by both sides
            due: 2024-06
            status: happened
            resolved_by: a-pass-deal-is-signed
          - item: A joint border commission
            due: 2024-05
            status: pending
            note: Promised at the opening of the talks.
          - item: A second round of talks in Accra
            status: dropped
        """)
    _put(root, "briefs/stories/ferry-dispute.yaml", """
        title: The Sèvres ferry dispute
        status: concluded
        summary: |
          A dispute over ferry fares, settled in November 2023.
        """)
    _put(root, "briefs/stories/harbour-fees.yaml", """
        title: Harbour fees in Lomé
        status: developing
        summary: |
          Port fees are under review; no brief has followed it yet.
        """)


# ---------------------------------------------------------------- the states

STATES: dict[str, Callable[[Path], None]] = {
    "empty-sections": build_empty_sections,
    "truncation": build_truncation,
    "glossary-other": build_glossary_other,
    "timeline-paging": build_timeline_paging,
    "no-content": build_no_content,
    "pagination": build_pagination,
    "stories": build_stories,
}


def _project(tmp_path: Path, state: str) -> Path:
    """The state's project: the included templates and config, and its own content."""
    root = copy_project(tmp_path / "project", content=False)
    STATES[state](root)
    _, problems = check(root)
    errors = [p for p in problems if p.severity == "error"]  # warnings are part of a state
    assert not errors, f"the {state} project does not pass `briefs check`:\n" + "\n".join(
        p.format_text() for p in errors)
    return root


def _pages(tmp_path: Path, state: str) -> dict[str, str]:
    return {k: v.decode("utf-8")
            for k, v in generated_pages(_project(tmp_path, state), state).items()}


@pytest.mark.parametrize("state", sorted(STATES))
def test_state_matches_golden(state: str, tmp_path: Path, update_golden: bool) -> None:
    assert_golden(generated_pages(_project(tmp_path, state), state), GOLDEN / state,
                  update_golden)


# ---------------------------------------------------------------- the properties

_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


def _headings(page: str) -> list[str]:
    return _HEADING.findall(page)


def _empty_headings(page: str) -> list[str]:
    """`## ` headings with nothing under them, or an empty list first (a "more" link after
    an empty list does not make the section any less empty)."""
    sections = re.split(r"^## (.+)$", page, flags=re.MULTILINE)
    empty_list = re.compile(r"<(ul|ol|dl)\b[^>]*>\s*</\1>")
    return [title for title, body in zip(sections[1::2], sections[2::2], strict=True)
            if not body.strip() or empty_list.match(body.strip())]


def test_empty_sections_are_left_out(tmp_path: Path) -> None:
    pages = _pages(tmp_path, "empty-sections")
    for brief in ("briefs/abidjan-budget-vote/index.md", "briefs/accra-bus-fares/index.md"):
        assert _headings(pages[brief]) == ["Why it matters", "Key points", "What happened",
                                           "Source"], brief
    assert 'class="tag"' not in pages["briefs/abidjan-budget-vote/index.md"]
    assert "diagrams: true" not in pages["briefs/abidjan-budget-vote/index.md"]
    # The running text's plain link survives, its query string escaped once.
    assert ('<a href="https://example.org/budget-2025?lang=fr&amp;part=1" class="external" '
            "rel=\"nofollow noopener\">the finance ministry&#x27;s summary</a>"
            ) in pages["briefs/abidjan-budget-vote/index.md"]
    actor = pages["actors/zoe-obrien/index.md"]
    assert _headings(actor) == ["Appears in"]
    assert '<p class="empty">No brief mentions this actor yet.</p>' in actor
    assert "Also called" not in actor and "entity-role" not in actor
    term = pages["glossary/supplementary-appropriation/index.md"]
    assert _headings(term) == ["Used in"]
    assert '<p class="empty">No brief uses this term yet.</p>' in term
    assert "Also written" not in term
    assert '<p class="empty">No tags yet.</p>' in pages["tags/index.md"]
    assert '<p class="empty">No dated events yet.</p>' in pages["timeline/index.md"]
    assert not any(p.startswith(("tags/", "timeline/")) and not p.endswith("index.md")
                   for p in pages), "a tag or timeline year page without tags or events"
    assert _headings(pages["glossary/index.md"]) == ["S"]
    assert _headings(pages["actors/index.md"]) == ["People"]  # no "Who's who" diagram
    for path, page in sorted(pages.items()):
        if path.endswith(".md"):
            assert _empty_headings(page) == [], f"{path} has an empty section"


def _omitted_note(page: str) -> tuple[int, int] | None:
    match = re.search(r"The diagram shows the first (\d+) relations; (\d+) more are not drawn",
                      page)
    return (int(match[1]), int(match[2])) if match else None


def test_truncation_note_counts_the_edges_over_the_cap(tmp_path: Path) -> None:
    pages = _pages(tmp_path, "truncation")
    for path, omitted in TRUNCATION_OMITTED.items():
        assert _omitted_note(pages[path]) == (MAX_EDGES, omitted), path
        alternative = re.search(r'<div class="diagram-alt">(.*?)</div>', pages[path])
        assert alternative is not None, path
        assert alternative[1].count("<li>") == MAX_EDGES, path
        mermaid = pages[path].split("```mermaid", 1)[1].split("```", 1)[0]
        assert mermaid.count(" -->|") == MAX_EDGES, path
    # The other actors have fewer edges than the cap: no note.
    for path in ("actors/cote-d-ivoire/index.md", "actors/ecowas/index.md", "actors/ghana/index.md"):
        assert "diagram-alt" in pages[path] and _omitted_note(pages[path]) is None, path
    # Drawn in the order written: the last relations are the ones left out.
    brief = pages["briefs/ecowas-mediation-rounds/index.md"]
    assert f"mediation round {MAX_EDGES}<" in brief
    assert f"mediation round {MAX_EDGES + 1}" not in brief


def _glossary_groups(index: str) -> dict[str, list[str]]:
    """Letter -> the ids of its terms, in the order of the glossary index."""
    groups = re.findall(r'^## (.+)\n\n<dl class="glossary">(.*)</dl>$', index, re.MULTILINE)
    return {letter: re.findall(r'<dt><a href="\.\./glossary/([a-z0-9-]+)/"', body)
            for letter, body in groups}


def test_glossary_groups_and_order(tmp_path: Path) -> None:
    index = _pages(tmp_path, "glossary-other")["glossary/index.md"]
    shown = _glossary_groups(index)
    assert list(shown) == ["A", "D", "E", "S", "Z", "Other"]  # letters A to Z, then Other
    expected: dict[str, list[str]] = {}
    for term_id, (_term, letter) in GLOSSARY_TERMS.items():
        expected.setdefault(letter, []).append(term_id)
    assert {k: sorted(v) for k, v in shown.items()} == {k: sorted(v)
                                                         for k, v in expected.items()}
    assert shown["Other"] == ["five-g", "mir"]  # 5 < М by code point
    assert shown["A"] == ["ad-hoc", "apartheid"]  # case does not count
    assert shown["S"] == ["special-operation"]  # filed under its first letter, not its quote
    nav = re.search(r'<nav class="az" aria-label="Letters">(.*)</nav>', index)
    assert nav is not None
    assert re.findall(r'href="#([a-z]+)"', nav[1]) == ["a", "d", "e", "s", "z", "other"]


def test_glossary_files_accented_terms_under_their_base_letter(tmp_path: Path) -> None:
    """A reader looks for "État de droit" under E and for "Détente" among the D terms in
    alphabetical order: listings.glossary_index files and sorts a term by its initial with
    the accents dropped (non-Latin letters and digits stay under Other)."""
    shown = _glossary_groups(_pages(tmp_path, "glossary-other")["glossary/index.md"])
    assert shown.get("E") == ["etat-de-droit"]
    assert shown["D"] == ["detente", "deterrence", "dumping"]


def _event_times(page: str) -> list[tuple[str, str]]:
    """(datetime, shown date) of the page's timeline events, in page order, unescaped."""
    return [(html.unescape(iso), html.unescape(shown)) for iso, shown in re.findall(
        r'<time class="timeline__date" datetime="([^"]+)">([^<]+)</time>', page)]


def _event_dates(page: str) -> list[str]:
    return [iso for iso, _shown in _event_times(page)]


def _newest_first(dates: list[str]) -> list[str]:
    """Partial dates newest first: a year or month alone sorts before its days."""
    return sorted(dates, key=lambda d: tuple(int(p) for p in d.split("-")), reverse=True)


def test_timeline_shows_the_newest_events_and_every_year(tmp_path: Path) -> None:
    assert len(TIMELINE_EVENTS) > TIMELINE_LATEST
    pages = _pages(tmp_path, "timeline-paging")
    latest = _event_dates(pages["timeline/index.md"])
    everything = _newest_first([date for _brief, date, _event in TIMELINE_EVENTS])
    assert len(latest) == TIMELINE_LATEST
    assert latest == everything[:TIMELINE_LATEST]
    years = sorted({date[:4] for date in everything}, reverse=True)
    assert len(years) >= 3
    listed = re.findall(r'<a href="\.\./timeline/([0-9]{4})/"[^>]*>\1</a> '
                        r'<span class="timeline-years__count">(\d+) events?</span>',
                        pages["timeline/index.md"])
    assert [year for year, _count in listed] == years
    for year, count in listed:
        on_page = _event_dates(pages[f"timeline/{year}/index.md"])
        assert on_page == [d for d in everything if d.startswith(year)], year
        assert int(count) == len(on_page), year
    assert sorted(p for p in pages if p.startswith("timeline/")) == sorted(
        ["timeline/index.md", *(f"timeline/{y}/index.md" for y in years)])
    # Year-only and year-month dates are shown as written.
    assert ("2020", "2020") in _event_times(pages["timeline/2020/index.md"])
    assert ("2021-06", "June 2021") in _event_times(pages["timeline/2021/index.md"])
    assert ("2022-09", "September 2022") in _event_times(pages["timeline/2022/index.md"])


def test_no_content_lists_only_the_section_pages(tmp_path: Path) -> None:
    pages = _pages(tmp_path, "no-content")
    assert sorted(pages) == ["actors/index.md", "briefs/index.md", "contribute/index.md",
                             "corrections/index.md", "feed.xml", "feeds/corrections.xml",
                             "feeds/sitemap.xml", "glossary/index.md", "index.md",
                             "stories/index.md", "tags/index.md", "timeline/index.md"]
    assert '<p class="empty">No stories yet.</p>' in pages["stories/index.md"]
    assert '<p class="empty">No corrections so far.</p>' in pages["corrections/index.md"]
    assert "<entry>" not in pages["feeds/corrections.xml"]
    assert '<p class="empty">No tags yet.</p>' in pages["tags/index.md"]
    assert '<p class="empty">No dated events yet.</p>' in pages["timeline/index.md"]
    assert "A worked example" not in pages["contribute/index.md"]
    assert "<entry>" not in pages["feed.xml"]


def test_no_content_listings_say_they_are_empty(tmp_path: Path) -> None:
    """Like the tags and timeline pages ("No tags yet." / "No dated events yet."), the
    home page, the briefs, actors and glossary indexes say they are empty, with no heading
    over an empty list and no empty letter navigation."""
    pages = _pages(tmp_path, "no-content")
    for path in ("index.md", "briefs/index.md", "actors/index.md", "glossary/index.md"):
        assert _empty_headings(pages[path]) == [], path
        assert '<p class="empty">' in pages[path], path
    assert 'class="az"' not in pages["glossary/index.md"]


def test_home_counts_are_singular_for_one(tmp_path: Path) -> None:
    """With one actor and one term, the home page says "1 actor" and "1 glossary term"."""
    home = _pages(tmp_path, "empty-sections")["index.md"]
    assert ">1 actor<" in home and ">1 glossary term<" in home


def test_guide_example_does_not_promise_lines_that_are_not_there(tmp_path: Path) -> None:
    """The newest brief of empty-sections is shorter than the guide's excerpt, so it is
    shown whole: the guide promises no further lines (nor names sections it may not have)."""
    guide = _pages(tmp_path, "empty-sections")["contribute/index.md"]
    assert "A worked example" in guide
    assert "0 more lines follow" not in guide
    assert "more line" not in guide and "perspectives, quotes" not in guide


def _site_url(path: str) -> str:
    """A page's URL as a normalised site path ("." for the home page)."""
    return posixpath.normpath(page_url(path) or ".")


def _rel_links(pages: dict[str, str], path: str) -> dict[str, str]:
    """The pages a page's rel="prev" and rel="next" links go to, by rel."""
    nav = re.findall(r'<nav class="pagination" aria-label="Pagination">.*?</nav>', pages[path])
    assert len(nav) <= 1, path
    by_url = {_site_url(p): p for p in pages}
    return {rel: by_url[posixpath.normpath(posixpath.join(page_url(path), html.unescape(href)))]
            for href, rel in re.findall(r'<a [^>]*href="([^"]+)" rel="(prev|next)"',
                                        "".join(nav))}


def test_pagination_links_chain(tmp_path: Path) -> None:
    """Each paginated listing's pages chain: the first has no prev, the last no next, each
    page's next is the page whose prev it is, the current page is marked, in order."""
    pages = _pages(tmp_path, "pagination")
    firsts = ["briefs/index.md", "tags/transport/index.md", "timeline/2024/index.md",
              "actors/zoe-obrien/briefs/index.md", "glossary/fare-cap/briefs/index.md",
              "actors/zoe-obrien/events/index.md"]
    for first in firsts:
        chain, path = [first], first
        assert "prev" not in _rel_links(pages, first), first
        while "next" in (links := _rel_links(pages, path)):
            following = links["next"]
            assert _rel_links(pages, following)["prev"] == path, (path, following)
            assert following not in chain
            chain.append(following)
            path = following
        assert chain == [numbered_path(first, n) for n in range(1, len(chain) + 1)]
        assert len(chain) == 3, first  # 7 briefs, or 7 events, 3 a page
        for n, page in enumerate(chain, start=1):
            current = re.findall(r'<a href="([^"]+)" aria-current="page">(\d+)</a>', pages[page])
            assert [int(number) for _href, number in current] == [n], page
            assert _rel_links(pages, page) == {
                **({"prev": chain[n - 2]} if n > 1 else {}),
                **({"next": chain[n]} if n < len(chain) else {})}, page
    # every card is on exactly one page of each listing, newest first
    cards = [card for p in ("briefs/index.md", "briefs/page/2/index.md", "briefs/page/3/index.md")
             for card in re.findall(r'brief-card__title"><a href="[^"]*/(fare-hearing-\d)/"',
                                    pages[p])]
    assert cards == [f"fare-hearing-{n}" for n in range(PAGINATED_BRIEFS, 0, -1)]
    # the profile shows the newest few and links to the full list
    assert len(re.findall(r'class="brief-card"', pages["actors/zoe-obrien/index.md"])) == 2
    assert 'href="../../actors/zoe-obrien/briefs/">All 7 briefs' in pages["actors/zoe-obrien/index.md"]
    # a listing of one page has no pagination control
    assert "pagination" not in pages["tags/index.md"] + pages["timeline/index.md"]


def _story_order(story: str) -> list[str]:
    """The developments of a story of the `stories` state, oldest first, from the table."""
    return sorted((b for b, (_, s, _) in STORY_BRIEFS.items() if s == story),
                  key=lambda b: (STORY_BRIEFS[b][0], b))


def test_story_pages_show_each_development_in_order(tmp_path: Path) -> None:
    pages = _pages(tmp_path, "stories")
    order = _story_order("mariners-pass")
    story = pages["stories/mariners-pass/index.md"]
    listed = re.findall(r'data-development="([^"]+)"', story)
    assert [html.unescape(i) for i in listed] == order[::-1]  # newest first
    latest = story.split("## Latest development", 1)[1].split("## ", 1)[0]
    assert f"../../briefs/{order[-1]}/" in latest
    for k, brief_id in enumerate(order, 1):
        page = pages[f"briefs/{brief_id}/index.md"]
        assert f"Development {k} of {len(order)} in" in page, brief_id
        nav = page.split('<nav class="story-nav"', 1)[1].split("</nav>", 1)[0]
        previous = re.search(r'story-nav__prev">Previous: <a href="([^"]+)"', nav)
        following = re.search(r'story-nav__next">Next: <a href="([^"]+)"', nav)
        assert (previous[1] if previous else None) == (
            f"../../briefs/{order[k - 2]}/" if k > 1 else None), brief_id
        assert (following[1] if following else None) == (
            f"../../briefs/{order[k]}/" if k < len(order) else None), brief_id
        notice = re.search(r'<div class="story-developed" role="note">(.*?)</div>', page)
        if brief_id == order[-1]:
            assert notice is None
        else:
            assert notice is not None and f'href="../../briefs/{order[-1]}/"' in notice[1]
            assert page.index("story-developed") < page.index("## Why it matters")


def test_stories_index_lists_developing_stories_first(tmp_path: Path) -> None:
    pages = _pages(tmp_path, "stories")
    index = pages["stories/index.md"]
    shown = re.findall(r'<p class="story-card__title"><a href="\.\./stories/([^/]+)/', index)
    # developing first (the one with a development before the one without), then concluded
    assert shown == ["mariners-pass", "harbour-fees", "ferry-dispute"]
    home = pages["index.md"]
    assert "## Developing stories" in home
    assert "stories/mariners-pass/" in home and "stories/ferry-dispute/" not in home


def test_watch_items_show_status_and_only_pending_past_due_is_overdue(tmp_path: Path) -> None:
    story = _pages(tmp_path, "stories")["stories/mariners-pass/index.md"]
    items = re.findall(r'<li class="watch watch--([a-z-]+)( watch--overdue)?">(.*?)</li>', story)
    by_item = {}
    for status, overdue, body in items:
        name = re.search(r'watch__item">([^<]+)<', body)
        assert name is not None, body
        by_item[name[1]] = (status, bool(overdue), body)
    assert by_item["A joint border commission"][:2] == ("pending", True)
    assert "badge--overdue" in by_item["A joint border commission"][2]
    assert by_item["A deal signed by both sides"][:2] == ("happened", False)
    assert "settled in <a href=\"../../briefs/a-pass-deal-is-signed/\"" in (
        by_item["A deal signed by both sides"][2])
    assert by_item["A second round of talks in Accra"][:2] == ("dropped", False)


def test_a_correction_is_shown_as_one_listed_and_in_json_ld(tmp_path: Path) -> None:
    pages = _pages(tmp_path, "stories")
    brief = pages["briefs/pass-patrols-resume/index.md"]
    assert "## Updates and corrections" in brief
    correction = re.search(r'<li class="update update--correction" id="([^"]+)">(.*?)</li>',
                           brief)
    assert correction is not None and "wrong length" in correction[2]
    anchor = html.unescape(correction[1])
    assert anchor == "correction-2024-07-02-1"
    plain = re.search(r'<li class="update">(.*?)</li>', brief)
    assert plain is not None and "mediator" in plain[1] and "Correction" not in plain[1]
    # newest first: the correction (2 July) before the update (1 July)
    assert brief.index("update--correction") < brief.index('<li class="update">')
    listing = pages["corrections/index.md"]
    assert listing.count('<li class="correction">') == 1
    assert f'href="../briefs/pass-patrols-resume/#{anchor}"' in listing
    front = re.search(r"^jsonld: (.*)$", brief, re.MULTILINE)
    assert front is not None
    jsonld = json.loads(json.loads(front[1]))
    assert jsonld["correction"] == [{
        "@type": "CorrectionComment", "datePublished": "2024-07-02",
        "text": "An earlier version gave the wrong length for the pause in patrols."}]
    assert jsonld["isPartOf"]["@id"].endswith("/stories/mariners-pass/")

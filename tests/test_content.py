"""Editorial rules for the included content that `briefs check` does not enforce.

An actor's `summary` is its hover tooltip in every brief that mentions it, so it must hold
in any story: who or what the actor is and its standing role, never what it did in one
article. The rules below are mechanical stand-ins for that judgement, strict enough to
catch the usual slips (see `summary_problems`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November"
          "|December")
# A day or a month is an event's date; a bare year ("since 2012", "founded in 2001") dates
# a role or a fact that stays true, and is allowed.
EVENT_DATE = re.compile(rf"\b(?:{MONTHS})\b|\b\d{{4}}-\d{{2}}\b")
# A summary is read outside any one article, so it cannot point at one.
ONE_ARTICLE = re.compile(r"\b(?:the|this) (?:article|story|brief|report)\b", re.IGNORECASE)
REF = re.compile(r"\[\[([a-z0-9-]+)(?:\|[^\]]*)?\]\]")


def load_actors(folder: Path) -> dict[str, dict[str, Any]]:
    actors = {}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        assert isinstance(data, dict), path
        actors[path.stem] = data
    return actors


def standing_ties(actors: dict[str, dict[str, Any]], actor_id: str) -> set[str]:
    """The actors a summary may name: its affiliation and members, the actors affiliated
    with it, the groups it is a member of, and places (where something is)."""
    actor = actors[actor_id]
    ties = {actor.get("affiliation", ""), *actor.get("members", [])}
    for other_id, other in actors.items():
        if (other.get("affiliation") == actor_id or actor_id in other.get("members", [])
                or other.get("kind") == "place"):
            ties.add(other_id)
    return ties - {"", actor_id}


def named_actors(actors: dict[str, dict[str, Any]], text: str) -> set[str]:
    """The actors a text references (`[[id]]`) or names by an alias, as a brief's
    automatic mentions find them: case-sensitive, whole words."""
    named = set(REF.findall(text))
    plain = REF.sub(" ", text)
    for actor_id, actor in actors.items():
        for alias in {actor["name"], *actor.get("aliases", [])}:
            if re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", plain):
                named.add(actor_id)
    return named


def summary_problems(actors: dict[str, dict[str, Any]]) -> list[str]:
    """What makes a summary belong to one story rather than hold in any.

    - It dates an event: it names a month or gives a day ("in April 2024",
      "on 24 February 2022"). A bare year is allowed: it dates a role or a lasting fact
      ("Foreign Minister since 2004", "founded in 2001").
    - It points at an article ("the article describes it as ...").
    - It names another actor that is not a standing tie (`standing_ties`): "China's main
      rival" in the United States' summary describes the United States by its place in one
      story. A relation between two actors belongs in the brief (its text or `relations`)
      or in the actor's `profile`, not in a tooltip shown in every story.
    """
    problems = []
    for actor_id, actor in actors.items():
        summary = actor["summary"]
        where = f"briefs/actors/{actor_id}.yaml"
        for match in EVENT_DATE.finditer(summary):
            problems.append(f"{where}: the summary dates an event ({match.group()!r})")
        for match in ONE_ARTICLE.finditer(summary):
            problems.append(f"{where}: the summary points at one article ({match.group()!r})")
        others = named_actors(actors, summary) - standing_ties(actors, actor_id) - {actor_id}
        if others:
            problems.append(f"{where}: the summary names {', '.join(sorted(others))}, "
                            "which is no standing tie of it (move the relation to a brief "
                            "or the profile)")
    return problems


def test_included_actor_summaries_hold_in_any_story() -> None:
    problems = summary_problems(load_actors(REPO / "briefs" / "actors"))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("actor_id", "summary", "problem"), [
    ("united-states", "The United States of America, China's main economic and strategic "
                      "rival.", "names china"),
    ("janet-yellen", "In April 2024 she warned of consequences.", "dates an event ('April')"),
    ("ukraine", "A country that was invaded on 2022-02-24.", "dates an event ('2022-02')"),
    ("taiwan", "The article describes it as de facto independent.", "points at one article"),
    ("wang-yi", "He is the counterpart of [[sergei-lavrov]].", "names sergei-lavrov"),
])
def test_story_bound_summaries_are_caught(actor_id: str, summary: str, problem: str) -> None:
    actors = load_actors(REPO / "briefs" / "actors")
    actors[actor_id] = {**actors[actor_id], "summary": summary}
    assert any(problem in line for line in summary_problems(actors))


@pytest.mark.parametrize(("actor_id", "summary"), [
    ("xi-jinping", "China's top leader, head of the Communist Party since 2012."),  # affiliation
    ("brics", "A grouping named after [[brazil]], Russia, India, China and South Africa."),
    ("india", "A member of [[brics]] in South Asia."),  # a group it belongs to; a place
    ("russia", "Its President is [[vladimir-putin]]."),  # an actor affiliated with it
])
def test_standing_ties_and_years_are_allowed(actor_id: str, summary: str) -> None:
    actors = load_actors(REPO / "briefs" / "actors")
    actors[actor_id] = {**actors[actor_id], "summary": summary}
    assert summary_problems(actors) == []

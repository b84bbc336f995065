"""A deterministic synthetic corpus at newsroom scale, for the scale tests and the benchmark.

`build_corpus(root, briefs, actors, terms, seed)` writes a project that passes
`briefs check`: briefs of about 4 KB of YAML with every field the content model knows,
one seed article per brief holding each quoted passage verbatim, actors and glossary
terms with aliases the briefs mention. The same arguments always give the same bytes.

Names are generated pseudo-words (consonant-vowel syllables, a unique parse for every
index), so no alias can be claimed twice and no alias can occur by accident in the
English filler text; popularity follows a Zipf-like law, as in a real newsroom where a
few actors appear in a large share of the briefs.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import REPO, copy_project

_HOOK_LINE = re.compile(r"^\s*-\s+['\"]?([\w./-]+\.py)['\"]?\s*$", re.MULTILINE)

# ---------------------------------------------------------------- words

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
           "br", "dr", "gr", "kr", "tr", "st", "sk", "vl")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ou")
_CODAS = ("n", "r", "s", "k", "v", "l")
_SYLLABLES = tuple(o + v for o in _ONSETS for v in _VOWELS)
_WORD_SPACE = len(_SYLLABLES) ** 3 * len(_CODAS)

_GIVEN = ("Tavi", "Mira", "Oleni", "Kasu", "Dara", "Rumi", "Sela", "Nadi", "Vero", "Lusa",
          "Teko", "Ilse", "Boro", "Anka", "Zeno", "Pila", "Edo", "Mako", "Riva", "Soto")

_TOPICS = ("energy supplies", "grain exports", "border security", "debt relief", "shipping routes",
           "tariffs on steel", "fishing rights", "a ceasefire", "water sharing", "rare earth mining",
           "refugee returns", "port access", "an arms embargo", "election monitoring",
           "gas pipeline fees", "a currency swap line", "satellite launches", "airspace rights",
           "vaccine production", "a customs union", "power grid links", "prisoner exchanges",
           "oil production quotas", "cyber security", "a rail corridor", "sovereign bonds",
           "nuclear inspections", "food aid deliveries", "mining licences", "visa rules")
_TAG_WORDS = ("energy", "trade", "security", "diplomacy", "elections", "finance", "climate",
              "migration", "defence", "health", "technology", "shipping", "agriculture",
              "sanctions", "justice", "media")
_TAG_SUFFIXES = ("policy", "talks", "crisis", "markets", "reform", "relations")
_TERM_NOUNS = ("doctrine", "accord", "formula", "principle", "compact", "protocol", "mandate",
               "framework", "clause", "consensus")
_ROLES = ("Foreign Minister", "President", "Prime Minister", "Trade Minister", "Defence Minister",
          "Finance Minister", "central bank governor", "chief negotiator", "opposition leader",
          "spokesperson")
_LABELS = ("met with", "negotiates with", "sanctioned", "supports", "criticised",
           "trades with", "is allied with", "mediates between", "accused", "signed a deal with")
_OUTLETS = ("The Daily Ledger", "Morning Dispatch", "World Wire", "The Harbour Times",
            "Continental Review")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")

# Sentence templates. {a} and {b} are actor mentions, {t} a term mention, {x} a topic.
_NEWS = (
    "{a} met {b} on {day} to discuss {x}, officials on both sides said.",
    "The talks between {a} and {b} focused on {x} and on the future of the {t}.",
    "{a} said an agreement on {x} could take effect in {month} {year}, pending approval.",
    "Officials said {a} had offered concessions on {x} in exchange for support on the {t}.",
    "{b} rejected the proposal, saying it ignored earlier commitments on {x}.",
    "Both delegations agreed to meet again within {n} weeks to review progress on {x}.",
    "The statement issued after the meeting did not mention {x}, a point analysts noted.",
    "{a} has pressed for a deal on {x} for more than {n} years without success.",
    "According to the article, {b} wants guarantees on {x} before it signs anything.",
    "The dispute over {x} has strained relations between {a} and {b} since {year}.",
)
_MATTERS = (
    "The outcome will shape how {a} approaches {x} for years to come.",
    "A deal would give {b} leverage over {x} at a time of rising prices.",
    "The talks test whether the {t} still holds after a year of disputes over {x}.",
    "Failure would leave {a} exposed to pressure from {b} over {x}.",
    "Markets watch the talks closely because {x} affect trade across the region.",
    "For {a}, the meeting is a chance to show it is not isolated on {x}.",
)
_CONTEXT = (
    "Relations between {a} and {b} have swung between cooperation and rivalry since {year}.",
    "The {t} was first invoked in {year}, when a dispute over {x} nearly ended the talks.",
    "{a} and {b} signed a first framework on {x} in {year}, but it was never fully applied.",
    "Earlier rounds of negotiation on {x} collapsed over questions of verification.",
    "Smaller neighbours have long complained that decisions on {x} are made without them.",
    "The region depends on {x} for a large share of its income, the article says.",
)
_VIEWS = (
    "{a} presents the talks as a defence of its interests on {x} and of the {t}.",
    "{a} says any settlement must include firm guarantees on {x}.",
    "{a} argues that outside powers have no say over {x} and rejects criticism of its stance.",
    "{a} sees the meeting as proof that its approach to {x} is gaining support.",
    "{a} warns that a rushed deal on {x} would reward pressure and set a bad precedent.",
)
_NEXT = (
    "Whether {a} and {b} meet again before {month} {year}.",
    "How {b} responds to the proposal on {x}.",
    "Whether parliament approves the agreement on {x}.",
    "What the next round of talks on the {t} produces.",
)
_QUOTES = (
    "we will not accept any arrangement on {x} that ignores our legitimate interests",
    "there is no alternative to dialogue on {x}, and we are ready to continue it",
    "the door remains open, but the other side must show that it is serious about {x}",
    "our position on {x} has not changed and it will not change under pressure",
    "this is a first step, and much work remains to be done on {x}",
    "nobody gains from a confrontation over {x}, least of all ordinary people",
    "we expect concrete results on {x} within weeks, not years",
    "the agreement on {x} reflects a balance of interests that both sides can defend",
)
_EVENTS = (
    "{a} and {b} open talks on {x}.",
    "{a} announces new measures on {x}.",
    "Negotiations on {x} are suspended after a dispute.",
    "{b} joins the talks on {x} as an observer.",
    "A first agreement on {x} is signed.",
    "{a} accuses {b} of breaking commitments on {x}.",
)
_FILLER = (
    "Diplomats described the atmosphere as businesslike but tense.",
    "Neither side gave details of the figures discussed.",
    "Observers said the timing of the meeting was no coincidence.",
    "Local media gave the talks extensive coverage.",
    "Economists expect prices to react to any announcement within days.",
    "The meeting lasted about {n} hours, longer than scheduled.",
    "Several ministers attended the first session but left before the end.",
    "Protesters gathered outside the venue, calling for more transparency.",
)


def _pseudo_word(index: int, multiplier: int, offset: int) -> str:
    """The `index`th pseudo-word: three syllables and a final consonant, capitalised."""
    n = (index * multiplier + offset) % _WORD_SPACE
    n, coda = divmod(n, len(_CODAS))
    parts = []
    for _ in range(3):
        n, syllable = divmod(n, len(_SYLLABLES))
        parts.append(_SYLLABLES[syllable])
    return ("".join(parts) + _CODAS[coda]).capitalize()


def _vocabulary() -> frozenset[str]:
    words: set[str] = set()
    for group in (_TOPICS, _TAG_WORDS, _TAG_SUFFIXES, _TERM_NOUNS, _ROLES, _LABELS, _OUTLETS,
                  _WEEKDAYS, _MONTHS, _NEWS, _MATTERS, _CONTEXT, _VIEWS, _NEXT, _QUOTES,
                  _EVENTS, _FILLER, _GIVEN):
        for text in group:
            words.update(w.casefold() for w in re.findall(r"[A-Za-z]+", text))
    return frozenset(words)


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.casefold()))


# ---------------------------------------------------------------- entities


@dataclass
class _Actor:
    id: str
    name: str
    kind: str
    aliases: list[str]
    word: str


@dataclass
class _Term:
    id: str
    term: str
    aliases: list[str]


@dataclass
class Corpus:
    """What was written: ids by kind (actors in popularity order, most mentioned first)."""

    root: Path
    briefs: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    bytes_written: int = 0
    stories: list[str] = field(default_factory=list)


def _q(value: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _block(key: str, text: str, indent: int) -> str:
    pad = " " * indent
    body = "\n".join((pad + "  " + line) if line else "" for line in text.split("\n"))
    return f"{pad}{key}: |\n{body}\n"


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.bytes = 0

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.bytes += len(data)


class _Builder:
    def __init__(self, root: Path, seed: int) -> None:
        self.rng = random.Random(seed)
        self.out = _Writer(root)
        multiplier = self.rng.randrange(1_000_003, _WORD_SPACE, 2)
        while math.gcd(multiplier, _WORD_SPACE) != 1:
            multiplier += 2
        self.multiplier = multiplier
        self.offset = self.rng.randrange(_WORD_SPACE)
        self.next_word = 0
        self.vocabulary = _vocabulary()
        self.aliases: dict[str, str] = {}
        self.actors: list[_Actor] = []
        self.terms: list[_Term] = []
        self.tags: list[str] = []
        self.actor_weights: list[float] = []
        self.tag_weights: list[float] = []
        self.stories = 0  # with stories, two briefs in three belong to one of them

    # ------------------------------------------------------------ names

    def word(self) -> str:
        while True:
            candidate = _pseudo_word(self.next_word, self.multiplier, self.offset)
            self.next_word += 1
            if candidate.casefold() not in self.vocabulary:
                return candidate

    def claim(self, entity_id: str, aliases: Sequence[str]) -> None:
        for alias in aliases:
            owner = self.aliases.setdefault(alias, entity_id)
            if owner != entity_id:  # pragma: no cover - the word scheme makes this impossible
                raise ValueError(f"alias {alias!r} generated twice ({owner}, {entity_id})")

    # ------------------------------------------------------------ mentions

    def actor_mention(self, actor: _Actor) -> str:
        roll = self.rng.random()
        if roll < 0.3:
            return f"[[{actor.id}]]"
        if roll < 0.4:
            return f"[[{actor.id}|{self.rng.choice(actor.aliases)}]]"
        return self.rng.choice([actor.name, *actor.aliases])

    def term_mention(self, term: _Term | None) -> str:
        if term is None:
            return self.rng.choice(_TERM_NOUNS)
        roll = self.rng.random()
        if roll < 0.3:
            return f"[[{term.id}|{term.term}]]"
        return term.term

    def fill(self, template: str, cast: Sequence[_Actor], terms: Sequence[_Term],
             year: int) -> str:
        rng = self.rng
        a: _Actor | None = None
        b: _Actor | None = None
        if len(cast) >= 2:
            a, b = rng.sample(list(cast), 2)
        elif cast:
            a = b = cast[0]
        text = template.format(
            a="{a}", b="{b}", t="{t}", x=rng.choice(_TOPICS), day=rng.choice(_WEEKDAYS),
            month=rng.choice(_MONTHS), year=year - rng.randrange(0, 6), n=rng.randrange(2, 12))
        text = text.replace("{a}", self.actor_mention(a) if a else "officials")
        text = text.replace("{b}", self.actor_mention(b) if b else "their partners")
        text = text.replace("{t}", self.term_mention(rng.choice(list(terms)) if terms else None))
        return text[0].upper() + text[1:] if not text.startswith("[[") else text

    def paragraph(self, templates: Sequence[str], count: int, cast: Sequence[_Actor],
                  terms: Sequence[_Term], year: int, *, filler: int = 0) -> str:
        sentences = [self.fill(self.rng.choice(templates), cast, terms, year)
                     for _ in range(count)]
        for _ in range(filler):
            sentences.insert(self.rng.randrange(len(sentences) + 1),
                             self.fill(self.rng.choice(_FILLER), cast, terms, year))
        return " ".join(sentences)

    # ------------------------------------------------------------ actors

    def make_actors(self, count: int) -> None:
        kinds = ["country", "person", "person", "organization", "person", "group", "person",
                 "place", "person", "country"]
        for i in range(count):
            kind = kinds[i % len(kinds)] if i >= 2 else ("country", "person")[i]
            word = self.word()
            if kind == "person":
                given = self.rng.choice(_GIVEN)
                name, aliases = f"{given} {word}", [word, f"{given[0]}. {word}"]
            elif kind == "country":
                name, aliases = f"Republic of {word}", [word]
            elif kind == "organization":
                name, aliases = f"{word} Cooperation Council", [f"{word} Council"]
            elif kind == "group":
                name, aliases = f"{word} Front", [f"{word} fighters"]
            else:
                name, aliases = f"{word} Valley", [f"the {word} region"]
            actor = _Actor(_slug(name), name, kind, aliases, word)
            self.claim(actor.id, [name, *aliases])
            self.actors.append(actor)
        order = list(range(count))
        self.rng.shuffle(order)  # popularity rank is independent of kind
        self.actors = [self.actors[i] for i in order]
        self.actor_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(count)]

    def write_actor(self, actor: _Actor, countries: Sequence[_Actor]) -> None:
        rng = self.rng
        lines = [f"name: {_q(actor.name)}", f"kind: {actor.kind}", "aliases:"]
        lines += [f"  - {_q(a)}" for a in actor.aliases]
        affiliation = None
        if actor.kind == "person" and countries:
            affiliation = rng.choice(countries)
            role = f"{rng.choice(_ROLES)} of {affiliation.name}"
            lines.append(f"role: {_q(role)}")
            as_of = dt.date(2020 + rng.randrange(6), rng.randrange(1, 13), rng.randrange(1, 29))
            lines.append(f"as_of: {as_of.isoformat()}")
            lines.append(f"affiliation: {affiliation.id}")
        if actor.kind in ("organization", "group") and countries:
            members = rng.sample(list(countries), min(len(countries), rng.randrange(2, 7)))
            members = [m for m in members if m.id != actor.id]
            if members:
                lines.append("members:")
                lines += [f"  - {m.id}" for m in members]
        topic = rng.choice(_TOPICS)
        first = {
            "person": f"{actor.name} is a politician known for a hard line on {topic}.",
            "country": f"{actor.name} is a mid-sized state whose economy depends on {topic}.",
            "organization": f"The {actor.name} is a regional body that coordinates {topic}.",
            "group": f"The {actor.name} is an armed movement that opposes the talks on {topic}.",
            "place": f"The {actor.name} is a contested area at the centre of disputes over {topic}.",
        }[actor.kind]
        if affiliation is not None and rng.random() < 0.5:
            first += f" They represent [[{affiliation.id}]] in talks."
        lines.append(_block("summary", first, 0).rstrip("\n"))
        if rng.random() < 0.5:
            profile = " ".join(rng.choice(_CONTEXT).format(
                a=actor.name, b="its neighbours", t="framework", x=rng.choice(_TOPICS),
                year=2000 + rng.randrange(25)) for _ in range(3))
            lines.append(_block("profile", profile, 0).rstrip("\n"))
        lines.append("links:")
        lines.append(f"  wikipedia: https://en.wikipedia.example.org/wiki/{actor.id}")
        self.out.write(f"briefs/actors/{actor.id}.yaml", "\n".join(lines) + "\n")

    # ------------------------------------------------------------ terms

    def make_terms(self, count: int) -> None:
        for _ in range(count):
            word = self.word()
            noun = self.rng.choice(_TERM_NOUNS)
            term = f"{word.lower()} {noun}"
            aliases = [f"{word} {noun}", f"{word.lower()} {noun}s"]
            entry = _Term(_slug(term), term, aliases)
            self.claim(entry.id, [term, *aliases])
            self.terms.append(entry)

    def write_term(self, term: _Term) -> None:
        rng = self.rng
        topic = rng.choice(_TOPICS)
        definition = (f"A negotiating position, named after its first sponsor, under which "
                      f"disputes over {topic} are settled by consensus among the states "
                      f"concerned rather than by outside arbitration.")
        assert len(definition) <= 300
        lines = [f"term: {_q(term.term)}", "aliases:"]
        lines += [f"  - {_q(a)}" for a in term.aliases]
        lines.append(f"definition: {_q(definition)}")
        if rng.random() < 0.7:
            explanation = " ".join(rng.choice(_CONTEXT).format(
                a="its supporters", b="their critics", t="principle", x=rng.choice(_TOPICS),
                year=1990 + rng.randrange(35)) for _ in range(3))
            lines.append(_block("explanation", explanation, 0).rstrip("\n"))
        if self.actors and rng.random() < 0.6:
            users = rng.sample(self.actors, min(len(self.actors), rng.randrange(1, 4)))
            lines.append("used_by:")
            lines += [f"  - {a.id}" for a in users]
        others = [t for t in rng.sample(self.terms, min(len(self.terms), 3)) if t.id != term.id]
        if others:
            lines.append("related:")
            lines += [f"  - {t.id}" for t in others[:2]]
        self.out.write(f"briefs/glossary/{term.id}.yaml", "\n".join(lines) + "\n")

    # ------------------------------------------------------------ briefs and seeds

    def make_tags(self, count: int = 50) -> None:
        pool = [f"{w}-{s}" for w in _TAG_WORDS for s in _TAG_SUFFIXES]
        self.tags = self.rng.sample(pool, min(count, len(pool)))
        self.tag_weights = [1.0 / (rank + 1) ** 0.5 for rank in range(len(self.tags))]

    def pick_actors(self, count: int) -> list[_Actor]:
        count = min(count, len(self.actors))
        chosen: dict[str, _Actor] = {}
        while len(chosen) < count:
            actor = self.rng.choices(self.actors, self.actor_weights)[0]
            chosen.setdefault(actor.id, actor)
        return list(chosen.values())

    def write_brief(self, index: int) -> str:
        rng = self.rng
        cast = self.pick_actors(rng.randrange(5, 10))
        terms = rng.sample(self.terms, min(len(self.terms), rng.randrange(2, 5)))
        date = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(0, 3800))
        year = date.year
        lead = cast[:2] if len(cast) >= 2 else cast
        topic = rng.choice(_TOPICS)
        lead_words = [a.word for a in lead] or ["regional"]
        title = (f"{' and '.join(a.name for a in lead) or 'Regional leaders'} "
                 f"hold talks on {topic}")[:120]
        brief_id = f"{'-'.join(w.lower() for w in lead_words)}-{_slug(topic)}"[:50].strip("-")
        brief_id = f"{brief_id}-{index + 1}"
        seed_id = f"{brief_id}-article"
        dek = (f"{title} as pressure builds over {rng.choice(_TOPICS)}, in a meeting seen as a "
               f"test of their {rng.choice(('partnership', 'rivalry', 'fragile truce'))}.")[:280]

        # The seed article: news sentences with every quote embedded verbatim.
        quotes: list[tuple[_Actor, str]] = []
        speakers = [a for a in cast if a.kind == "person"] or cast
        for _ in range(rng.randrange(2, 5) if speakers else 0):
            text = rng.choice(_QUOTES).format(x=rng.choice(_TOPICS))
            quotes.append((rng.choice(speakers), text[0].upper() + text[1:]))
        article = self.article(title, cast, terms, quotes, year)
        meta = [f"title: {_q(title)}", f"outlet: {_q(rng.choice(_OUTLETS))}",
                f"published: {date.isoformat()}",
                f"url: https://news.example.org/{year}/{seed_id}", "language: en"]
        self.out.write(f"seeds/{seed_id}.txt", article)
        self.out.write(f"seeds/{seed_id}.yaml", "\n".join(meta) + "\n")

        tags = list(dict.fromkeys(rng.choices(self.tags, self.tag_weights,
                                              k=rng.randrange(2, 5))))
        out = [f"title: {_q(title)}", f"dek: {_q(dek)}", f"date: {date.isoformat()}"]
        if rng.random() < 0.2:
            out.append(f"updated: {(date + dt.timedelta(days=rng.randrange(1, 30))).isoformat()}")
        out += ["source:", f"  seed: {seed_id}", f"  published: {date.isoformat()}"]
        if tags:
            out.append("tags:")
            out += [f"  - {t}" for t in tags]
        para = self.paragraph
        what = (para(_NEWS, 2, cast, terms, year) + "\n\n"
                + para(_NEWS, 1, cast, terms, year, filler=rng.randrange(2)))
        out.append(_block("what_happened", what, 0).rstrip("\n"))
        out.append(_block("why_it_matters", para(_MATTERS, 2, cast, terms, year), 0).rstrip("\n"))
        out.append("key_points:")
        for _ in range(rng.randrange(3, 8)):
            point = self.fill(rng.choice(_NEWS + _MATTERS), cast, terms, year)
            out.append(f"  - {_q(point)}" if rng.random() < 0.5
                       else _block("- ", point, 2).replace("  - : |", "  - |").rstrip("\n"))
        context = para(_CONTEXT, 2, cast, terms, year)
        out.append(_block("context", context, 0).rstrip("\n"))
        if cast:
            out.append("perspectives:")
            for actor in rng.sample(cast, min(len(cast), rng.randrange(2, 4))):
                view = rng.choice(_VIEWS).format(a=actor.name, x=rng.choice(_TOPICS),
                                                 t=self.term_mention(rng.choice(terms) if terms
                                                                     else None))
                out.append(f"  - actor: {actor.id}")
                out.append(_block("view", view, 4).rstrip("\n"))
        if quotes:
            out.append("quotes:")
            for speaker, text in quotes:
                shown = text
                words = text.split()
                if rng.random() < 0.2 and len(words) > 9:
                    shown = " ".join(words[:4]) + " ... " + " ".join(words[-4:])
                out.append(f"  - speaker: {speaker.id}")
                out.append(f"    text: {_q(shown)}")
                if rng.random() < 0.4:
                    note = f"Said during the talks, according to {self.actor_mention(speaker)}'s office."
                    out.append(_block("note", note, 4).rstrip("\n"))
        out.append("timeline:")
        for event_date in sorted(self.partial_dates(date, rng.randrange(3, 7))):
            out.append(f"  - date: {_q(event_date)}")
            event = self.fill(rng.choice(_EVENTS), cast, terms, year)
            out.append(_block("event", event, 4).rstrip("\n"))
            involved = rng.sample(cast, min(len(cast), rng.randrange(0, 3)))
            if involved:
                out.append("    actors:")
                out += [f"      - {a.id}" for a in involved]
        nexts = [self.fill(rng.choice(_NEXT), cast, terms, year) for _ in range(rng.randrange(2, 4))]
        out.append(_block("whats_next", "\n".join(f"- {n}" for n in nexts), 0).rstrip("\n"))
        if cast:
            out.append("actors:")
            out += [f"  - {a.id}" for a in cast]
        if terms:
            out.append("terms:")
            out += [f"  - {t.id}" for t in terms]
        if len(cast) >= 2:
            out.append("relations:")
            pairs = {(a.id, b.id) for a in cast for b in cast if a.id != b.id}
            for source, target in rng.sample(sorted(pairs), min(len(pairs), rng.randrange(2, 6))):
                out += [f"  - from: {source}", f"    to: {target}",
                        f"    label: {_q(rng.choice(_LABELS))}"]
        if rng.random() < 0.15:
            out += ["updates:", f"  - date: {(date + dt.timedelta(days=2)).isoformat()}",
                    _block("note", "An earlier version misstated the date of the first round "
                                   "of talks.", 4).rstrip("\n")]
            if index % 2 == 0:
                out.append("    kind: correction")
        if self.stories and index % 3:  # two briefs in three are a development of a story,
            member = index - index // 3 - 1  # of the stories in turn
            out.append(f"story: {story_id(member % self.stories)}")
        self.out.write(f"briefs/{brief_id}.yaml", "\n".join(out) + "\n")
        return brief_id

    def write_story(self, k: int) -> None:
        topic = _TOPICS[k % len(_TOPICS)]
        status = "concluded" if k % 4 == 3 else "developing"
        text = [f"title: {_q(f'The {topic} talks, round {k + 1}')}", f"status: {status}",
                _block("summary", f"Talks on {topic} began after a dispute between the parties. "
                                  "Each development below adds to what is known.\n\nThe "
                                  "negotiators have met several times; no agreement is final.",
                       0).rstrip("\n"),
                "questions:", f"  - Will the talks on {topic} reach an agreement?",
                "watch:", f"  - item: {_q(f'A final agreement on {topic}')}",
                "    due: 2099", "    status: pending"]
        self.out.write(f"briefs/stories/{story_id(k)}.yaml", "\n".join(text) + "\n")

    def partial_dates(self, date: dt.date, count: int) -> list[str]:
        dates: set[str] = set()
        while len(dates) < count:
            day = date - dt.timedelta(days=self.rng.randrange(0, 900))
            form = self.rng.random()
            dates.add(day.isoformat() if form < 0.6 else day.isoformat()[:7] if form < 0.9
                      else day.isoformat()[:4])
        return list(dates)

    def article(self, title: str, cast: Sequence[_Actor], terms: Sequence[_Term],
                quotes: Sequence[tuple[_Actor, str]], year: int) -> str:
        rng = self.rng
        names = [a.name for a in cast] or ["officials"]

        def sentence() -> str:
            template = rng.choice(_NEWS + _CONTEXT + _FILLER)
            a, b = rng.sample(names, 2) if len(names) >= 2 else (names[0], names[0])
            return template.format(a=a, b=b,
                                   t=terms[0].term if terms else "framework",
                                   x=rng.choice(_TOPICS), day=rng.choice(_WEEKDAYS),
                                   month=rng.choice(_MONTHS), year=year - rng.randrange(6),
                                   n=rng.randrange(2, 12))

        paragraphs = [title + "."]
        said = [f"“{text},” {speaker.name} said on "
                f"{rng.choice(_WEEKDAYS)}." for speaker, text in quotes]
        for i in range(7):
            body = [sentence() for _ in range(rng.randrange(4, 6))]
            if i < len(said):
                body.insert(rng.randrange(len(body) + 1), said[i])
            paragraphs.append(" ".join(body))
        for extra in said[6:]:
            paragraphs.append(extra)
        return "\n\n".join(paragraphs) + "\n"


def _copy_hooks(root: Path) -> None:
    """MkDocs hooks are named by paths relative to mkdocs.yml: bring any the config lists."""
    for rel in _HOOK_LINE.findall((root / "mkdocs.yml").read_text(encoding="utf-8")):
        source, target = REPO / rel, root / rel
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def story_id(k: int) -> str:
    return f"story-{k}"


def build_corpus(root: Path, briefs: int, actors: int, terms: int, seed: int = 0, *,
                 site: bool = True, stories: int = 0) -> Corpus:
    """Write a synthetic project under `root`; `site` also copies templates and config;
    with `stories`, two briefs in three are developments of one of that many stories."""
    root.mkdir(parents=True, exist_ok=True)
    if site and not (root / "mkdocs.yml").exists():
        copy_project(root, content=False)
        _copy_hooks(root)
    for folder in ("briefs/actors", "briefs/glossary", "seeds"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    builder = _Builder(root, seed)
    builder.stories = stories
    builder.make_actors(actors)
    builder.make_terms(terms)
    builder.make_tags()
    countries = [a for a in builder.actors if a.kind == "country"]
    for actor in builder.actors:
        builder.write_actor(actor, [c for c in countries if c.id != actor.id])
    for term in builder.terms:
        builder.write_term(term)
    brief_ids = [builder.write_brief(i) for i in range(briefs)]
    for k in range(stories):
        builder.write_story(k)
    return Corpus(root, brief_ids, [a.id for a in builder.actors],
                  [t.id for t in builder.terms], list(builder.tags), builder.out.bytes,
                  [story_id(k) for k in range(stories)])


# ---------------------------------------------------------------- edits


def _insert_line(path: Path, key: str, line: str, indent: int = 0) -> None:
    """Insert `line` as the first line of the block scalar `key: |` in `path`."""
    text = path.read_text(encoding="utf-8")
    header = f"\n{' ' * indent}{key}: |\n"
    at = text.find(header)
    if at < 0:
        raise ValueError(f"no block field {key!r} in {path}")
    at += len(header)
    path.write_text(text[:at] + " " * (indent + 2) + line + "\n" + text[at:], encoding="utf-8")


def edit_brief(root: Path, brief_id: str, tag: str = "1") -> Path:
    """Add a sentence to a brief's what_happened (mentions nothing, changes no card)."""
    path = root / "briefs" / f"{brief_id}.yaml"
    _insert_line(path, "what_happened", f"Edited for benchmark run {tag}.")
    return path


def edit_actor(root: Path, actor_id: str, tag: str = "1") -> Path:
    """Add a sentence to an actor's summary (the hover tooltip of every link to it)."""
    path = root / "briefs" / "actors" / f"{actor_id}.yaml"
    _insert_line(path, "summary", f"Edited for benchmark run {tag}.")
    return path


def join_story(root: Path, brief_id: str, story: str) -> Path:
    """Make a brief a development of `story` (it must not name one yet)."""
    path = root / "briefs" / f"{brief_id}.yaml"
    text = path.read_text(encoding="utf-8")
    if "\nstory: " in text:
        raise ValueError(f"{brief_id} already names a story")
    path.write_text(text + f"story: {story}\n", encoding="utf-8")
    return path

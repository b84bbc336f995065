"""Typed content models (Brief, Actor, Term, SeedMeta): the schema, with no I/O.

Field descriptions are the help text editors see (JSON Schema, the "How to add content"
page). Cross-entity rules (references, aliases, provenance) belong to the link stage.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .chars import bad_character
from .text import BulletList, Inline, Paragraph, Rich, count_sentences, parse_rich
from .urls import ID_PATTERN, ID_RE, MAX_ID_LENGTH, id_problem, link_scheme_problem

# ---------------------------------------------------------------- field kinds


def _require_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise PydanticCustomError("wrong-type", "expected text, found {found}",
                              {"found": _shape(value)})


def _shape(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "an empty value" if value is None else type(value).__name__


def _plain(value: Any) -> str:
    """One line of text; white space at its ends is not content (an alias "Lavrov " is
    "Lavrov", not a second alias that looks the same)."""
    text = _require_str(value)
    bad = bad_character(text, multiline=False)
    if bad:
        raise PydanticCustomError("bad-text", "plain text " + bad[1],
                                  {"snippet": text[bad[0]]})
    if not text.strip():
        raise PydanticCustomError("missing-field", "text must not be blank")
    return text.strip()


def _rich(value: Any) -> Rich:
    if isinstance(value, Rich):
        return value
    text = _require_str(value)
    bad = bad_character(text, multiline=True)
    if bad:
        raise PydanticCustomError("bad-text", "rich text " + bad[1], {"snippet": text[bad[0]]})
    if not text.strip():
        raise PydanticCustomError("missing-field", "text must not be blank")
    rich = parse_rich(text)
    if rich.problems:
        first = rich.problems[0]
        raise PydanticCustomError(first.code, first.message,
                                  {"problems": [(p.snippet, p.code, p.message)
                                                for p in rich.problems]})
    return rich


# ASCII digits only (`\d` also takes Arabic-Indic or full-width digits), matched in full
# (`$` would also match before a final newline).
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_PARTIAL_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    value = _require_str(value)
    match = _DATE_RE.fullmatch(value)
    if not match:
        raise PydanticCustomError("bad-date", "'{value}' is not a date written YYYY-MM-DD",
                                  {"value": value})
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise PydanticCustomError("bad-date", "'{value}' is not a real calendar date",
                                  {"value": value}) from None


MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fixed: output never follows the locale


@dataclass(frozen=True, order=True)
class PartialDate:
    """A timeline date: a year, a month or a day, shown as typed ("February 2022")."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def last_day(self) -> dt.date:
        """The last day of the period it names: "2026-05" ends on 31 May 2026."""
        if self.day:
            return dt.date(self.year, self.month, self.day)
        if self.month:
            following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    @property
    def display(self) -> str:
        if not self.month:
            return str(self.year)
        month = MONTHS[self.month]
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"


def _partial_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    value = _require_str(value)
    match = _PARTIAL_RE.fullmatch(value)
    if not match:
        raise PydanticCustomError("bad-date", "'{value}' is not a date written YYYY, YYYY-MM "
                                  "or YYYY-MM-DD", {"value": value})
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    try:
        if match[2]:
            dt.date(year, month, day or 1)
    except ValueError:
        raise PydanticCustomError("bad-date", "'{value}' is not a real calendar date",
                                  {"value": value}) from None
    return PartialDate(year, month, day)


def _ref(value: str) -> str:
    if len(value) > MAX_ID_LENGTH or not ID_RE.match(value):
        raise PydanticCustomError("bad-ref", "'{value}' is not an id (lowercase words joined "
                                  "by hyphens)", {"value": value})
    return value


def _tag(value: str) -> str:
    """Tags follow the id rules (urls.id_problem): a tag named `index` would be the listing."""
    problem = id_problem(value)
    if problem:
        code, message = problem
        raise PydanticCustomError(code, "tag " + message.removeprefix("id "))
    return value


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise PydanticCustomError("duplicate-item", "'{value}' is listed twice",
                                      {"value": value, "index": index})
        seen.add(value)
    return values


def _http_url(value: str) -> str:
    problem = link_scheme_problem(value, ("http", "https"))
    if problem:
        raise PydanticCustomError("bad-url", "'{value}': " + problem, {"value": value})
    return value


def _short_summary(value: Rich) -> Rich:
    """1 to 3 sentences, counted in every paragraph; each list item is one at least."""
    sentences = 0
    for block in value.blocks:
        if isinstance(block, BulletList):
            sentences += sum(max(1, count_sentences(_plain_of(item))) for item in block.items)
        else:
            sentences += count_sentences(_plain_of(block.children))
    if sentences > 3:
        raise PydanticCustomError("too-long", "a summary is 1 to 3 sentences; this one has "
                                  "{count}", {"count": sentences})
    return value


def _plain_of(inlines: tuple[Inline, ...]) -> str:
    return Rich("", (Paragraph(inlines),)).plain({})


Plain = Annotated[str, BeforeValidator(_plain),
                  WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"^[^\n]*$"})]
RichText = Annotated[Rich, BeforeValidator(_rich),
                     PlainSerializer(lambda r: r.source, return_type=str),
                     WithJsonSchema({"type": "string", "minLength": 1})]
Date = Annotated[dt.date, BeforeValidator(_date),
                 WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"})]
PartialDateField = Annotated[PartialDate, BeforeValidator(_partial_date),
                             PlainSerializer(lambda d: d.iso, return_type=str),
                             WithJsonSchema({"type": "string",
                                             "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"})]
Ref = Annotated[str, BeforeValidator(_require_str), AfterValidator(_ref),
                WithJsonSchema({"type": "string", "pattern": ID_PATTERN,
                                "maxLength": MAX_ID_LENGTH})]
Refs = Annotated[list[Ref], AfterValidator(_unique),
                 WithJsonSchema({"type": "array", "uniqueItems": True,
                                 "items": {"type": "string", "pattern": ID_PATTERN}})]
Tags = Annotated[list[Annotated[str, BeforeValidator(_require_str), AfterValidator(_tag)]],
                 AfterValidator(_unique),
                 WithJsonSchema({"type": "array", "uniqueItems": True,
                                 "items": {"type": "string", "pattern": ID_PATTERN}})]
HttpUrl = Annotated[str, BeforeValidator(_require_str), AfterValidator(_http_url),
                    WithJsonSchema({"type": "string", "format": "uri",
                                    "pattern": "^[hH][tT][tT][pP][sS]?://"})]

ActorKind = Literal["person", "country", "organization", "group", "place"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True,
                              arbitrary_types_allowed=True, populate_by_name=False)


# ---------------------------------------------------------------- briefs


class Source(_Model):
    seed: Ref = Field(description="Id of the source article in seeds/ (file name without .txt).")
    outlet: Plain | None = Field(None, description="Publication that ran the article.")
    url: HttpUrl | None = Field(None, description="Web address of the article (http or https).")
    published: Date | None = Field(None, description="Publication date, YYYY-MM-DD.")


class Perspective(_Model):
    actor: Ref = Field(description="Actor whose view this is.")
    view: RichText = Field(description="How this side sees the events.")


class Quote(_Model):
    """Words the seed article puts in quotation marks, with their speaker named nearby."""

    speaker: Ref = Field(description="Actor who said it.")
    text: Plain = Field(description="The words exactly as in the seed article, inside one "
                                    "of its quotations; ... marks an elision.")
    attribution: Plain | None = Field(
        None, description="The article's own words naming the speaker near the quote, where "
                          "they are not one of the speaker's aliases (e.g. \"said the acting "
                          "chief justice\"); they must occur in the quote's paragraph or one "
                          "of the two before it.")
    note: RichText | None = Field(None, description="Context for the quote.")


class TimelineEvent(_Model):
    date: PartialDateField = Field(description="YYYY, YYYY-MM or YYYY-MM-DD.")
    event: RichText = Field(description="What happened.")
    actors: Refs = Field(default_factory=list, description="Actors who took part.")


class Relation(_Model):
    from_: Ref = Field(alias="from", description="Actor at the start of the edge.")
    to: Ref = Field(description="Actor at the end of the edge.")
    label: Plain = Field(max_length=60, description="Short neutral label, e.g. 'met with'.")


UpdateKind = Literal["update", "correction"]


class Update(_Model):
    date: Date = Field(description="Date of the update, YYYY-MM-DD.")
    note: RichText = Field(description="What changed and why.")
    kind: UpdateKind = Field("update", description="update (default) or correction: a "
                                                   "correction is shown as such and listed "
                                                   "on the corrections page.")


class Brief(_Model):
    title: Plain = Field(max_length=120, description="Headline, at most 120 characters.")
    dek: Plain = Field(max_length=280, description="One-sentence standfirst (cards, meta "
                                                   "description, feed), at most 280 characters.")
    date: Date = Field(description="Date of the events the brief covers, YYYY-MM-DD.")
    updated: Date | None = Field(None, description="Last substantive update, not before date.")
    source: Source = Field(description="The seed article the brief is based on.")
    tags: Tags = Field(default_factory=list, description="Topic tags (ids); each gets a page.")
    what_happened: RichText = Field(description="The news, in a few sentences.")
    why_it_matters: RichText = Field(description="Why it is significant.")
    key_points: list[RichText] = Field(min_length=1, max_length=7,
                                       description="One to seven skimmable bullets.")
    context: RichText | None = Field(None, description="The big picture and background.")
    perspectives: list[Perspective] = Field(default_factory=list,
                                            description="How each side sees it.")
    quotes: list[Quote] = Field(default_factory=list,
                                description="Verified quotes; each must occur in the seed.")
    timeline: list[TimelineEvent] = Field(default_factory=list, description="Dated events.")
    whats_next: RichText | None = Field(None, description="What to watch.")
    actors: Refs = Field(default_factory=list,
                         description="Actors the brief is about, beyond those in its text.")
    terms: Refs = Field(default_factory=list,
                        description="Terms the brief relies on, beyond those in its text.")
    relations: list[Relation] = Field(default_factory=list,
                                      description="Edges of the relationship diagram.")
    updates: list[Update] = Field(default_factory=list,
                                  description="Update and correction log.")
    story: Ref | None = Field(None, description="The ongoing story (an id in briefs/stories/) "
                                                "this brief is a development of.")


# ---------------------------------------------------------------- actors and terms


class Actor(_Model):
    name: Plain = Field(max_length=120, description='Display name, e.g. "Sergei V. Lavrov".')
    kind: ActorKind = Field(description="person, country, organization, group or place.")
    aliases: list[Plain] = Field(default_factory=list,
                                 description="Other names used in text; linked automatically.")
    role: Plain | None = Field(None, max_length=160,
                               description='e.g. "Foreign Minister of Russia".')
    as_of: Date | None = Field(None, description="When role was true, YYYY-MM-DD.")
    affiliation: Ref | None = Field(None, description="An actor, e.g. a person's country.")
    members: Refs = Field(default_factory=list, description="Member actors (organizations, "
                                                            "groups).")
    summary: Annotated[RichText, AfterValidator(_short_summary)] = Field(
        description="One to three sentences that hold in any story (who or what it is, its "
                    "lasting role; no events): profile, cards and hover tooltips.")
    profile: RichText | None = Field(None, description="Longer background.")
    links: dict[Plain, HttpUrl] = Field(default_factory=dict,
                                        description="Label to http(s) URL, e.g. wikipedia.")


class Term(_Model):
    term: Plain = Field(max_length=120, description="The term as shown.")
    aliases: list[Plain] = Field(default_factory=list,
                                 description="Other spellings and forms; linked automatically.")
    definition: Plain = Field(max_length=300, description="One neutral sentence, at most 300 "
                                                          "characters: the hover tooltip.")
    explanation: RichText | None = Field(None, description="Longer explanation.")
    used_by: Refs = Field(default_factory=list,
                          description="Actors who use or promote this wording.")
    related: Refs = Field(default_factory=list, description="Related terms, actors or briefs.")


# ---------------------------------------------------------------- stories


StoryStatus = Literal["developing", "concluded"]
WatchStatus = Literal["pending", "happened", "did-not-happen", "dropped"]


class WatchItem(_Model):
    item: Plain = Field(max_length=200, description="What to watch for, in one line.")
    due: PartialDateField | None = Field(None, description="When it is expected: YYYY, "
                                                           "YYYY-MM or YYYY-MM-DD.")
    status: WatchStatus = Field(description="pending, happened, did-not-happen or dropped.")
    resolved_by: Ref | None = Field(None, description="The brief that settled it.")
    note: RichText | None = Field(None, description="What became of it, or why it matters.")


class Story(_Model):
    title: Plain = Field(max_length=120, description="The story's name, e.g. \"The Mariner's "
                                                     "Pass border dispute\".")
    summary: RichText = Field(description="The story so far: a few paragraphs editors keep "
                                          "current.")
    status: StoryStatus = Field(description="developing or concluded.")
    updated: Date | None = Field(None, description="When the summary was last revised, "
                                                   "YYYY-MM-DD.")
    tags: Tags = Field(default_factory=list, description="Topic tags (ids), as for briefs.")
    questions: list[RichText] = Field(default_factory=list,
                                      description="The open questions the story turns on.")
    watch: list[WatchItem] = Field(default_factory=list,
                                   description="What to watch, each with its status.")


class SeedMeta(_Model):
    title: Plain | None = Field(None, max_length=300, description="Headline of the article.")
    outlet: Plain | None = Field(None, description="Publication.")
    author: Plain | None = Field(None, description="Byline.")
    published: Date | None = Field(None, description="Publication date, YYYY-MM-DD.")
    url: HttpUrl | None = Field(None, description="Web address of the article.")
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None = Field(
        None, description="BCP 47 language tag, e.g. en.")
    license: Plain | None = Field(None, max_length=300, description=(
        "The article's licence or rights statement, e.g. Public domain (VOA)."))


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds: itself, the items of a list, or an optional value."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None

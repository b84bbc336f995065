"""What every page family shares: link and card views, the recorded reads, one template call.

Views hold finished values (Markup made by text.py, links with their hrefs and tooltips);
templates only arrange them. Every read of the graph goes through `recorded`, so the pages
an edit reaches are known, not guessed.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import jinja2
from markupsafe import Markup

from .. import structured, urls
from ..diagnostics import BriefsError, Diagnostic
from ..diagrams import Diagram, flowchart
from ..graph import READ_AS, BriefFacet, F, Facet, Graph, StoryFacet, facet_as, facets_of
from ..load import Loc
from ..models import MONTHS
from ..text import (
    LinkTarget,
    Rich,
    anchor,
    front_matter_problem,
    html_text,
    json_for_html,
    render_rich,
    tooltips_once,
    yaml_string,
)
from ..urls import SiteConfig
from . import paging
from .templates import PAGE_TEMPLATES, TEMPLATES_DIR, xml_environment

# Title and description of each section page (front matter, JSON-LD, search).
SECTIONS = {
    urls.HOME: ("", "Explainer briefs on the news: what happened, why it matters, who is who "
                    "and what the words mean."),
    urls.BRIEFS_INDEX: ("Briefs", "Every brief, newest first."),
    urls.ACTORS_INDEX: ("Actors", "The people, countries, organizations, groups and places "
                                  "in the briefs."),
    urls.GLOSSARY_INDEX: ("Glossary", "The terms the briefs rely on, A to Z, each with a "
                                      "one-sentence definition."),
    urls.TAGS_INDEX: ("Tags", "Topics, each with the briefs about it."),
    urls.STORIES_INDEX: ("Stories", "Ongoing stories: the story so far, every development in "
                                    "order and what to watch; developing stories first."),
    urls.CORRECTIONS: ("Corrections", "Every correction made to a brief, newest first."),
    urls.TIMELINE: ("Timeline", "The latest dated events from every brief, and every event "
                                "year by year."),
    urls.GUIDE: ("How to add content", "How editors add briefs, actor profiles and glossary "
                                       "terms: files, fields and checks."),
}


V = TypeVar("V")
T = TypeVar("T")


@dataclass(frozen=True)
class SectionPage(Generic[T]):
    """One numbered page of a section listing (RendererBase.section_page)."""

    path: str
    items: Sequence[T]
    pager: dict[str, Any] | None
    extra: dict[str, Any]  # title and description of a section's page after the first
    count: int  # pages in all


@dataclass(frozen=True)
class LinkView:
    href: str
    text: str
    title: str = ""
    css: str = ""

    @functools.cached_property
    def html(self) -> Markup:
        return Markup(anchor(LinkTarget(self.href, self.title, self.text, self.css), self.text))

    @functools.cached_property
    def bare(self) -> LinkView:
        """The link without its tooltip, for lists that show the same text beside it
        (cards, indexes): a title would repeat it to the eye and to screen readers."""
        return replace(self, title="")




class _KeyedByEntity(Mapping[str, V]):
    """A read-only view keyed like the graph's facets (every entity of the site)."""

    def __init__(self, facets: Mapping[str, Facet]) -> None:
        self.facets = facets

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.facets

    def __iter__(self) -> Iterator[str]:
        return iter(self.facets)

    def __len__(self) -> int:
        return len(self.facets)


class FacetText(_KeyedByEntity[str]):
    """Names or tooltips of every entity, read from the facets when asked for."""

    def __init__(self, facets: Mapping[str, Facet], attribute: str) -> None:
        super().__init__(facets)
        self.attribute = attribute

    def __getitem__(self, entity_id: str) -> str:
        return str(getattr(self.facets[entity_id], self.attribute))


class Recorded(Mapping[str, V]):
    """A mapping of the graph whose every read is noted in `reads`: `name:key` for one
    value (present or not), `name:*` for the whole (iteration, length)."""

    def __init__(self, name: str, data: Mapping[str, V], reads: set[str]) -> None:
        self.name, self.data, self.reads = name, data, reads

    def __getitem__(self, key: str) -> V:
        self.reads.add(f"{self.name}:{key}")
        return self.data[key]

    def __contains__(self, key: object) -> bool:
        self.reads.add(f"{self.name}:{key}")
        return key in self.data

    def __iter__(self) -> Iterator[str]:
        self.reads.add(f"{self.name}:*")
        return iter(self.data)

    def __len__(self) -> int:
        self.reads.add(f"{self.name}:*")
        return len(self.data)


class RecordedSequence(Sequence[T]):
    """A sequence of the graph (events, edges, briefs by date) read only as a whole."""

    def __init__(self, name: str, data: Sequence[T], reads: set[str]) -> None:
        self.name, self.data, self.reads = name, data, reads

    @typing.overload
    def __getitem__(self, index: int) -> T: ...
    @typing.overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        self.reads.add(f"{self.name}:*")
        return self.data[index]

    def __len__(self) -> int:
        self.reads.add(f"{self.name}:*")
        return len(self.data)


def recorded(graph: Graph, reads: set[str]) -> Graph:
    """The graph as pages see it: every field read through the recorder, by the way its
    declaration in graph.Graph says it is read (READ_AS), so no read goes unnoted."""
    view = copy.copy(graph)
    for name, how in READ_AS.items():
        value = getattr(graph, name)
        if how in {"entity", "facet"}:
            setattr(view, name, Recorded(how, value, reads))
        elif how == "derived":
            setattr(view, name, Recorded(name, value, reads) if isinstance(value, Mapping)
                    else RecordedSequence(name, value, reads))
    # An entity's model is its own data, read as `entity:<id>` like its linked text; its
    # seed changes only with a seed file, which is a full run (incremental.edited_files).
    view.content = copy.copy(graph.content)
    for field in graph.content.FIELDS.values():
        setattr(view.content, field, Recorded("entity", getattr(graph.content, field), reads))
    return view


class RenderError(BriefsError):
    """A template failed, or produced a page that cannot be published: one located problem."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(diagnostic.format_text())


class RendererBase:
    """The graph, the template environment and the helpers every page family uses."""

    def __init__(self, graph: Graph, env: jinja2.Environment, config: SiteConfig) -> None:
        # Every read of the graph is noted (`recorded`): `page_reads` maps each rendered page
        # to the keys it read, so an edit re-renders exactly the readers of what changed.
        self._reads: set[str] = set()
        self.page_reads: dict[str, frozenset[str]] = {}
        self.source = graph  # unrecorded: for routing and releasing, never for a page
        self.graph = recorded(graph, self._reads)
        self.content = self.graph.content
        self.env = env
        self.config = config
        self.names = FacetText(self.graph.facets, "name")
        self.tooltips = FacetText(self.graph.facets, "tooltip")
        self._links: dict[tuple[int, str], LinkView] = {}
        self._cards: dict[tuple[int, str, bool], Markup] = {}
        self._rows: dict[tuple[int, str], Markup] = {}

    # ------------------------------------------------------------ helpers for views

    @functools.cached_property
    def xml_env(self) -> jinja2.Environment:
        """The environment for XML pages (the Atom feed), over the same templates."""
        return xml_environment(self.env)

    def page_of(self, entity_id: str) -> str:
        return urls.page_path(self.graph.kind_of(entity_id), entity_id)

    def link(self, from_page: str, entity_id: str) -> LinkView:
        """A link to an entity with its name and tooltip; shared by pages at one depth."""
        self._reads.add(f"facet:{entity_id}")  # also when the view comes from the cache
        key = (urls.page_url(from_page).count("/"), entity_id)
        view = self._links.get(key)
        if view is None:
            kind = self.graph.kind_of(entity_id)
            view = LinkView(urls.relative_url(from_page, self.page_of(entity_id)),
                            self.names[entity_id], self.tooltips[entity_id],
                            f"ref ref-{kind.value}")
            self._links[key] = view
        return view

    def targets(self, from_page: str, rich: Rich) -> dict[str, LinkTarget]:
        out = {}
        for inline in rich.inlines():
            target = getattr(inline, "target", None)
            if target is not None and target in self.names:
                view = self.link(from_page, target)
                out[target] = LinkTarget(view.href, view.title, view.text, view.css)
        return out

    def rich(self, from_page: str, owner: str, loc: Loc, *, inline: bool = False) -> Markup:
        return self.text(from_page, self.graph.rich[owner][loc], inline=inline)

    def text(self, from_page: str, rich: Rich, *, inline: bool = False) -> Markup:
        return render_rich(rich, self.targets(from_page, rich), inline=inline)

    def diagram(self, from_page: str, edges: list[Any], title: str, *,
                left_out: tuple[int, int] = (0, 0)) -> dict[str, Any] | None:
        """A relation diagram with its text alternative; `left_out`: the actors and the
        relations the caller already left out of `edges` (the actors index's cap)."""
        drawn: Diagram | None = flowchart(
            edges, self.names.__getitem__,
            lambda actor: urls.relative_url(from_page, self.page_of(actor)), title)
        if drawn is None:
            return None
        return {"source": drawn.source, "omitted": drawn.omitted, "title": title,
                "omitted_actors": left_out[0], "omitted_relations": left_out[1],
                "shown_actors": len({a for e in edges for a in (e.source, e.target)}),
                "edges": [{"from": self.link(from_page, e.source), "label": e.label,
                           "to": self.link(from_page, e.target)} for e in drawn.edges]}

    def render(self, template: str, path: str, *, jsonld: dict[str, Any] | None = None,
               **context: Any) -> tuple[str, str]:
        if path in SECTIONS:
            title, description = SECTIONS[path]
            context.setdefault("title", title or self.config.site_name)
            context.setdefault("description", description)
        structured_data = jsonld or structured.page_jsonld(
            self.config, path, str(context.get("title", self.config.site_name)),
            str(context.get("description", "")),
            "CollectionPage" if path in SECTIONS and path != urls.HOME else "WebPage")
        text = self.template(template, page_path=path, site=self.config, nav=self.nav(path),
                             jsonld=yaml_string(json_for_html(structured_data)), **context)
        return self._done(path, tooltips_once(text))

    def _done(self, path: str, text: str) -> tuple[str, str]:
        """Close a page: what it read so far is its dependency set. A page whose front
        matter MkDocs could not read is an error, never published as Markdown."""
        problem = front_matter_problem(text)
        if problem:
            raise RenderError(Diagnostic(f"docs/{path}", 1, 1, "template",
                                         f"generated page cannot be published: {problem}"))
        self.page_reads[path] = frozenset(self._reads)
        self._reads.clear()
        return path, text

    def template(self, name: str, *, env: jinja2.Environment | None = None,
                 **context: Any) -> str:
        """Render one template (with the Markdown environment unless another is given);
        any failure is a located `template` diagnostic."""
        rel = f"{TEMPLATES_DIR}/{PAGE_TEMPLATES}/{name}"
        try:
            return (env or self.env).get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            where = f"{TEMPLATES_DIR}/{PAGE_TEMPLATES}/{exc.name or name}"
            raise RenderError(Diagnostic(where, exc.lineno or 1, 1, "template",
                                         f"template failed: {exc.message}")) from exc
        except jinja2.TemplateError as exc:
            raise RenderError(Diagnostic(rel, 1, 1, "template",
                                         f"template failed: {exc}")) from exc
        except TypeError as exc:
            raise RenderError(Diagnostic(rel, 1, 1, "template",
                                         f"template failed: {exc}")) from exc

    def nav(self, path: str) -> dict[str, str]:
        return {name: urls.relative_url(path, target) for name, target in (
            ("home", urls.HOME), ("briefs", urls.BRIEFS_INDEX), ("actors", urls.ACTORS_INDEX),
            ("glossary", urls.GLOSSARY_INDEX), ("timeline", urls.TIMELINE),
            ("tags", urls.TAGS_INDEX), ("guide", urls.GUIDE), ("feed", urls.FEED),
            ("stories", urls.STORIES_INDEX), ("corrections", urls.CORRECTIONS))}

    # ------------------------------------------------------------ pages

    def _of_kind(self, cls: type[F]) -> dict[str, F]:
        """The facets of every entity of a kind (listing pages; a full run has them all)."""
        return facets_of(self.graph.facets, cls)

    def card(self, from_page: str, brief_id: str, *, tags: bool = True) -> Markup:
        """A brief's card (site_templates/pages/_card.j2), the same on pages of one depth;
        without its tags (`tags=False`) where they would say little (a brief's related
        briefs: five cards, a third of their bytes)."""
        self._reads.add(f"facet:{brief_id}")  # also when the card comes from the cache
        key = (urls.page_url(from_page).count("/"), brief_id, tags)
        html = self._cards.get(key)
        if html is None:
            brief = facet_as(self.graph.facets, brief_id, BriefFacet)
            view = {
                "link": self.link(from_page, brief_id).bare,
                "dek": brief.tooltip,
                "date": date_view(brief.date),
                "tags": [LinkView(urls.relative_url(from_page, urls.tag_path(t)), t, css="tag")
                         for t in brief.tags] if tags else [],
            }
            html = Markup(self.template("_card.j2", card=view))
            self._cards[key] = html
        return html

    def row(self, from_page: str, brief_id: str) -> Markup:
        """A brief as one compact row of a long list (site_templates/pages/_row.j2): its
        date and its title, linked, without the dek and tags a card has (a third of its
        bytes). The same on pages of one depth."""
        self._reads.add(f"facet:{brief_id}")  # also when the row comes from the cache
        key = (urls.page_url(from_page).count("/"), brief_id)
        html = self._rows.get(key)
        if html is None:
            brief = facet_as(self.graph.facets, brief_id, BriefFacet)
            view = {"link": self.link(from_page, brief_id).bare, "date": date_view(brief.date)}
            html = Markup(self.template("_row.j2", row=view))
            self._rows[key] = html
        return html

    def story_card(self, from_page: str, story_id: str) -> dict[str, Any]:
        """A story as the home page and the stories index list it."""
        story = facet_as(self.graph.facets, story_id, StoryFacet)
        developments = self.graph.developments.get(story_id, ())
        newest = developments[-1] if developments else None
        return {
            "link": self.link(from_page, story_id).bare,
            "status": story.status,
            "summary": story.tooltip,
            "count": len(developments),
            "newest": {"link": self.link(from_page, newest),
                       "date": date_view(facet_as(self.graph.facets, newest,
                                                  BriefFacet).date)} if newest else None,
        }

    @staticmethod
    def href(from_page: str, to: str) -> Markup:
        """A link target for an attribute, as is: routes are made of ids, digits and "/"."""
        return Markup(html_text(urls.relative_url(from_page, to)))

    def section_page(self, first: str, number: int, items: Sequence[T], size: int
                     ) -> SectionPage[T]:
        """Page `number` of a listing split `size` entries a page: its path, its entries,
        its pager and, for a section (SECTIONS) after the first, its title and description."""
        count = paging.page_count(len(items), size)
        extra: dict[str, Any] = {}
        if number > 1 and first in SECTIONS:
            title, description = SECTIONS[first]
            extra = {"title": f"{title} (page {number} of {count})",
                     "description": f"{description.removesuffix('.')}: page {number} of "
                                    f"{count}."}
        return SectionPage(urls.numbered_path(first, number),
                           paging.page_items(items, number, size),
                           self.pager(first, number, count), extra, count)

    def pager(self, first: str, number: int, count: int) -> dict[str, Any] | None:
        """The pagination control of page `number` of `count` of the listing whose first
        page is `first` (None when it has one page): previous and next (rel="prev" and
        rel="next"), the first and last pages and the two either side of this one."""
        if count <= 1:
            return None
        here = urls.numbered_path(first, number)

        def href(n: int) -> Markup:
            return self.href(here, urls.numbered_path(first, n))

        items: list[dict[str, Any]] = []
        last = 0
        for n in sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)}):
            if n > last + 1:
                items.append({"number": None})  # a gap
            items.append({"number": n, "href": href(n), "current": n == number})
            last = n
        return {"number": number, "count": count, "items": items,
                "prev": href(number - 1) if number > 1 else None,
                "next": href(number + 1) if number < count else None}

    def event_view(self, from_page: str, event_index: int, brief_id: str) -> dict[str, Any]:
        event = facet_as(self.graph.facets, brief_id, BriefFacet).events[event_index]
        return {
            "date": event.date.display,
            "iso": event.date.iso,
            "text": self.text(from_page, event.text, inline=True),
            "actors": [self.link(from_page, a) for a in event.actors if a in self.names],
            # no dek as the title: the event's own text says what it is about, and a page of
            # a hundred events would carry a hundred deks (~150 B each)
            "brief": self.link(from_page, brief_id).bare,
        }


def date_view(value: dt.date | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"iso": value.isoformat(), "display": f"{value.day} {MONTHS[value.month]} {value.year}"}

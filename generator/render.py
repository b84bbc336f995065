"""Render: the resolved graph -> page views -> Markdown pages in memory, through site_templates/.

Views hold finished values (Markup made by text.py, links with their hrefs and tooltips);
templates only arrange them. Any other value a template prints is escaped as plain text.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any, TypeVar

import jinja2
from markupsafe import Markup

from . import structured, urls
from .diagnostics import BriefsError, Diagnostic
from .diagrams import Diagram, flowchart, unique_edges
from .kinds import ACTOR_KINDS
from .link import Facet, Graph, SiteEvent
from .load import Loc
from .models import MONTHS, Brief
from .text import (
    LinkTarget,
    Rich,
    anchor,
    front_matter_problem,
    html_text,
    json_for_html,
    md_plain,
    render_rich,
    yaml_string,
)
from .urls import Kind, SiteConfig

TEMPLATES_DIR = "site_templates"
PAGE_TEMPLATES = "pages"
ASSETS_DIR = "assets"
WORDS_PER_MINUTE = 220
TIMELINE_LATEST = 50  # events on the timeline's first page; each year has a page of its own
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
    urls.TIMELINE: ("Timeline", "The latest dated events from every brief, and every event "
                                "year by year."),
    urls.GUIDE: ("How to add content", "How editors add briefs, actor profiles and glossary "
                                       "terms: files, fields and checks."),
}


@dataclass(frozen=True)
class LinkView:
    href: str
    text: str
    title: str = ""
    css: str = ""

    @functools.cached_property
    def html(self) -> Markup:
        return Markup(anchor(LinkTarget(self.href, self.title, self.text, self.css), self.text))


V = TypeVar("V")


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


class ReadFacets(_KeyedByEntity[Facet]):
    """The graph's facets, noting each entity whose facet is read (the page dependency map)."""

    def __init__(self, facets: Mapping[str, Facet], reads: set[str]) -> None:
        super().__init__(facets)
        self.reads = reads

    def __getitem__(self, entity_id: str) -> Facet:
        self.reads.add(entity_id)
        return self.facets[entity_id]


class RenderError(BriefsError):
    """A template failed, or produced a page that cannot be published: one located problem."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(diagnostic.format_text())


def _finalize(value: Any) -> Any:
    """Whatever a template prints that is not Markup is plain text: shown exactly as typed."""
    if isinstance(value, Markup):
        return value
    if value is None:
        raise TypeError("a template printed None")
    return md_plain(str(value))


def environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / TEMPLATES_DIR / PAGE_TEMPLATES)),
        # Compiled templates are kept in memory and in Jinja's per-user folder, never in
        # the project (BytecodeCache): an incremental run does not compile them again.
        bytecode_cache=_bytecode_cache(root),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    # Front matter values reach Material's templates unescaped: HTML-escape, then quote.
    env.filters["front"] = lambda v: yaml_string(html_text(str(v)))
    return env


# Compiled templates of this process by Jinja's key (template name and file), with the
# checksum of the source they were compiled from: `briefs serve` compiles each once.
_COMPILED: dict[str, tuple[str, CodeType]] = {}


class BytecodeCache(jinja2.BytecodeCache):
    """Compiled templates: in memory for the life of the process, then in Jinja's private
    per-user folder in the temporary directory (created 0700, ownership checked).

    Never in a folder of the project: the repository can carry any file there, and a
    compiled template (marshalled code, behind a pickled checksum) is code the build runs.
    A cache that cannot be written only costs speed.
    """

    def __init__(self, disk: jinja2.FileSystemBytecodeCache | None) -> None:
        self.disk = disk

    @classmethod
    def for_project(cls, root: Path) -> BytecodeCache:
        disk = _user_cache()
        if disk is not None and Path(disk.directory).resolve().is_relative_to(root.resolve()):
            disk = None  # $TMPDIR inside the project: the repository could fill that too
        return cls(disk)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = _COMPILED.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]
            return
        if self.disk is not None:
            with contextlib.suppress(OSError):
                self.disk.load_bytecode(bucket)
            if bucket.code is not None:
                _COMPILED[bucket.key] = (bucket.checksum, bucket.code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            _COMPILED[bucket.key] = (bucket.checksum, bucket.code)
        if self.disk is not None:
            with contextlib.suppress(OSError):
                self.disk.dump_bytecode(bucket)


@functools.cache
def _user_cache() -> jinja2.FileSystemBytecodeCache | None:
    try:
        return jinja2.FileSystemBytecodeCache()  # refuses a folder it cannot make private
    except (OSError, RuntimeError):
        return None


def _bytecode_cache(root: Path) -> jinja2.BytecodeCache | None:
    return BytecodeCache.for_project(root)


class Renderer:
    """Builds every page of the site from the graph."""

    def __init__(self, graph: Graph, env: jinja2.Environment, config: SiteConfig) -> None:
        # Every facet a page reads is noted: `page_reads` maps each rendered page to the
        # entities whose facets it shows, so an edit of one re-renders exactly its readers.
        self._reads: set[str] = set()
        self.page_reads: dict[str, frozenset[str]] = {}
        self.graph = dataclasses.replace(graph, facets=ReadFacets(graph.facets, self._reads))
        self.content = graph.content
        self.env = env
        self.config = config
        self.names = FacetText(self.graph.facets, "name")
        self.tooltips = FacetText(self.graph.facets, "tooltip")
        self._links: dict[tuple[int, str], LinkView] = {}
        self._cards: dict[tuple[int, str], Markup] = {}

    # ------------------------------------------------------------ helpers for views

    def page_of(self, entity_id: str) -> str:
        return urls.page_path(self.graph.kind_of(entity_id), entity_id)

    def link(self, from_page: str, entity_id: str) -> LinkView:
        """A link to an entity with its name and tooltip; shared by pages at one depth."""
        self._reads.add(entity_id)
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

    def diagram(self, from_page: str, edges: list[Any], title: str) -> dict[str, Any] | None:
        drawn: Diagram | None = flowchart(
            edges, self.names.__getitem__,
            lambda actor: urls.relative_url(from_page, self.page_of(actor)), title)
        if drawn is None:
            return None
        return {"source": drawn.source, "omitted": drawn.omitted, "title": title,
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
        return self._done(path, text)

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

    def template(self, name: str, **context: Any) -> str:
        """Render one template; any failure is a located `template` diagnostic."""
        rel = f"{TEMPLATES_DIR}/{PAGE_TEMPLATES}/{name}"
        try:
            return self.env.get_template(name).render(**context)
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
            ("tags", urls.TAGS_INDEX), ("guide", urls.GUIDE), ("feed", urls.FEED))}

    # ------------------------------------------------------------ pages

    def pages(self) -> list[tuple[str, str]]:
        jobs: list[Callable[[], list[tuple[str, str]]]] = [
            self.home, self.briefs_index, self.actors_index, self.glossary_index,
            self.tags_pages, self.timeline_pages, self.guide_page,
        ]
        pages = [self.feed()]
        pages += [page for job in jobs for page in job()]
        pages += [self.brief_page(b) for b in self.graph.briefs_by_date]
        pages += [self.actor_page(a) for a in sorted(self.content.actors)]
        pages += [self.term_page(t) for t in sorted(self.content.terms)]
        return pages

    def page(self, path: str) -> tuple[str, str]:
        """One page by its path (the incremental path renders the pages an edit reaches)."""
        listing: dict[str, Callable[[], list[tuple[str, str]]]] = {
            urls.HOME: self.home, urls.BRIEFS_INDEX: self.briefs_index,
            urls.ACTORS_INDEX: self.actors_index, urls.GLOSSARY_INDEX: self.glossary_index,
            urls.TAGS_INDEX: self.tags_index, urls.TIMELINE: self.timeline_page,
            urls.GUIDE: self.guide_page}
        if path == urls.FEED:
            return self.feed()
        if path in listing:
            return listing[path]()[0]
        section, _, name = path.partition("/")
        entity_id = name.removesuffix(".md")
        if section == urls.TAGS_SECTION:
            return self.tag_page(entity_id, self.graph.tags[entity_id])
        if section == urls.TIMELINE_SECTION:
            year = int(entity_id)
            return self.timeline_year_page(year, self.timeline_years()[year])
        kind = self.graph.kind_of(entity_id)
        return {Kind.BRIEF: self.brief_page, Kind.ACTOR: self.actor_page,
                Kind.TERM: self.term_page}[kind](entity_id)

    def feed(self) -> tuple[str, str]:
        return self._done(urls.FEED, structured.atom_feed(self.graph, self.config))

    def _of_kind(self, kind: Kind) -> dict[str, Facet]:
        """The facets of every entity of a kind (listing pages; a full run has them all)."""
        return {i: f for i, f in self.graph.facets.items() if f.kind is kind}

    def card(self, from_page: str, brief_id: str) -> Markup:
        """A brief's card (site_templates/pages/_card.j2), the same on pages of one depth."""
        self._reads.add(brief_id)
        key = (urls.page_url(from_page).count("/"), brief_id)
        html = self._cards.get(key)
        if html is None:
            brief = self.graph.facets[brief_id]
            view = {
                "link": self.link(from_page, brief_id),
                "dek": brief.tooltip,
                "date": _date_view(brief.date),
                "tags": [LinkView(urls.relative_url(from_page, urls.tag_path(t)), t, css="tag")
                         for t in brief.tags],
            }
            html = Markup(self.template("_card.j2", card=view))
            self._cards[key] = html
        return html

    def home(self) -> list[tuple[str, str]]:
        path = urls.HOME
        latest = [self.card(path, b) for b in self.graph.briefs_by_date[:12]]
        return [self.render("home.md.j2", path, latest=latest,
                            counts={"briefs": len(self.graph.briefs_by_date),
                                    "actors": len(self._of_kind(Kind.ACTOR)),
                                    "terms": len(self._of_kind(Kind.TERM))})]

    def briefs_index(self) -> list[tuple[str, str]]:
        path = urls.BRIEFS_INDEX
        cards = [self.card(path, b) for b in self.graph.briefs_by_date]
        return [self.render("briefs_index.md.j2", path, cards=cards)]

    def actors_index(self) -> list[tuple[str, str]]:
        path = urls.ACTORS_INDEX
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for actor_id, actor in sorted(self._of_kind(Kind.ACTOR).items(),
                                      key=lambda a: (a[1].name.casefold(), a[0])):
            assert actor.summary is not None
            groups[actor.actor_kind].append({
                "link": self.link(path, actor_id),
                "role": actor.role,
                "summary": self.text(path, actor.summary, inline=True),
            })
        ordered = [(spec.heading, groups[k]) for k, spec in ACTOR_KINDS.items() if groups.get(k)]
        diagram = self.diagram(path, unique_edges(self.graph.edges),
                               "Relations between all actors")
        return [self.render("actors_index.md.j2", path, groups=ordered, diagram=diagram)]

    def glossary_index(self) -> list[tuple[str, str]]:
        path = urls.GLOSSARY_INDEX
        letters: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for term_id, term in sorted(self._of_kind(Kind.TERM).items(),
                                    key=lambda t: (_sort_text(t[1].name), t[0])):
            first = _sort_text(term.name)[:1].upper()
            letter = first if "A" <= first <= "Z" else "Other"
            letters[letter].append({"link": self.link(path, term_id),
                                    "definition": term.tooltip})
        groups = [{"letter": k, "anchor": k.lower(), "terms": v}
                  for k, v in sorted(letters.items(), key=lambda kv: (kv[0] == "Other", kv[0]))]
        return [self.render("glossary_index.md.j2", path, letters=groups,
                            jsonld=structured.glossary_jsonld(self.graph, self.config))]

    def tags_pages(self) -> list[tuple[str, str]]:
        pages = [self.tag_page(tag, brief_ids) for tag, brief_ids in self.graph.tags.items()]
        return pages + self.tags_index()

    def tag_page(self, tag: str, brief_ids: tuple[str, ...]) -> tuple[str, str]:
        path = urls.tag_path(tag)
        return self.render("tag.md.j2", path, tag=tag,
                           cards=[self.card(path, b) for b in brief_ids])

    def tags_index(self) -> list[tuple[str, str]]:
        entries = [{"link": LinkView(urls.relative_url(urls.TAGS_INDEX, urls.tag_path(tag)), tag,
                                     css="tag"), "count": len(brief_ids)}
                   for tag, brief_ids in self.graph.tags.items()]
        return [self.render("tags_index.md.j2", urls.TAGS_INDEX, tags=entries)]

    def event_view(self, from_page: str, event_index: int, brief_id: str) -> dict[str, Any]:
        event = self.graph.facets[brief_id].events[event_index]
        return {
            "date": event.date.display,
            "iso": event.date.iso,
            "text": self.text(from_page, event.text, inline=True),
            "actors": [self.link(from_page, a) for a in event.actors if a in self.names],
            "brief": self.link(from_page, brief_id),
        }

    def timeline_years(self) -> dict[int, list[SiteEvent]]:
        """Every event by year, newest year and event first (one page per year)."""
        years: dict[int, list[SiteEvent]] = defaultdict(list)
        for event in reversed(self.graph.events):
            years[event.date.year].append(event)
        return dict(sorted(years.items(), reverse=True))

    def timeline_pages(self) -> list[tuple[str, str]]:
        years = self.timeline_years()
        return self.timeline_page() + [self.timeline_year_page(y, e) for y, e in years.items()]

    def timeline_page(self) -> list[tuple[str, str]]:
        """The newest events, then the years: the page stays small however many events."""
        path = urls.TIMELINE
        newest = list(itertools.islice(reversed(self.graph.events), TIMELINE_LATEST))
        years = [{"link": LinkView(urls.relative_url(path, urls.timeline_year_path(year)),
                                   str(year), css="timeline-years__year"), "count": len(events)}
                 for year, events in self.timeline_years().items()]
        return [self.render("timeline.md.j2", path, years=years,
                            latest=[self.event_view(path, e.index, e.brief) for e in newest])]

    def timeline_year_page(self, year: int, events: list[SiteEvent]) -> tuple[str, str]:
        path = urls.timeline_year_path(year)
        return self.render(
            "timeline_year.md.j2", path, title=f"Timeline: {year}",
            description=f"Every dated event of {year} from every brief, newest first.",
            year=year, events=[self.event_view(path, e.index, e.brief) for e in events],
            timeline=LinkView(urls.relative_url(path, urls.TIMELINE), "Timeline"))

    def guide_page(self) -> list[tuple[str, str]]:
        from .schema import field_tables

        return [self.render("guide.md.j2", urls.GUIDE, tables=field_tables(),
                            example=self.guide_example())]

    def guide_example(self) -> dict[str, str] | None:
        """The opening of the newest brief's YAML, as the worked example of the guide."""
        if not self.graph.briefs_by_date:
            return None
        entity = self.content.briefs[self.graph.briefs_by_date[0]]
        lines = entity.doc.text.splitlines()
        cut = next((i for i, line in enumerate(lines) if line.startswith("key_points:")),
                   min(len(lines), 30))
        shown = lines[:cut + 3] if cut + 3 < len(lines) else lines
        return {"path": entity.rel, "text": "\n".join(shown),
                "more": str(len(lines) - len(shown))}

    def brief_page(self, brief_id: str) -> tuple[str, str]:
        entity = self.content.briefs[brief_id]
        brief: Brief = entity.model
        path = urls.page_path(Kind.BRIEF, brief_id)
        seed = self.content.seeds[brief.source.seed]

        def rich(loc: Loc) -> Markup:
            return self.rich(path, brief_id, loc)

        words = sum(len(r.plain(self.names).split())
                    for r in self.graph.rich[brief_id].values())
        meta = seed.meta
        source = {
            "title": (meta.title if meta and meta.title else brief.title),
            "outlet": brief.source.outlet or (meta.outlet if meta else None) or "",
            "url": brief.source.url or (meta.url if meta else None) or "",
            "published": _date_view(brief.source.published or (meta.published if meta
                                                               else None)),
            "seed": seed.rel,
        }
        view = {
            "id": brief_id,
            "title": brief.title,
            "dek": brief.dek,
            "date": _date_view(brief.date),
            "updated": _date_view(brief.updated),
            "reading_minutes": max(1, math.ceil(words / WORDS_PER_MINUTE)),
            "tags": [LinkView(urls.relative_url(path, urls.tag_path(t)), t, css="tag")
                     for t in brief.tags],
            "why_it_matters": rich(("why_it_matters",)),
            "key_points": [self.rich(path, brief_id, ("key_points", i), inline=True)
                           for i in range(len(brief.key_points))],
            "what_happened": rich(("what_happened",)),
            "context": rich(("context",)) if brief.context else None,
            "perspectives": [{"actor": self.link(path, p.actor),
                              "view": rich(("perspectives", i, "view"))}
                             for i, p in enumerate(brief.perspectives)],
            "quotes": [{"text": q.text, "speaker": self.link(path, q.speaker),
                        "note": rich(("quotes", i, "note")) if q.note else None}
                       for i, q in enumerate(brief.quotes)],
            "timeline": [self.event_view(path, i, brief_id) for i in range(len(brief.timeline))],
            "whats_next": rich(("whats_next",)) if brief.whats_next else None,
            "diagram": self.diagram(path, unique_edges(
                self.graph.edges_by_brief.get(brief_id, ())),
                "Relations between the actors of this brief"),
            "actors": [self.link(path, a) for a in self.graph.brief_actors[brief_id]],
            "terms": [self.link(path, t) for t in self.graph.brief_terms[brief_id]],
            "related": [self.card(path, b) for b in self.graph.related[brief_id]],
            "updates": [{"date": _date_view(u.date),
                         "note": rich(("updates", i, "note"))}
                        for i, u in sorted(enumerate(brief.updates),
                                           key=lambda iu: (-iu[1].date.toordinal(), iu[0]))],
            "source": source,
        }
        return self.render("brief.md.j2", path, brief=view,
                           jsonld=structured.brief_jsonld(self.graph, self.config, brief_id))

    def actor_page(self, actor_id: str) -> tuple[str, str]:
        actor = self.content.actors[actor_id].model
        path = urls.page_path(Kind.ACTOR, actor_id)
        view = {
            "id": actor_id,
            "name": actor.name,
            "kind": actor.kind,
            "role": actor.role or "",
            "as_of": _date_view(actor.as_of),
            "affiliation": self.link(path, actor.affiliation)
            if actor.affiliation and actor.affiliation in self.names else None,
            "members": [self.link(path, m) for m in actor.members if m in self.names],
            "member_of": [self.link(path, o) for o in self.graph.member_of.get(actor_id, ())],
            "affiliated": [self.link(path, o) for o in self.graph.affiliated.get(actor_id, ())],
            "aliases": [a for a in actor.aliases if a != actor.name],
            "summary": self.rich(path, actor_id, ("summary",)),
            "description": self.tooltips[actor_id],
            "profile": self.rich(path, actor_id, ("profile",)) if actor.profile else None,
            "links": [{"label": label, "url": url} for label, url in actor.links.items()],
            "appears_in": [self.card(path, b) for b in self.graph.appears_in.get(actor_id, ())],
            "terms": [self.link(path, t) for t in self.graph.used_by_terms.get(actor_id, ())],
            "events": [self.event_view(path, e.index, e.brief)
                       for e in self.graph.events_by_actor.get(actor_id, ())],
            "diagram": self.diagram(path, unique_edges(
                self.graph.edges_by_actor.get(actor_id, ())),
                f"Connections of {actor.name}"),
        }
        return self.render("actor.md.j2", path, actor=view, jsonld=structured.actor_jsonld(
            self.graph, self.config, actor_id, self.tooltips[actor_id]))

    def term_page(self, term_id: str) -> tuple[str, str]:
        term = self.content.terms[term_id].model
        path = urls.page_path(Kind.TERM, term_id)
        view = {
            "id": term_id,
            "term": term.term,
            "definition": term.definition,
            "aliases": [a for a in term.aliases if a != term.term],
            "explanation": self.rich(path, term_id, ("explanation",))
            if term.explanation else None,
            "used_by": [self.link(path, a) for a in term.used_by if a in self.names],
            "related": [self.link(path, r) for r in term.related if r in self.names],
            "used_in": [self.card(path, b) for b in self.graph.appears_in.get(term_id, ())],
        }
        return self.render("term.md.j2", path, term=view,
                           jsonld=structured.term_jsonld(self.graph, self.config, term_id))


def _sort_text(text: str) -> str:
    return text.lstrip("\"'“‘«(").casefold()


def _date_view(value: dt.date | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"iso": value.isoformat(), "display": f"{value.day} {MONTHS[value.month]} {value.year}"}


def render_pages(graph: Graph, root: Path, config: SiteConfig
                 ) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """All Markdown pages of the site, keyed by docs-relative path, and what each read."""
    renderer = Renderer(graph, environment(root), config)
    pages: dict[str, str] = {}
    for path, text in renderer.pages():
        if path in pages:  # pragma: no cover - urls.py makes paths unique
            raise RenderError(Diagnostic(path, 1, 1, "template", "two pages at one path"))
        pages[path] = text
    return pages, renderer.page_reads

"""The incremental path: an edit that leaves every facet as it was re-renders only its own pages.

After every full run the state (`.briefs-cache/state.sqlite`) keeps, for each entity, its
facet (`link.Facet`: all that other pages read of it) and its slice of the graph's derived
indexes (related briefs, appears-in lists, events, edges), plus the alias table, the id
index and the newest brief. A later run whose only changes are edits of content files
(no file added or removed; seeds, templates, generator code, settings and docs/ as they
were) loads, validates and links the edited files alone. When their facets are unchanged,
no other page can differ, so only their own pages (and the guide, which quotes the newest
brief) are rendered, from the edited models and the stored facets, and written.

Anything else returns None and the caller takes the full path: a changed facet, any
problem in an edited file (the full check then reports every problem of the site, once),
a state that is missing, of another format or unreadable.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import CACHE_DIR
from .inventory import BRIEFS_DIR, KIND_DIRS, SEEDS_DIR, ContentFile
from .link import (
    AnyEntity,
    Facet,
    Graph,
    Linked,
    all_entities,
    facet_of,
    link_entity,
    matcher_for_text,
    running_text,
)
from .render import FacetText, Renderer, RenderError, environment
from .urls import Kind, SiteConfig
from .validate import Content, load_seed, validate_file
from .write import WriteReport, write_files

STATE_FILE = "state.sqlite"
FORMAT = "1"
# The slice of each derived index of the graph that an entity's own page reads.
SLICES = {
    Kind.BRIEF: ("related", "edges_by_brief"),
    Kind.ACTOR: ("appears_in", "used_by_terms", "member_of", "affiliated", "events_by_actor",
                 "edges_by_actor"),
    Kind.TERM: ("appears_in",),
}


def _path(root: Path) -> Path:
    return root / CACHE_DIR / STATE_FILE


def forget(root: Path) -> None:
    with contextlib.suppress(OSError):
        _path(root).unlink()


def save(root: Path, graph: Graph) -> None:
    """Record the state of a full run; a state that cannot be written only costs speed."""
    path = _path(root)
    tmp = path.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
    content = graph.content
    try:
        path.parent.mkdir(exist_ok=True)
        tmp.unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB)")
            db.execute("CREATE TABLE entity (id TEXT PRIMARY KEY, facet BLOB, slice BLOB)")
            meta = {
                "format": FORMAT,
                "known_ids": {i: k.value for i, k in content.known_ids.items()},
                "known_seeds": sorted(content.known_seeds),
                "aliases": graph.aliases,
                "newest": graph.briefs_by_date[0] if graph.briefs_by_date else "",
            }
            db.executemany("INSERT INTO meta VALUES (?, ?)",
                           [(k, pickle.dumps(v, pickle.HIGHEST_PROTOCOL))
                            for k, v in meta.items()])
            db.executemany("INSERT INTO entity VALUES (?, ?, ?)", [
                (entity_id, pickle.dumps(facet, pickle.HIGHEST_PROTOCOL),
                 pickle.dumps(_slice(graph, entity_id, facet.kind), pickle.HIGHEST_PROTOCOL))
                for entity_id, facet in graph.facets.items()])
            db.commit()
        tmp.replace(path)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            tmp.unlink()
        forget(root)


def _slice(graph: Graph, entity_id: str, kind: Kind) -> dict[str, Any]:
    return {name: getattr(graph, name)[entity_id] for name in SLICES[kind]
            if entity_id in getattr(graph, name)}


class StoredFacets(Mapping[str, Facet]):
    """The facets of the last full run, read from the state one entity at a time."""

    def __init__(self, db: sqlite3.Connection, known: Mapping[str, Kind]) -> None:
        self.db = db
        self.known = known
        self.loaded: dict[str, Facet] = {}
        self.slices: dict[str, dict[str, Any]] = {}

    def __getitem__(self, entity_id: str) -> Facet:
        facet = self.loaded.get(entity_id)
        if facet is None:
            row = self.db.execute("SELECT facet FROM entity WHERE id = ?",
                                  (entity_id,)).fetchone()
            if row is None:
                raise KeyError(entity_id)
            facet = self.loaded[entity_id] = typing.cast(Facet, pickle.loads(row[0]))
        return facet

    def slice(self, entity_id: str) -> dict[str, Any]:
        row = self.db.execute("SELECT slice FROM entity WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            raise KeyError(entity_id)
        return typing.cast(dict[str, Any], pickle.loads(row[0]))

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.known  # a full run that succeeded: every id is an entity

    def __iter__(self) -> Iterator[str]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)


@dataclass(frozen=True)
class _Meta:
    known_ids: dict[str, Kind]
    known_seeds: set[str]
    aliases: dict[str, str]
    newest: str


def _read_meta(db: sqlite3.Connection) -> _Meta | None:
    rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if pickle.loads(rows["format"]) != FORMAT:
        return None
    return _Meta({i: Kind(k) for i, k in pickle.loads(rows["known_ids"]).items()},
                 set(pickle.loads(rows["known_seeds"])), pickle.loads(rows["aliases"]),
                 pickle.loads(rows["newest"]))


def edited_files(saved: Mapping[str, Any], current: Mapping[str, Any]) -> list[str] | None:
    """The content files edited since the saved fingerprint, or None when anything else
    changed (a file added or removed, a seed, a template, the code, the settings, docs/)."""
    if any(saved.get(key) != current.get(key) for key in ("format", "config", "code",
                                                            "outputs")):
        return None
    before, after = saved.get("inputs", {}), current["inputs"]
    if before.keys() != after.keys():
        return None
    edited = sorted(rel for rel in after if before[rel] != after[rel])
    if not edited or any(not _content_file(rel) for rel in edited):
        return None
    return edited


def _content_file(rel: str) -> bool:
    parts = rel.split("/")
    return (parts[0] == BRIEFS_DIR and rel.endswith(".yaml")
            and (len(parts) == 2 or (len(parts) == 3 and parts[1] in KIND_DIRS)))


def update(root: Path, config: SiteConfig, docs: Path, edited: list[str]
           ) -> WriteReport | None:
    """Regenerate the pages of `edited` files alone, or None when the full path is needed."""
    path = _path(root)
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return _update(root, config, docs, edited, db)
    except (sqlite3.Error, pickle.UnpicklingError, KeyError, EOFError, ValueError,
            AttributeError, TypeError):
        return None


def _update(root: Path, config: SiteConfig, docs: Path, edited: list[str],
            db: sqlite3.Connection) -> WriteReport | None:
    meta = _read_meta(db)
    if meta is None:
        return None
    facets = StoredFacets(db, meta.known_ids)
    content = Content(known_ids=meta.known_ids, known_seeds=meta.known_seeds)
    names = FacetText(facets, "name")
    files = [_content_entry(rel) for rel in edited]
    for file in files:
        if meta.known_ids.get(file.id) is not file.kind:
            return None
        entity, problems = validate_file(root, file)
        if entity is None or problems:
            return None
        getattr(content, {Kind.BRIEF: "briefs", Kind.ACTOR: "actors",
                          Kind.TERM: "terms"}[file.kind])[file.id] = entity
    for brief in content.briefs.values():
        seed_id = brief.model.source.seed
        if seed_id in meta.known_seeds and seed_id not in content.seeds:
            meta_rel = f"{SEEDS_DIR}/{seed_id}.yaml"
            seed, problems = load_seed(root, seed_id, f"{SEEDS_DIR}/{seed_id}.txt",
                                        meta_rel if (root / meta_rel).is_file() else None)
            if seed is None or problems:
                return None
            content.seeds[seed_id] = seed
    graph = Graph(content, facets=facets, aliases=meta.aliases)
    for entity in all_entities(content):
        linked = _link_one(entity, content, meta.aliases)
        if linked.problems or facet_of(entity, linked, names) != facets[entity.id]:
            return None
        graph.rich[entity.id] = linked.rich
        if entity.kind is Kind.BRIEF:
            graph.brief_actors[entity.id] = tuple(
                i for i in linked.involved if meta.known_ids[i] is Kind.ACTOR)
            graph.brief_terms[entity.id] = tuple(
                i for i in linked.involved if meta.known_ids[i] is Kind.TERM)
        for name, value in facets.slice(entity.id).items():
            getattr(graph, name)[entity.id] = value
    renderer = Renderer(graph, environment(root), config)
    pages: dict[str, str] = {}
    try:
        for entity in all_entities(content):
            page = {Kind.BRIEF: renderer.brief_page, Kind.ACTOR: renderer.actor_page,
                    Kind.TERM: renderer.term_page}[entity.kind](entity.id)
            pages[page[0]] = page[1]
        if meta.newest in content.briefs:  # the guide quotes the newest brief's YAML
            graph.briefs_by_date = (meta.newest,)
            for page_path, text in renderer.guide_page():
                pages[page_path] = text
    except RenderError:
        return None  # the full path reports it with every other problem
    return write_files(docs, {p: t.encode("utf-8") for p, t in pages.items()})


def _content_entry(rel: str) -> ContentFile:
    parts = rel.split("/")
    kind = KIND_DIRS[parts[1]] if len(parts) == 3 else Kind.BRIEF
    return ContentFile(kind, parts[-1][: -len(".yaml")], rel)


def _link_one(entity: AnyEntity, content: Content, aliases: Mapping[str, str]) -> Linked:
    text = "\n".join(running_text(entity.model))
    return link_entity(entity, content, matcher_for_text(aliases, text))


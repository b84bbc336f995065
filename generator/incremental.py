"""The incremental path: an edit re-renders the pages that depend on it, and no other.

After every full run the state (`.briefs-cache/state.sqlite`) keeps
- each entity's facet (`link.Facet`: all that other pages show of it or derive from it),
- each entity's slice of the graph's derived indexes (related briefs, appears-in lists,
  events, edges, memberships) with a digest of it,
- the dependency map: for every page, the entities whose facets it read while rendering
  (`render.ReadFacets`), kept as (entity, page) rows,
- the alias table, the id index, and the indexes listing pages read whole (tags, events,
  edges, briefs by date).

A later run whose only changes are edits of content files (no file added or removed;
seeds, templates, generator code, settings and docs/ as they were) loads, validates and
links the edited files alone, then compares their facets with the stored ones:
- unchanged: only their own pages (and the guide, which quotes the newest brief) can
  differ; they are rendered from the edited models and the stored facets;
- changed: every facet is loaded, the derived indexes are recomputed, and the dirty pages
  are the edited entities' own pages, every page that read a changed facet, every entity
  page whose slice changed, and the listing pages whose inputs changed (timeline, tag
  pages, indexes, home, feed). Their owners' files are loaded; only those pages render.
The state is brought up to date in the same run.

Anything else returns a FullReason and the caller takes the full path: a problem in an
edited file (the full check then reports every problem of the site, once), a changed name or
alias (names and aliases reach other entities' linked text), a tag or a timeline year
appearing or disappearing (pages to add or remove), a state that is missing, of another
format, damaged or out of step with the build cache. Each is one Reason, raised where it is
decided as _FullRun; any other exception is a bug and propagates.

The state can arrive with the repository, so it holds data only: every blob is JSON written
by generator/serial.py (never a pickle), and a file is used only if it is a regular file
whose schema is exactly the one written here (no trigger, view or other table), read
with plain SELECTs and `PRAGMA trusted_schema=OFF`. Anything else means the full path.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
import stat
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from . import cache, serial, urls
from .diagnostics import BriefsError
from .inventory import SEEDS_DIR, ContentFile, content_file, content_rel
from .link import (
    AnyEntity,
    Edge,
    Facet,
    Graph,
    Linked,
    SiteEvent,
    derive,
    facet_of,
    link_entity,
    matcher_for_text,
    running_text,
    split_involved,
)
from .render import TEMPLATES_DIR, FacetText, Renderer, RenderError, environment
from .urls import Kind, SiteConfig
from .validate import Content, load_seed, validate_file
from .write import WriteReport, write_files

STATE_FILE = "state.sqlite"
FORMAT = "4"
# The slice of each derived index of the graph that an entity's own page reads.
SLICES = {
    Kind.BRIEF: ("related", "edges_by_brief"),
    Kind.ACTOR: ("appears_in", "used_by_terms", "member_of", "affiliated", "events_by_actor",
                 "edges_by_actor"),
    Kind.TERM: ("appears_in",),
}
_LISTINGS = frozenset({urls.HOME, urls.BRIEFS_INDEX, urls.ACTORS_INDEX, urls.GLOSSARY_INDEX,
                       urls.TAGS_INDEX, urls.TIMELINE, urls.GUIDE, urls.FEED})
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB)",
    "CREATE TABLE entity (id TEXT PRIMARY KEY, facet BLOB, slice BLOB, digest BLOB)",
    "CREATE TABLE reader (entity TEXT, page TEXT)",
)
_INDEXES = ("CREATE INDEX reader_entity ON reader (entity)",
            "CREATE INDEX reader_page ON reader (page)")


# Files SQLite keeps beside a database: stale ones must never be paired with a new state.
_SIDE_FILES = ("-journal", "-wal", "-shm")


class Reason(StrEnum):
    """Why a run takes the full path. The values are stable: tests, `--verbose` and logs
    show them."""

    # the build cache (generator/cache.py): pipeline._no_cache, edited_files
    NO_CACHE = "no-cache"
    CACHE_FORMAT = "cache-format"
    # edited_files, comparing the saved fingerprint with the current one
    CONFIG_CHANGED = "config-changed"
    CODE_CHANGED = "code-changed"
    OUTPUTS_CHANGED = "outputs-changed"
    INPUTS_CHANGED = "inputs-changed"
    TEMPLATES_CHANGED = "templates-changed"
    SEEDS_CHANGED = "seeds-changed"
    # update, from the state (_open_state, _read_meta, StoredFacets) and the edited files
    STATE_MISSING = "state-missing"
    STATE_FORMAT = "state-format"
    STATE_CORRUPT = "state-corrupt"
    STATE_MISMATCH = "state-mismatch"
    CONTENT_ERROR = "content-error"
    RENDER_ERROR = "render-error"
    NAME_CHANGED = "name-changed"
    ALIAS_CHANGED = "alias-changed"
    TAG_SET_CHANGED = "tag-set-changed"
    YEAR_SET_CHANGED = "year-set-changed"


@dataclass(frozen=True)
class FullReason:
    """Why this run took the full path: a stable code and one sentence for people."""

    code: Reason
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class _FullRun(BriefsError):
    """This change needs the full path, for `reason`."""

    def __init__(self, code: Reason, message: str) -> None:
        self.reason = FullReason(code, message)
        super().__init__(str(self.reason))


def _listed(paths: Iterable[str], most: int = 3) -> str:
    """Paths for a sentence: the first few, then how many more."""
    shown = sorted(paths)
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return ", ".join(shown[:most]) + more


def _path(root: Path) -> Path:
    return root / cache.CACHE_DIR / STATE_FILE


def _dump(value: Any) -> bytes:
    return serial.dumps(value)


def forget(root: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        with contextlib.suppress(OSError):
            Path(f"{_path(root)}{suffix}").unlink()


@functools.cache
def _expected_schema() -> frozenset[tuple[str, str, str, str | None]]:
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        for statement in (*_SCHEMA, *_INDEXES):
            db.execute(statement)
        return frozenset(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _open_state(root: Path) -> sqlite3.Connection:
    """The stored state, if it is a regular file holding exactly the schema written by
    save() (so no trigger or view runs when it is read or updated); else _FullRun."""
    path = _path(root)
    if cache.folder(root) is None or not os.path.lexists(path):
        raise _FullRun(Reason.STATE_MISSING, "no incremental state")
    sides = [Path(f"{path}{suffix}") for suffix in _SIDE_FILES]
    if not _regular(path) or any(os.path.lexists(s) and not _regular(s) for s in sides):
        raise _FullRun(Reason.STATE_FORMAT, "the incremental state is not a regular file")
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error as exc:
        raise _FullRun(Reason.STATE_CORRUPT, f"the incremental state cannot be opened ({exc})"
                       ) from exc
    try:
        db.execute("PRAGMA trusted_schema=OFF")
        found = frozenset(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    except sqlite3.Error as exc:
        db.close()
        raise _FullRun(Reason.STATE_CORRUPT, f"the incremental state cannot be read ({exc})"
                       ) from exc
    if found != _expected_schema():
        db.close()
        raise _FullRun(Reason.STATE_FORMAT, "the incremental state has another schema")
    return db


def _decode(blob: Any, expect: Any, what: str) -> Any:
    """A stored value; one this version could not have written means the full path."""
    try:
        return serial.loads(blob, expect)
    except serial.SerialError as exc:
        raise _FullRun(Reason.STATE_CORRUPT,
                       f"the incremental state holds a damaged {what} ({exc})") from exc


def _corrupt(what: str) -> _FullRun:
    return _FullRun(Reason.STATE_CORRUPT, f"the incremental state is inconsistent: {what}")


# ---------------------------------------------------------------- the state of a full run


def save(root: Path, graph: Graph, reads: Mapping[str, Iterable[str]]) -> None:
    """Record the state of a full run; a state that cannot be written only costs speed."""
    base = cache.folder(root, create=True)
    if base is None:
        return
    path = base / STATE_FILE
    tmp = path.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
    content = graph.content
    try:
        for suffix in ("", *_SIDE_FILES):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            for statement in _SCHEMA:
                db.execute(statement)
            meta = {
                "format": FORMAT,
                "known_ids": {i: k.value for i, k in content.known_ids.items()},
                "known_seeds": sorted(content.known_seeds),
                "aliases": graph.aliases,
                **_globals(graph),
            }
            db.executemany("INSERT INTO meta VALUES (?, ?)",
                           [(k, _dump(v)) for k, v in meta.items()])
            rows = []
            for entity_id, facet in graph.facets.items():
                part = _slice(graph, entity_id, facet.kind)
                rows.append((entity_id, _dump(facet), _dump(part), _digest(part)))
            db.executemany("INSERT INTO entity VALUES (?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO reader VALUES (?, ?)",
                           [(e, page) for page, ids in reads.items() for e in ids])
            for statement in _INDEXES:
                db.execute(statement)
            db.commit()
        for suffix in _SIDE_FILES:  # a hot journal of the old state would damage the new
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        tmp.replace(path)
    except (OSError, sqlite3.Error, serial.SerialError):
        with contextlib.suppress(OSError):
            tmp.unlink()
        forget(root)


def _slice(graph: Graph, entity_id: str, kind: Kind) -> dict[str, Any]:
    return {name: getattr(graph, name)[entity_id] for name in SLICES[kind]
            if entity_id in getattr(graph, name)}


def _digest(part: dict[str, Any]) -> bytes:
    """Identifies a slice by value (repr of plain data and dataclasses, no object identity)."""
    return hashlib.blake2b(repr(part).encode("utf-8"), digest_size=16).digest()


class StoredFacets(Mapping[str, Facet]):
    """The stored facets, read one entity at a time, with edited entities' new facets."""

    def __init__(self, db: sqlite3.Connection, known: Mapping[str, Kind]) -> None:
        self.db = db
        self.known = known
        self.loaded: dict[str, Facet] = {}

    def __getitem__(self, entity_id: str) -> Facet:
        facet = self.loaded.get(entity_id)
        if facet is None:
            if entity_id not in self.known:
                raise KeyError(entity_id)
            row = self.db.execute("SELECT facet FROM entity WHERE id = ?",
                                  (entity_id,)).fetchone()
            if row is None:
                raise _corrupt(f"no facet for '{entity_id}'")
            facet = self.loaded[entity_id] = self._facet(entity_id, row[0])
        return facet

    def _facet(self, entity_id: str, blob: Any) -> Facet:
        facet: Facet = _decode(blob, Facet, f"facet of '{entity_id}'")
        if facet.kind is not self.known.get(entity_id):
            raise _corrupt(f"the facet of '{entity_id}' is of another kind")
        return facet

    def load_all(self) -> dict[str, Facet]:
        for entity_id, blob in self.db.execute("SELECT id, facet FROM entity"):
            if entity_id not in self.loaded:
                self.loaded[entity_id] = self._facet(entity_id, blob)
        missing = self.known.keys() - self.loaded.keys()
        if missing:
            raise _corrupt(f"no facet for {_listed(missing)}")
        return {i: self.loaded[i] for i in self.known}

    def slice(self, entity_id: str) -> dict[str, Any]:
        row = self.db.execute("SELECT slice FROM entity WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            raise _corrupt(f"no slice for '{entity_id}'")
        part: dict[str, tuple[Any, ...]] = _decode(row[0], _SLICE, f"slice of '{entity_id}'")
        allowed = SLICES[self.known[entity_id]]
        for name, items in part.items():
            # the names become attributes of the graph: only the slice's own, of their type
            if name not in allowed or not all(isinstance(i, _SLICE_ITEM[name]) for i in items):
                raise _corrupt(f"the slice of '{entity_id}' holds {name[:40]!r}")
        return part

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.known  # a full run that succeeded: every id is an entity

    def __iter__(self) -> Iterator[str]:
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)


def _globals(graph: Graph) -> dict[str, Any]:
    """The derived indexes that listing pages read as a whole."""
    return {"tag_map": graph.tags, "events": graph.events, "edges": graph.edges,
            "by_date": graph.briefs_by_date}


@dataclass(frozen=True)
class _Meta:
    known_ids: dict[str, Kind]
    known_seeds: set[str]
    aliases: dict[str, str]
    newest: str  # the first of by_date: the guide quotes its YAML
    raw: dict[str, bytes]  # the globals, decoded only when a listing page needs them

    def load(self, key: str) -> Any:
        return _decode(self.raw[key], _META[key], key)


# What each stored value must be; anything else is refused (serial.SerialError).
_SLICE = dict[str, tuple[Any, ...]]
_SLICE_ITEM: dict[str, type] = {
    "related": str, "edges_by_brief": Edge, "appears_in": str, "used_by_terms": str,
    "member_of": str, "affiliated": str, "events_by_actor": SiteEvent, "edges_by_actor": Edge,
}
_META: dict[str, Any] = {
    "format": str, "known_ids": dict[str, str], "known_seeds": list[str],
    "aliases": dict[str, str], "tag_map": dict[str, tuple[str, ...]],
    "events": tuple[SiteEvent, ...], "edges": tuple[Edge, ...], "by_date": tuple[str, ...],
}


def _read_meta(db: sqlite3.Connection) -> _Meta:
    rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if rows.keys() != _META.keys() or any(type(v) is not bytes for v in rows.values()):
        raise _FullRun(Reason.STATE_FORMAT, "the incremental state has other records")

    def load(key: str) -> Any:
        return _decode(rows[key], _META[key], key)

    if load("format") != FORMAT:
        raise _FullRun(Reason.STATE_FORMAT, "the incremental state is of another format")
    kinds = {k.value: k for k in Kind}
    known_ids = {i: kinds.get(k) for i, k in load("known_ids").items()}
    if None in known_ids.values():
        raise _corrupt("an id of an unknown kind")
    return _Meta(typing.cast(dict[str, Kind], known_ids), set(load("known_seeds")),
                 load("aliases"), next(iter(load("by_date")), ""), rows)


def _derived_inputs(facet: Facet) -> tuple[Any, ...]:
    """The fields of a facet that link.derive reads."""
    return (facet.name, facet.date, facet.tags, facet.involved,
            tuple((e.date, e.actors) for e in facet.events), facet.relations, facet.members,
            facet.affiliation, facet.used_by)


# ---------------------------------------------------------------- what changed


def edited_files(saved: Mapping[str, Any], current: Mapping[str, Any]) -> list[str] | FullReason:
    """The content files edited since the saved fingerprint, or why the full path is needed
    (a file added or removed, a seed, a template, the code, the settings, docs/ changed)."""
    if saved.get("format") != current.get("format"):
        return FullReason(Reason.CACHE_FORMAT, "the build cache is of another format")
    if saved.get("config") != current.get("config"):
        settings = ("site name", "site URL", "output folder")
        which = [name for name, old, new in zip(settings, saved["config"], current["config"],
                                                strict=False) if old != new]
        return FullReason(Reason.CONFIG_CHANGED,
                          f"the {' and '.join(which) or 'site settings'} changed")
    if saved.get("code") != current.get("code"):
        changed = _differ(saved["code"], current["code"])
        return FullReason(Reason.CODE_CHANGED,
                          f"the generator's code changed: {_listed(changed)}")
    if saved.get("outputs") != current.get("outputs"):
        folder = Path(current["config"][2]).name
        changed = _differ(saved["outputs"], current["outputs"])
        return FullReason(Reason.OUTPUTS_CHANGED,
                          f"{folder}/ was changed outside generation: {_listed(changed)}")
    before, after = saved["inputs"], current["inputs"]
    if before.keys() != after.keys():
        return FullReason(Reason.INPUTS_CHANGED, "files added or removed: "
                          + _listed(before.keys() ^ after.keys()))
    edited = sorted(rel for rel in after if before[rel] != after[rel])
    others = [rel for rel in edited if content_file(rel) is None]
    if others:
        code, what = {TEMPLATES_DIR: (Reason.TEMPLATES_CHANGED, "templates"),
                      SEEDS_DIR: (Reason.SEEDS_CHANGED, "seed articles")}.get(
            others[0].split("/")[0], (Reason.INPUTS_CHANGED, "files that are not content"))
        return FullReason(code, f"{what} changed: {_listed(others)}")
    if not edited:  # same inputs and outputs, yet not fresh: a fingerprint not written here
        return FullReason(Reason.CACHE_FORMAT, "the build cache is of another format")
    return edited


def _differ(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# ---------------------------------------------------------------- the incremental run


def update(root: Path, config: SiteConfig, docs: Path, edited: list[str]
           ) -> WriteReport | FullReason:
    """Regenerate the pages that depend on `edited` files, or say why the full path is
    needed; only the named conditions (_FullRun, the state's database failing, a page that
    fails to render) lead there, any other exception propagates. The state is updated in
    the same transaction as nothing else: if writing the pages fails, it is rolled back and
    still describes docs/."""
    try:
        with contextlib.closing(_open_state(root)) as db:
            files = [content_file(rel) for rel in edited]
            report = _Run(root, config, db).run([f for f in files if f is not None], docs)
            db.commit()
            return report
    except _FullRun as exc:
        return exc.reason
    except sqlite3.Error as exc:  # damaged, locked or read-only: the full run writes it anew
        return FullReason(Reason.STATE_CORRUPT, f"the incremental state failed ({exc})")
    except RenderError as exc:
        return FullReason(Reason.RENDER_ERROR,
                          f"a page failed to render; the full run reports it ({exc})")


class _Run:
    def __init__(self, root: Path, config: SiteConfig, db: sqlite3.Connection) -> None:
        meta = _read_meta(db)
        self.root, self.config, self.db, self.meta = root, config, db, meta
        self.stored = StoredFacets(db, meta.known_ids)
        self.content = Content(known_ids=meta.known_ids, known_seeds=meta.known_seeds)
        self.linked: dict[str, Linked] = {}
        self.slice_updates: list[tuple[bytes, bytes, str]] = []  # slice, digest, id
        self.derived = False  # whether this run derived the indexes again

    def load(self, file: ContentFile) -> AnyEntity:
        """Validate and link one content file; any problem means the full path."""
        if self.meta.known_ids.get(file.id) is not file.kind:
            raise _FullRun(Reason.STATE_MISMATCH,
                           f"the incremental state does not list {file.rel}")
        entity, problems = validate_file(self.root, file)
        if entity is None or problems:
            raise _content_error(file.rel)
        self.content.of_kind(file.kind)[file.id] = entity
        model = entity.model
        if file.kind is Kind.BRIEF:
            self._load_seed(model.source.seed)
        text = "\n".join(running_text(model))
        linked = link_entity(entity, self.content, matcher_for_text(self.meta.aliases, text))
        if linked.problems:
            raise _content_error(file.rel)
        self.linked[file.id] = linked
        return typing.cast(AnyEntity, entity)

    def _load_seed(self, seed_id: str) -> None:
        if seed_id not in self.meta.known_seeds or seed_id in self.content.seeds:
            return
        meta_rel = f"{SEEDS_DIR}/{seed_id}.yaml"
        seed, problems = load_seed(self.root, seed_id, f"{SEEDS_DIR}/{seed_id}.txt",
                                   meta_rel if (self.root / meta_rel).is_file() else None)
        if seed is None or problems:
            raise _content_error(f"{SEEDS_DIR}/{seed_id}.txt")
        self.content.seeds[seed_id] = seed

    def run(self, files: list[ContentFile], docs: Path) -> WriteReport:
        edited = [self.load(file) for file in files]
        names = FacetText(self.stored, "name")
        new = {e.id: facet_of(e, self.linked[e.id], names) for e in edited}
        changed = {i: f for i, f in new.items() if f != self.stored[i]}
        own = {urls.page_path(e.kind, e.id) for e in edited}
        if self.meta.newest in new:  # the guide quotes the newest brief's YAML
            own.add(urls.GUIDE)
        for entity_id, facet in changed.items():  # they reach other entities' linked text
            before, rel = self.stored[entity_id], content_rel(facet.kind, entity_id)
            if facet.name != before.name:
                raise _FullRun(Reason.NAME_CHANGED, f"the name in {rel} changed")
            if facet.aliases != before.aliases:
                raise _FullRun(Reason.ALIAS_CHANGED, f"the aliases in {rel} changed")
        if any(_derived_inputs(f) != _derived_inputs(self.stored[i]) for i, f in changed.items()):
            graph, dirty = self._reach(changed)
        else:
            graph, dirty = self._retouch(changed, own)
        dirty |= own
        self._attach(graph, dirty)
        renderer = Renderer(graph, environment(self.root), self.config)
        pages = dict(renderer.page(page) for page in sorted(dirty))
        report = write_files(docs, {p: t.encode("utf-8") for p, t in pages.items()})
        self._record(graph, changed, renderer.page_reads)
        return report

    def _retouch(self, changed: dict[str, Facet], own: set[str]) -> tuple[Graph, set[str]]:
        """The derived indexes are as stored: the dirty pages are the edited entities' own
        and the readers of changed facets, rendered with stored slices and globals."""
        old = {i: self.stored[i] for i in changed}
        self.stored.loaded.update(changed)
        graph = Graph(self.content, facets=self.stored, aliases=self.meta.aliases)
        dirty = set(self._readers(changed))
        for entity_id, facet in changed.items():
            dirty |= _listing_pages(old[entity_id], facet)
        entity_pages = {}
        for page in dirty | own:
            entity = self._entity_of(page)
            if entity is not None:
                entity_pages[page] = entity
        if dirty - entity_pages.keys():  # listing pages: every facet and the globals
            self.stored.load_all()
            graph.tags, graph.events = self.meta.load("tag_map"), self.meta.load("events")
            graph.edges, graph.briefs_by_date = self.meta.load("edges"), self.meta.load("by_date")
        else:
            graph.briefs_by_date = (self.meta.newest,) if self.meta.newest else ()
        for _, entity_id in entity_pages.values():
            for name, value in self.stored.slice(entity_id).items():
                getattr(graph, name)[entity_id] = value
        return graph, dirty

    def _entity_of(self, page: str) -> tuple[Kind, str] | None:
        return urls.page_owner(page, self.meta.known_ids)

    def _reach(self, changed: dict[str, Facet]) -> tuple[Graph, set[str]]:
        """The graph re-derived with the new facets, and the pages the change reaches."""
        old = {i: self.stored[i] for i in changed}
        facets = self.stored.load_all()
        facets.update(changed)
        graph = Graph(self.content, facets=facets, aliases=self.meta.aliases)
        derive(graph, facets)
        self.derived = True
        tags = self.meta.load("tag_map").keys()
        if graph.tags.keys() != tags:  # a tag page to add or remove
            raise _FullRun(Reason.TAG_SET_CHANGED, "tags added or removed: "
                           + _listed(graph.tags.keys() ^ tags))
        years = _years(self.meta.load("events"))
        if _years(graph.events) != years:  # a timeline year page to add or remove
            raise _FullRun(Reason.YEAR_SET_CHANGED, "timeline years added or removed: "
                           + _listed(map(str, _years(graph.events) ^ years)))
        dirty = set(self._readers(changed))
        for entity_id, digest in self.db.execute("SELECT id, digest FROM entity"):
            kind = self.meta.known_ids.get(entity_id)
            if kind is None:
                raise _corrupt(f"a slice for the unknown id {entity_id[:40]!r}")
            part = _slice(graph, entity_id, kind)
            new_digest = _digest(part)
            if new_digest != digest:
                dirty.add(urls.page_path(kind, entity_id))
                self.slice_updates.append((_dump(part), new_digest, entity_id))
        for entity_id, facet in changed.items():
            dirty |= _listing_pages(old[entity_id], facet)
        if graph.briefs_by_date and graph.briefs_by_date[0] != self.meta.newest:
            dirty.add(urls.GUIDE)
        return graph, dirty

    def _readers(self, changed: Iterable[str]) -> Iterator[str]:
        for entity_id in changed:
            for (page,) in self.db.execute("SELECT page FROM reader WHERE entity = ?",
                                           (entity_id,)):
                if not self._is_page(page):  # only pages of the stored site are rendered
                    raise _corrupt(f"a reader of '{entity_id}' that is no page")
                yield page

    def _is_page(self, page: object) -> bool:
        if not isinstance(page, str):
            return False
        if page in _LISTINGS or self._entity_of(page) is not None:
            return True
        return page in self._section_pages

    @functools.cached_property
    def _section_pages(self) -> frozenset[str]:
        """The stored site's tag and timeline-year pages."""
        return frozenset({urls.tag_path(t) for t in self.meta.load("tag_map")}
                         | {urls.timeline_year_path(y) for y in _years(self.meta.load("events"))})

    def _attach(self, graph: Graph, dirty: set[str]) -> None:
        """Load the owners of dirty entity pages and the newest brief (for the guide)."""
        wanted = [entity for entity in map(self._entity_of, dirty) if entity is not None]
        if urls.GUIDE in dirty and graph.briefs_by_date:
            wanted.append((Kind.BRIEF, graph.briefs_by_date[0]))
        for kind, entity_id in wanted:
            if entity_id not in self.linked:
                self.load(ContentFile(kind, entity_id, content_rel(kind, entity_id)))
        for entity_id, linked in self.linked.items():
            graph.rich[entity_id] = linked.rich
            if self.meta.known_ids[entity_id] is Kind.BRIEF:
                graph.brief_actors[entity_id], graph.brief_terms[entity_id] = split_involved(
                    linked.involved, self.meta.known_ids)

    def _record(self, graph: Graph, changed: Mapping[str, Facet],
                reads: Mapping[str, frozenset[str]]) -> None:
        """Bring the state up to date with this run (committed by the caller)."""
        for entity_id, facet in changed.items():
            self.db.execute("UPDATE entity SET facet = ? WHERE id = ?", (_dump(facet), entity_id))
        self.db.executemany("UPDATE entity SET slice = ?, digest = ? WHERE id = ?",
                            self.slice_updates)
        if self.derived:
            self.db.executemany("UPDATE meta SET value = ? WHERE key = ?",
                                [(_dump(v), k) for k, v in _globals(graph).items()])
        for page, ids in reads.items():
            self.db.execute("DELETE FROM reader WHERE page = ?", (page,))
            self.db.executemany("INSERT INTO reader VALUES (?, ?)", [(e, page) for e in ids])


def _content_error(rel: str) -> _FullRun:
    return _FullRun(Reason.CONTENT_ERROR, f"{rel} has a problem; the full check reports "
                    "every problem")


def _years(events: Iterable[SiteEvent]) -> set[int]:
    return {e.date.year for e in events}


def _listing_pages(old: Facet, new: Facet) -> set[str]:
    """Pages built from every facet of a kind whose input changed with this facet (the
    pages that showed the entity before are found through the dependency map)."""
    pages: set[str] = set()
    if old.kind is Kind.BRIEF:
        if old.events != new.events:
            pages.add(urls.TIMELINE)
            pages |= {urls.timeline_year_path(e.date.year) for e in (*old.events, *new.events)}
        if old.date != new.date:  # the order of every list of briefs
            pages |= {urls.HOME, urls.BRIEFS_INDEX, urls.FEED}
            pages |= {urls.tag_path(t) for t in (*old.tags, *new.tags)}
        if old.tags != new.tags:
            pages |= {urls.tag_path(t) for t in set(old.tags) ^ set(new.tags)}
            pages.add(urls.TAGS_INDEX)
        if old.relations != new.relations:
            pages.add(urls.ACTORS_INDEX)  # the diagram of all relations
    elif old.kind is Kind.ACTOR and (old.members, old.affiliation) != (new.members,
                                                                       new.affiliation):
        pages.add(urls.ACTORS_INDEX)
    return pages
